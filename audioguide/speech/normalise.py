"""Turn one display sentence into the words a speech engine should say."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from audioguide.speech import numbers as num
from audioguide.speech.acronyms import LETTERS, MIXED, WORDS, speak_acronym
from audioguide.speech.lexicon import Lexicon

Rule = tuple["re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_DASH = r"\s*(?:-|–|—|to)\s*"
_MONTHS = ("January February March April May June July August September October November December").split()
_MONTH_NAMES = {name.lower(): name for name in _MONTHS}
_MONTH_NAMES.update({name[:3].lower(): name for name in _MONTHS if name != "May"} | {"sept": "September"})
_MONTH = r"(?:" + "|".join(_MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_FRACTION_CHARS = {
    "½": "half",
    "¼": "a quarter",
    "¾": "three quarters",
    "⅓": "a third",
    "⅔": "two thirds",
    "⅛": "an eighth",
}
_PLACEHOLDER_BASE = 0xE000
_VULGAR = re.compile(r"(\d)?\s*([½¼¾⅓⅔⅛])")


# --- character clean-up -------------------------------------------------------------------


def _sanitise(text: str) -> str:
    text = _VULGAR.sub(
        lambda m: (
            (f"{m.group(1)} and " if m.group(1) else " ")
            + _FRACTION_CHARS[m.group(2)].replace("half", "a half" if m.group(1) else "half")
            + " "
        ),
        text,
    )
    return unicodedata.normalize("NFKC", _filter_characters(unicodedata.normalize("NFKC", _filter_characters(text))))


def _filter_characters(text: str) -> str:
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Nd":
            out.append(str(unicodedata.digit(ch, 0)))
        elif category == "Cc" or category in {"Zl", "Zp", "Zs"}:
            out.append(" ")
        elif category in {"Cf", "Cs", "Co", "Cn"}:
            continue
        else:
            out.append(ch)
    return " ".join("".join(out).split())


# --- links, emails, domains --------------------------------------------------------------

_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]*\w@[\w-]+(?:\.[\w-]+)+")
_TLDS = "org|com|net|gov|nhs|uk|edu|info|io|co|ac"
_DOMAIN = re.compile(rf"(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s,;)]*)?", re.IGNORECASE)
_LABELS = {
    "uk": "U K",
    "nhs": "N H S",
    "ac": "A C",
    "gov": "gov",
    "co": "co",
    "org": "org",
    "com": "com",
}


def _give_back(link: str) -> str:
    stripped = link.rstrip(".,;:!?)]'\"’”")
    return " " + link[len(stripped) :]


def _say_label(label: str) -> str:
    return _LABELS.get(label.lower(), label)


def _say_email(match: re.Match[str]) -> str:
    address = match.group(0)
    local, _, domain = address.partition("@")
    spoken_local = re.sub(
        r"[._+-]",
        lambda m: {".": " dot ", "_": " underscore ", "+": " plus ", "-": " dash "}[m.group(0)],
        local,
    )
    spoken_domain = " dot ".join(_say_label(label) for label in domain.split("."))
    return f" {spoken_local} at {spoken_domain} "


def _say_domain(match: re.Match[str]) -> str:
    host = match.group(0).split("/", 1)[0]
    return " " + " dot ".join(_say_label(label) for label in host.split(".") if label) + " "


# --- abbreviations ------------------------------------------------------------------------

_L = r"(?<![^\W\d_])"
"""Start of a word: no letter before (a digit may be: "0etc")."""
_R = r"(?![^\W\d_])"
"""End of a word: no letter after."""


def _rule(pattern: str, replacement: str, flags: int = 0) -> Rule:
    return re.compile(pattern.replace("<L>", _L).replace("<R>", _R), flags), replacement


_ABBREVIATIONS: list[Rule] = [
    _rule(r"<L>[Ee]\.\s?[Gg]<R>\.?|<L>[Ee]g<R>\.?(?=[\s,:])", " for example "),
    _rule(r"<L>[Ii]\.\s?[Ee]<R>\.?|<L>[Ii]e<R>\.?(?=,)", " that is "),
    _rule(r"(?:<L>and\s+)?<L>etc<R>\.?", " and so on ", re.IGNORECASE),
    _rule(r"<L>[Aa]pprox<R>\.?", " approximately "),
    _rule(r"<L>[Vv]s<R>\.?", " versus "),
    _rule(r"<L>[Ii]ncl<R>\.?", " including "),
    _rule(r"<L>[Nn]o\.\s?(?=\d)", " number "),
    _rule(r"<L>[Nn]os\.\s?(?=\d)", " numbers "),
    _rule(r"<L>[Ff]igs?\.\s?(?=\d)", " figure "),
    _rule(r"<L>[Tt]el<R>\.?\s*:?(?=\s*[\d+])", " telephone "),
    _rule(r"#\s?(?=\d)", " number "),
    _rule(r"<L>Ltd<R>\.?", " limited "),
    _rule(r"<L>[Gg]ovt<R>\.?", " government "),
    _rule(r"<L>[Dd]ept<R>\.?", " department "),
]


_TITLES: list[Rule] = [
    _rule(r"<L>Dr<R>[\s.,;:-]*(?=[A-Z])", "Doctor "),
    _rule(r"<L>Drs<R>[\s.,;:-]*(?=[A-Z])", "Doctors "),
    _rule(r"<L>Prof<R>[\s.,;:-]*(?=[A-Z])", "Professor "),
    _rule(r"<L>Mrs<R>[\s.,;:-]*(?=[A-Z])", "Missus "),
    _rule(r"<L>Mr<R>[\s.,;:-]*(?=[A-Z])", "Mister "),
    _rule(r"<L>Ms<R>[\s.,;:-]*(?=[A-Z])", "Miz "),
]
"""Titles before a name; applied once stray symbols are gone ("Dr $ Smith" settles at once)."""


def _say_dotted(match: re.Match[str]) -> str:
    letters = match.group(1).replace(".", "")
    if letters.lower() in {"am", "pm"}:
        return letters.upper()
    return " ".join(letters.upper())


_DOTTED = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,})(?=[\s,;:!?)\]'\"]|$)")

# --- numbers -------------------------------------------------------------------------------


def _words(text: str) -> str:
    return num.number(text)


def _is_one(text: str) -> bool:
    return text.replace(",", "") in {"1", "01"}


_PHONE_CUES = "call|ring|dial|phone|telephone|text|txt|on|NHS|freephone|helpline"
_PHONE_SHORT = {"111", "999", "112", "119", "101", "105"}
_PHONES = [
    re.compile(r"(?<![\w+])\+\s?\d{1,3}(?:[\s-]*\(0\))?(?:[\s-]?\d{2,5}){2,4}(?!\w)"),
    re.compile(r"(?<![\w.,£$€])0\d{2,4}(?:[ -]\d{3,6}){1,2}(?![\w.,]?\d)"),
    re.compile(r"(?<![\w.,£$€])0\d{9,10}(?![\w.,]?\d)"),
]
_PHONE_CUED = re.compile(rf"\b({_PHONE_CUES})(\s*:?\s+)(\d{{3,}}(?:[ -]\d{{3,}})*)(?![\w.,]?\d)", re.IGNORECASE)


def _say_phone(number: str) -> str:
    number = number.replace("(0)", " ")
    groups = [group for group in re.split(r"[\s-]+", number.strip()) if group]
    spoken = []
    for group in groups:
        prefix = "plus " if group.startswith("+") else ""
        spoken.append(prefix + num.digits(group, zero="oh"))
    return " " + ", ".join(spoken) + " "


def _say_cued_phone(match: re.Match[str]) -> str:
    cue, space, digits = match.group(1), match.group(2), match.group(3)
    if cue.lower() in {"on", "nhs"} and digits not in _PHONE_SHORT:
        return match.group(0)
    return cue + space + _say_phone(digits).strip()


def _day_of(day: str, month: str, year: str | None, with_the: bool) -> str | None:
    d, m = int(day), int(month)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    spoken = f"{'the ' if with_the else ''}{num.ordinal(d)} of {_MONTHS[m - 1]}"
    if year:
        y = int(year)
        spoken += " " + num.year(2000 + y if len(year) == 2 else y)
    return spoken


def _numeric_date(match: re.Match[str]) -> str:
    day, month, year = match.group(1), match.group(2), match.group(3)
    return _with_spaces(_day_of(day, month, year, True), match)


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = match.group(1), match.group(2), match.group(3)
    return _with_spaces(_day_of(day, month, year, True), match)


def _with_spaces(spoken: str | None, match: re.Match[str]) -> str:
    return match.group(0) if spoken is None else f" {spoken} "


def _month_number(name: str) -> int:
    return _MONTHS.index(_MONTH_NAMES[name.lower().rstrip(".")]) + 1


def _day_month(match: re.Match[str]) -> str:
    first, last, month, year = match.groups()
    before = match.string[: match.start()].lower()
    with_the = not re.search(r"\bthe\s*$", before)
    m = _month_number(month)
    if last:
        start = num.ordinal(int(first))
        end = _day_of(last, str(m), year, True)
        if end is None or not 1 <= int(first) <= 31:
            return match.group(0)
        return f" {'the ' if with_the else ''}{start} to {end} "
    spoken = _day_of(first, str(m), year, with_the)
    return match.group(0) if spoken is None else f" {spoken} "


def _month_day(match: re.Match[str]) -> str:
    month, day, year = match.group(1), match.group(2), match.group(3)
    d = int(day)
    if not 1 <= d <= 31:
        return match.group(0)
    spoken = f"{_MONTH_NAMES[month.lower().rstrip('.')]} the {num.ordinal(d)}"
    if year:
        spoken += ", " + num.year(int(year))
    return f" {spoken} "


def _say_hour(hour: int, minute: int) -> str:
    words = num.cardinal(hour)
    if minute == 0:
        return words
    if minute < 10:
        return f"{words} oh {num.cardinal(minute)}"
    return f"{words} {num.cardinal(minute)}"


def _say_time(whole: str, hour_text: str, minute_text: str | None, suffix: str | None) -> str:
    hour, minute = int(hour_text), int(minute_text or 0)
    if suffix:
        if hour > 12 or minute > 59:
            return whole
        half = "AM" if suffix.lower().startswith("a") else "PM"
        return f" {_say_hour(hour, minute)} {half} "
    if hour > 23 or minute > 59:
        return whole
    if hour_text.startswith("0") or hour >= 13 or hour == 0:
        if hour == 0 and minute == 0:
            return " midnight "
        half = "AM" if hour < 12 else "PM"
        return f" {_say_hour(hour % 12 or 12, minute)} {half} "
    if minute == 0:
        return f" {num.cardinal(hour)} o'clock "
    return f" {_say_hour(hour, minute)} "


def _clock(match: re.Match[str]) -> str:
    return _say_time(match.group(0), match.group(1), match.group(2), match.group(3))


def _clock_plain(match: re.Match[str]) -> str:
    return _say_time(match.group(0), match.group(1), match.group(2), None)


_CURRENCIES = {
    "£": ("pound", "pounds", "penny", "pence"),
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
}
_SCALE_WORDS = {"k": "thousand", "m": "million", "bn": "billion"}


def _money(match: re.Match[str]) -> str:
    symbol, amount, upper, scale = match.group(1), match.group(2), match.group(3), match.group(4)
    one, many, small_one, small_many = _CURRENCIES[symbol]
    scale_word = ""
    if scale:
        key = scale.strip().lower()
        scale_word = " " + _SCALE_WORDS.get(key, key)
    if upper:
        return f" {_words(amount)} to {_words(upper)}{scale_word} {many} "
    whole, _, frac = amount.replace(",", "").partition(".")
    if scale_word or not frac or len(frac) > 2:
        unit = one if (_is_one(amount) and not scale_word) else many
        return f" {_words(amount)}{scale_word} {unit} "
    pence = int(frac.ljust(2, "0"))
    pounds = int(whole or "0")
    if pounds == 0:
        return f" {num.cardinal(pence)} {small_one if pence == 1 else small_many} "
    unit = one if pounds == 1 else many
    spoken = f"{num.cardinal(pounds)} {unit}"
    return f" {spoken} {num.cardinal(pence)} " if pence else f" {spoken} "


def _pence(match: re.Match[str]) -> str:
    amount = match.group(1)
    return f" {_words(amount)} {'penny' if _is_one(amount) else 'pence'} "


_UNITS: dict[str, tuple[str, str]] = {
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "μg": ("microgram", "micrograms"),
    "ug": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "ml": ("millilitre", "millilitres"),
    "mL": ("millilitre", "millilitres"),
    "l": ("litre", "litres"),
    "L": ("litre", "litres"),
    "dl": ("decilitre", "decilitres"),
    "dL": ("decilitre", "decilitres"),
    "mm": ("millimetre", "millimetres"),
    "cm": ("centimetre", "centimetres"),
    "km": ("kilometre", "kilometres"),
    "mmol": ("millimole", "millimoles"),
    "IU": ("international unit", "international units"),
    "iu": ("international unit", "international units"),
    "kcal": ("kilocalorie", "kilocalories"),
    "mmHg": ("millimetre of mercury", "millimetres of mercury"),
    "bpm": ("beat per minute", "beats per minute"),
    "mph": ("mile per hour", "miles per hour"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ft": ("foot", "feet"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "h": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
}
_PER: dict[str, str] = {
    "kg": "kilogram",
    "g": "gram",
    "day": "day",
    "d": "day",
    "week": "week",
    "wk": "week",
    "hour": "hour",
    "hr": "hour",
    "h": "hour",
    "min": "minute",
    "l": "litre",
    "L": "litre",
    "ml": "millilitre",
    "mL": "millilitre",
    "dl": "decilitre",
    "dL": "decilitre",
    "m2": "square metre",
    "month": "month",
    "year": "year",
}


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))


_UNIT_RULE = re.compile(
    rf"(?<![\w.])({_NUM})(?:{_DASH}({_NUM}))?\s*({_alternation(list(_UNITS))})"
    rf"(?:\s*/\s*({_alternation(list(_PER))}))?(?:\s*/\s*({_alternation(list(_PER))}))?(?![\w°])"
)
_PERCENT = re.compile(rf"(?<![\w.])({_NUM})\s*%?(?:{_DASH}({_NUM}))?\s*(?:%|\bper\s?cent\b|\bpercent\b)")


def _unit(match: re.Match[str]) -> str:
    amount, upper, unit, per, per_more = match.groups()
    singular, plural = _UNITS[unit]
    name = singular if (upper is None and _is_one(amount)) else plural
    spoken = _words(amount) + (f" to {_words(upper)}" if upper else "")
    for divisor in (per, per_more):
        if divisor:
            name += f" per {_PER[divisor]}"
    return f" {spoken} {name} "


def _percent(match: re.Match[str]) -> str:
    amount, upper = match.group(1), match.group(2)
    spoken = _words(amount) + (f" to {_words(upper)}" if upper else "")
    return f" {spoken} percent "


def _looks_like_year(value: str) -> bool:
    return value.isdigit() and len(value) == 4 and 1100 <= int(value) <= 2099


def _range(match: re.Match[str]) -> str:
    low, high = match.group(1), match.group(2)
    if _looks_like_year(low) and (_looks_like_year(high) or len(high) == 2):
        return f" {num.year(int(low))} to {num.year(int(high)) if len(high) == 4 else num.cardinal(int(high))} "
    return f" {_words(low)} to {_words(high)} "


_COUNT_NOUNS = frozenset(
    (
        "people patients adults children men women participants cases deaths births members volunteers "
        "staff doctors nurses families carers words steps times miles metres meters calories units "
        "tablets doses hours minutes days weeks months years pounds dollars euros things items questions "
        "responses families homes households sufferers trials studies papers letters calls visits "
        "admissions beds"
    ).split()
)
_COUNT_CUES = frozenset(
    (
        "than over under about around approximately nearly almost roughly some least most only just exactly total of"
    ).split()
)
_YEAR_CUES = frozenset(
    [
        "in",
        "since",
        "from",
        "by",
        "until",
        "till",
        "to",
        "during",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "year",
        "summer",
        "winter",
        "spring",
        "autumn",
        "between",
        "and",
        "circa",
    ]
    + [m.lower() for m in _MONTHS]
)


def _year_or_number(match: re.Match[str]) -> str:
    value = int(match.group(0))
    before = match.string[: match.start()].split()
    after = match.string[match.end() :].split()
    previous = before[-1].lower().strip("(,") if before else ""
    following = after[0].lower().strip(".,;:)") if after else ""
    if previous in _YEAR_CUES:
        return f" {num.year(value)} "
    if following in _COUNT_NOUNS or previous in _COUNT_CUES:
        return f" {num.cardinal(value)} "
    return f" {num.year(value)} "


_FRACTION_NAMES = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    7: ("seventh", "sevenths"),
    8: ("eighth", "eighths"),
    9: ("ninth", "ninths"),
    10: ("tenth", "tenths"),
}


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if (top, bottom) == (24, 7):
        return " twenty-four seven "
    if 0 < top < bottom < 10:
        singular, plural = _FRACTION_NAMES[bottom]
        if top == 1:
            return " half " if bottom == 2 else f" a {singular} "
        return f" {num.cardinal(top)} {plural} "
    return f" {num.cardinal(top)} out of {num.cardinal(bottom)} "


def _ordinal(match: re.Match[str]) -> str:
    return f"{num.ordinal(int(match.group(1)))}"


def _decade(match: re.Match[str]) -> str:
    digits = match.group(1)
    if len(digits) == 2:
        return num.plural_words(num.cardinal(int(digits)))
    return num.plural_words(num.year(int(digits)))


_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}
_ROMAN_RULE = re.compile(
    r"\b(phase|type|stage|grade|class|part|level|chapter|schedule|appendix|volume|category|world war)"
    r"\s+(IX|IV|V?I{1,3}|V|X)\b",
    re.IGNORECASE,
)


def _roman(match: re.Match[str]) -> str:
    numeral = match.group(2)
    if numeral not in _ROMAN:
        return match.group(0)
    return f"{match.group(1)} {num.cardinal(_ROMAN[numeral])}"


_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?({_MONTH})\b\.?"
    rf"(?:,?\s+(\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d|\d)(?:,?\s+(\d{{4}})\b)?")


def _numbers(text: str) -> str:
    for pattern in _PHONES:
        text = pattern.sub(lambda m: _say_phone(m.group(0)), text)
    text = _PHONE_CUED.sub(_say_cued_phone, text)
    text = re.sub(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b(?![.,/-]?\d)", _numeric_date, text)
    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", _iso_date, text)
    text = _DAY_MONTH.sub(_day_month, text)
    text = _MONTH_DAY.sub(_month_day, text)
    text = re.sub(
        r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)",
        _clock,
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(\d{1,2}):(\d{2})\b(?!:\d)", _clock_plain, text)
    text = re.sub(r"(?:(?<=[\s(\[])|^)[-−–](?=\d)", "minus ", text)
    text = re.sub(
        rf"([£$€])\s?({_NUM})(?:{_DASH}[£$€]?({_NUM}))?(\s?(?:million|billion|thousand|bn|m|k))?(?!\w)",
        _money,
        text,
    )
    text = re.sub(r"(?<![\w.])(\d+)p\b", _pence, text)
    text = _PERCENT.sub(_percent, text)
    text = _UNIT_RULE.sub(_unit, text)
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", _ordinal, text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![\w.])'?((?:1[0-9]|20)?\d0)'?s\b", _decade, text)
    text = re.sub(rf"(?<![\w.,])({_NUM})\s*(?:-|–|—)\s*({_NUM})(?![\w.,]?\d)", _range, text)
    text = re.sub(r"(?<![\w./])(\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)", _fraction, text)
    text = re.sub(r"([A-Za-z])(?=\d)", r"\1 ", text)
    text = re.sub(r"(\d)(?=[A-Za-z])", r"\1 ", text)
    text = re.sub(r"(?<![\w.,])(?<!\d[.,])(?:1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d)", _year_or_number, text)
    text = re.sub(r"(?:(?<=\s)|^)[-−](?=\d)", "minus ", text)
    text = re.sub(_NUM, lambda m: " " + _words(m.group(0)) + " ", text)
    return re.sub(r"\d+", lambda m: " " + num.digits(m.group(0)) + " ", text)


# --- symbols, brackets and lists ---------------------------------------------------------

_SYMBOLS: list[Rule] = [
    (re.compile(r"</?[A-Za-z][^<>]*>"), " "),
    (re.compile(r"\s*(?:->|→|=>)\s*"), " to "),
    (re.compile(r"\s*≤\s*"), " less than or equal to "),
    (re.compile(r"\s*≥\s*"), " greater than or equal to "),
    (re.compile(r"\s*<\s*"), " less than "),
    (re.compile(r"\s*>\s*"), " more than "),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*[×✕]\s*"), " times "),
    (re.compile(r"\s*[~≈]\s*"), " about "),
    (re.compile(r"\s*%\s*"), " percent "),
    (re.compile(r"\s*°\s*"), " degrees "),
    (re.compile(r"\s*@\s*"), " at "),
    (re.compile(r"\band\s*/\s*or\b"), "and or"),
    (re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])"), " or "),
    (re.compile(r"[\"“”„‟«»‹›]"), " "),
    (re.compile(r"[‘’‚‛′`´]"), "'"),
    (re.compile(r"(?<![^\W_])'+|'+(?![^\W_])"), " "),
    (re.compile(r"\s*(?:\.{3,}|…)\s*"), ", "),
    (re.compile(r"\s*[•·▪◦‣●○■□–—―‒|]\s*"), ", "),
    (re.compile(r"(?:^|\s)-+(?:\s|$)|-{2,}"), ", "),
    (re.compile(r"\s*[(\[{]\s*"), ", "),
    (re.compile(r"\s*[)\]}]\s*"), ", "),
]
_KEEP_CHARS = frozenset(".,;:!?'- ")


def _drop_other_symbols(text: str) -> str:
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _KEEP_CHARS or category[0] in {"L", "M"} or _is_placeholder(ch):
            out.append(ch)
        elif category == "Pd":
            out.append("-")
        else:
            out.append(" ")
    return "".join(out)


# --- acronyms -------------------------------------------------------------------------------

_ACRONYM = re.compile(r"(?<![^\W\d_]|')([A-Z]{2,})(es|s|'s)?(?![^\W\d_]|')")
_CAPS_WORD = re.compile(r"[^\W\d_]{2,}")
_MIXED = re.compile(r"(?<![^\W\d_]|&)(" + _alternation(list(MIXED)) + r")(?![^\W\d_]|&)")
_VOWELS = re.compile(r"[AEIOUY]")


def _is_shouting(text: str) -> bool:
    """True when most ordinary words are in capitals (acronyms and protected words aside)."""
    plain: list[str] = []
    for word in _CAPS_WORD.findall(text):
        base = word[:-1] if word.endswith("s") and word[:-1].isupper() and len(word) > 2 else word
        if not (base.isupper() and (base in LETTERS or base in WORDS or not _VOWELS.search(base))):
            plain.append(word)
    caps = sum(1 for word in plain if word.isupper())
    protected = sum(1 for ch in text if _is_placeholder(ch))
    return caps >= 3 and caps >= 0.6 * (len(plain) + 3 * protected)


def _acronyms(text: str) -> str:
    shouting = _is_shouting(text)

    def replace(match: re.Match[str]) -> str:
        token, suffix = match.group(1), match.group(2) or ""
        spoken = speak_acronym(token, suffix, shouting)
        return match.group(0) if spoken is None else spoken

    return _ACRONYM.sub(replace, text)


# --- tidy -----------------------------------------------------------------------------------

_PUNCT_RUN = re.compile(r"[,;:.!?](?:\s*[,;:.!?])+")
_STRENGTH = "?!.:;,"


def _strongest(match: re.Match[str]) -> str:
    run = match.group(0)
    for mark in _STRENGTH:
        if mark in run:
            return mark
    return ","


def _tidy(text: str) -> str:
    for _ in range(3):
        before = text
        text = " ".join(text.split())
        text = re.sub(r"\s+([,;:.!?])", r"\1", text)
        text = _PUNCT_RUN.sub(_strongest, text)
        text = re.sub(r"(?<=[^\W_])\.(?=[^\W_])", " ", text)
        text = re.sub(r"([,;:!?.])(?=[^\s,;:!?.'])", r"\1 ", text)
        text = re.sub(r"(?<![^\W_])'+|'+(?![^\W_])", "", text)
        text = re.sub(r"(?<=[^\W_])\s+-(?=[^\W\d_])", "-", text)
        text = re.sub(r"(?<=\s)-+|-+(?=\s)|^-+|-+$", "", text)
        text = re.sub(r"^[\s,;:.!?]+", "", text)
        text = " ".join(text.split())
        if text == before:
            break
    return text


# --- protection of respellings and phoneme input ----------------------------------------

_PHONEMES = re.compile(r"\[\[[^\[\]<>]{1,200}\]\]")


def _is_placeholder(ch: str) -> bool:
    return _PLACEHOLDER_BASE <= ord(ch) < _PLACEHOLDER_BASE + 0x1000


def _protect(text: str, pattern: re.Pattern[str] | None, saved: list[str]) -> str:
    def hide(match: re.Match[str]) -> str:
        if len(saved) >= 0x1000:
            return match.group(0)
        saved.append(match.group(0))
        return chr(_PLACEHOLDER_BASE + len(saved) - 1)

    text = _PHONEMES.sub(hide, text)
    return pattern.sub(hide, text) if pattern is not None else text


def _restore(text: str, saved: list[str]) -> str:
    return "".join(saved[ord(ch) - _PLACEHOLDER_BASE] if _is_placeholder(ch) else ch for ch in text)


# --- the whole conversion ----------------------------------------------------------------

_TERMINAL = re.compile(r"([.!?])[\s'\"’”)\]}»]*$")
_SCRUB_EARLY: list[Rule] = [
    (re.compile(r"e\.g\.", re.IGNORECASE), "for example"),
    (re.compile(r"i\.e\.", re.IGNORECASE), "that is"),
    (re.compile(r"http", re.IGNORECASE), " H T T P "),
    (re.compile(r"www\.", re.IGNORECASE), " W W W "),
]
_FORBIDDEN: list[Rule] = [
    (re.compile(r"e\.g\.", re.IGNORECASE), "for example"),
    (re.compile(r"i\.e\.", re.IGNORECASE), "that is"),
    (re.compile(r"http", re.IGNORECASE), " H T T P "),
    (re.compile(r"www\.", re.IGNORECASE), " W W W "),
    (re.compile(r"[<>]"), " "),
]


def _apply(rules: list[Rule], text: str) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _convert(sentence: str, lexicon: Lexicon, engine: str) -> str:
    text = _sanitise(sentence)
    ending = _TERMINAL.search(text)
    saved: list[str] = []
    text = _protect(text, lexicon.protection_pattern(), saved)
    text = _URL.sub(lambda m: _give_back(m.group(0)), text)
    text = _apply(_SCRUB_EARLY, text)
    text = _EMAIL.sub(_say_email, text)
    text = _MIXED.sub(lambda m: f" {MIXED[m.group(1)]} ", text)
    text = _apply(_ABBREVIATIONS, text)
    text = _DOTTED.sub(_say_dotted, text)
    text = _DOMAIN.sub(_say_domain, text)
    text = _ROMAN_RULE.sub(_roman, text)
    text = _numbers(text)
    text = re.sub(r"\b(AM|PM)\s*(?:-|–|—)\s*", r"\1 to ", text)
    text = _apply(_SYMBOLS, text)
    text = _drop_other_symbols(text)
    text = _apply(_TITLES, text)
    text = _acronyms(text)
    text = _tidy(text).rstrip(",;: -")
    if ending and text and text[-1] not in ".!?":
        text += ending.group(1)
    text = _restore(unicodedata.normalize("NFKC", text), saved)
    text = lexicon.apply(text, engine)
    return " ".join(_apply(_FORBIDDEN, text).split())


def to_speech(sentence: str, lexicon: Lexicon | None = None, engine: str = "pyttsx3") -> str:
    """What the engine should say for one display sentence (the built-in lexicon when None)."""
    if not isinstance(sentence, str):
        return ""
    active = Lexicon.builtin() if lexicon is None else lexicon
    try:
        return _convert(sentence, active, engine)
    except Exception:
        return _fallback(sentence)


def _fallback(sentence: str) -> str:
    kept = "".join(ch if (ch.isalpha() or ch in ".,;:!?' ") else " " for ch in str(sentence))
    return " ".join(_apply(_FORBIDDEN, kept).split())

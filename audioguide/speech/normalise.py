"""Turn one display sentence into the words a speech engine should say."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from audioguide.speech import addresses as addr
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


def _say_url(match: re.Match[str]) -> str:
    address, tail = addr.split_trailing(match.group(0))
    if not address:
        return match.group(0)
    spoken = addr.say_address(address, match.string[: match.start()], match.string[match.end() :])
    return f" {spoken} {tail}"


def _say_email(match: re.Match[str]) -> str:
    return f" {addr.say_email(match.group(0))} "


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
    # North American: 1-800-273-8255, (555) 123-4567, 555.123.4567
    re.compile(r"(?<![\w.+-])(?:1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w]|[.,-]?\d)"),
    re.compile(r"(?<![\w+])\+\s?\d{1,3}(?:[\s-]*\(0\))?(?:[\s-]?\d{2,5}){2,4}(?!\w)"),
    re.compile(r"(?<![\w.,£$€])0\d{2,4}(?:[ -]\d{3,6}){1,2}(?![\w.,]?\d)"),
    re.compile(r"(?<![\w.,£$€])0\d{9,10}(?![\w.,]?\d)"),
]
_PHONE_CUED = re.compile(rf"\b({_PHONE_CUES})(\s*:?\s+)(\d{{3,}}(?:[ -]\d{{3,}})*)(?![\w.,]?\d)", re.IGNORECASE)


def _say_phone(number: str) -> str:
    number = number.replace("(0)", " ")
    groups = [group for group in re.split(r"[\s().-]+", number.strip()) if group]
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
    adjective = _is_noun_from(_next_word(match), _MONEY_NOUNS)
    if scale_word or not frac or len(frac) > 2:
        unit = one if ((_is_one(amount) or adjective) and not scale_word) else many
        return f" {_words(amount)}{scale_word} {unit} "
    pence = int(frac.ljust(2, "0"))
    pounds = int(whole or "0")
    if pounds == 0:
        return f" {num.cardinal(pence)} {small_one if pence == 1 else small_many} "
    unit = one if pounds == 1 else many
    spoken = f"{num.cardinal(pounds)} {unit}"
    return f" {spoken} and {num.cardinal(pence)} {small_one if pence == 1 else small_many} " if pence else f" {spoken} "


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
    "tsp": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "tbs": ("tablespoon", "tablespoons"),
    "dsp": ("dessertspoon", "dessertspoons"),
    "mol": ("mole", "moles"),
    "nmol": ("nanomole", "nanomoles"),
    "µmol": ("micromole", "micromoles"),
    "umol": ("micromole", "micromoles"),
    "ng": ("nanogram", "nanograms"),
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
    "mol": "mole",
    "mmol": "millimole",
    "dose": "dose",
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
    adjective = not per and not per_more and _describes_a_noun(match)
    name = singular if (adjective or (upper is None and _is_one(amount))) else plural
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


_MIXED_NUMBER = re.compile(r"(?<![\w./,])(\d{1,3})\s+([1-8])/([2-9])(?![\w/]|[.,]\d)")
"""A whole number and a fraction: "1 1/2 tablets" is one and a half, never "one half"."""
_HALF_A = re.compile(
    r"(?<![\w-])(?<!a )(?<!and a )([Hh]alf)\s+(tablet|capsule|pill|sachet|dose|teaspoon|teaspoonful|tablespoon|"
    r"spoonful|spoon|cup|cupful|glass|mug|bottle|pint|litre|hour|day|inch)(?![\w-])"
)
"""A half before a thing counted: "half a tablet", "half an hour"."""


def _mixed_number(match: re.Match[str]) -> str:
    whole, top, bottom = match.group(1), int(match.group(2)), int(match.group(3))
    if top >= bottom:
        return match.group(0)
    part = _fraction_words(top, bottom)
    return f" {_words(whole)} and {'a half' if part == 'half' else part} "


def _fraction_words(top: int, bottom: int) -> str:
    singular, plural = _FRACTION_NAMES[bottom]
    if top == 1:
        return "half" if bottom == 2 else f"a {singular}"
    return f"{num.cardinal(top)} {plural}"


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if (top, bottom) == (24, 7):
        return " twenty-four seven "
    if 0 < top < bottom < 10:
        return f" {_fraction_words(top, bottom)} "
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


# --- numbers in context --------------------------------------------------------------------

_SERVICE = re.compile(
    r"(?<![\w.,£$€/:-])(116\s?\d{3}|111|999|112|911|119|101|105|988|211|311|411|811)(?![\w]|[.,:/]\d|\s?\d)"
)
_LONG_DIGITS = re.compile(r"(?<![\w.,£$€/:-])(\d{5,})(?![\w]|[.,:/]\d)")
_EXTENSION = re.compile(r"\b(?:ext|extn|extension)\b\.?\s*:?\s*(\d{1,6})\b", re.IGNORECASE)
_PO_BOX = re.compile(r"\b((?:PO|P\.O\.)\s+Box|Freepost)\s+(\d+)\b", re.IGNORECASE)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER = re.compile(
    r"(?<![\w.])(?:(\d+(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?)\s*[x×*]\s*)?10\s*(?:\^|\*\*)?\s*([⁻-]?[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+|[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"(?:\s*/\s*(L|l|mL|ml|dL|dl|µL|μL|uL|mcL|kg|g))?(?![\w.,]?\d)"
)
"""Laboratory counts in powers of ten: "150 x 10^9/L", "4.5 × 10¹²/L", "4-11 x 10^9/L"."""
_POWER_UNITS = {
    "l": "litre",
    "ml": "millilitre",
    "dl": "decilitre",
    "µl": "microlitre",
    "μl": "microlitre",
    "ul": "microlitre",
    "mcl": "microlitre",
    "kg": "kilogram",
    "g": "gram",
}
_RATIO = re.compile(r"(?<![\w.:,])(\d{1,4}):(\d|\d{3,})(?![\w:]|[.,]\d)")
"""A ratio such as a dilution ("1:1000", "3:1"): not a clock time, whose minutes have two digits."""


def _power(match: re.Match[str]) -> str:
    exponent = match.group(2).translate(_SUPERSCRIPT)
    if not re.fullmatch(r"-?\d{1,2}", exponent) or (
        match.group(1) is None and "^" not in match.group(0) and not re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]", match.group(0))
    ):
        return match.group(0)  # "10 2" or "102" is not a power of ten
    power = int(exponent)
    said = ("minus " if power < 0 else "") + num.cardinal(abs(power))
    spoken = f"ten to the power of {said}"
    if match.group(1) is not None:
        count = " to ".join(_words(part.strip()) for part in re.split(r"[-–]", match.group(1)))
        spoken = f"{count} times {spoken}"
    unit = match.group(3)
    if unit:
        spoken += f" per {_POWER_UNITS[unit.lower()]}"
    return f" {spoken} "


_PER_SPAN = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=\d+\s*(?:hours?|hrs?|h|days?|weeks?|months?)\b)")
"""A slash before a span of time ("4 doses/24 hours"): "per"."""
_PAGE_REF = re.compile(r"(?<![\w.])(pp?|pg|pgs)\.\s?(\d+)(?:\s*[-–]\s*(\d+))?", re.IGNORECASE)
_PAGE_WORD = re.compile(r"\b([Pp]ages?)\s+(\d+)\s*[-–]\s*(\d+)\b")


def _next_word(match: re.Match[str]) -> str:
    after = match.string[match.end() :].split()
    return after[0].lower().strip(".,;:)!?") if after else ""


def _previous_word(match: re.Match[str]) -> str:
    before = match.string[: match.start()].split()
    return before[-1].lower().strip("(,:") if before else ""


def _counts_something(match: re.Match[str]) -> bool:
    """True when a number is a quantity ("111 people", "over 10000 steps"), not a code to dial."""
    following = _next_word(match)
    previous = _previous_word(match)
    return following in _COUNT_NOUNS or following in _UNITS or previous in _COUNT_CUES or previous in _AMOUNT_VERBS


_AMOUNT_VERBS = frozenset(
    "raised raise raises spent spend spends paid pay pays earned earn earns saved costs cost".split()
)


def _service(match: re.Match[str]) -> str:
    if _counts_something(match):
        return match.group(0)
    groups = match.group(1).split()
    if len(groups) == 1 and len(groups[0]) == 6:
        groups = [groups[0][:3], groups[0][3:]]
    zero = "oh" if len(groups) == 1 and len(groups[0]) == 3 else "zero"  # "one oh one", like 999
    return " " + ", ".join(num.digits(group, zero=zero) for group in groups) + " "


def _long_digits(match: re.Match[str]) -> str:
    if _counts_something(match):
        return match.group(0)
    return f" {num.digits(match.group(1))} "


def _extension(match: re.Match[str]) -> str:
    return f" extension {num.digits(match.group(1))} "


def _page_ref(match: re.Match[str]) -> str:
    kind, first, last = match.groups()
    if last:
        return f" pages {num.cardinal(int(first))} to {num.cardinal(int(last))} "
    many = kind.lower() in {"pp", "pgs"}
    return f" {'pages' if many else 'page'} {num.cardinal(int(first))} "


def _page_word(match: re.Match[str]) -> str:
    return f" pages {num.cardinal(int(match.group(2)))} to {num.cardinal(int(match.group(3)))} "


_HALF_DAY = r"(am|pm|a\.m\.|p\.m\.)"
_TIME_RANGE = re.compile(
    rf"\b(\d{{1,2}})(?:[:.](\d{{2}}))?\s*{_HALF_DAY}?\s*(?:-|–|—|to|until|till)\s*"
    rf"(\d{{1,2}})(?:[:.](\d{{2}}))?\s*{_HALF_DAY}(?!\w)",
    re.IGNORECASE,
)
_CLOCK_RANGE = re.compile(r"\b(\d{1,2}):(\d{2})\s*(?:-|–|—|to|until|till)\s*(\d{1,2}):(\d{2})\b(?!:\d)", re.IGNORECASE)


def _half(suffix: str) -> str:
    return "AM" if suffix.lower().startswith("a") else "PM"


def _time_range(match: re.Match[str]) -> str:
    h1, m1, s1, h2, m2, s2 = match.groups()
    a, b, c, d = int(h1), int(m1 or 0), int(h2), int(m2 or 0)
    if not (1 <= a <= 12 and 1 <= c <= 12 and b < 60 and d < 60):
        return match.group(0)
    first = _say_hour(a, b) + (f" {_half(s1)}" if s1 and _half(s1) != _half(s2) else "")
    if s1 and _half(s1) == _half(s2):
        first = _say_hour(a, b)
    return f" {first} to {_say_hour(c, d)} {_half(s2)} "


def _twelve_hour(hour: int, minute: int) -> str:
    if hour == 0 and minute == 0:
        return "midnight"
    if hour == 12 and minute == 0:
        return "midday"
    return f"{_say_hour(hour % 12 or 12, minute)} {'AM' if hour < 12 else 'PM'}"


def _clock_range(match: re.Match[str]) -> str:
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        return match.group(0)
    return f" {_twelve_hour(h1 % 24, m1)} to {_twelve_hour(h2 % 24, m2)} "


_YEAR_SLASH = re.compile(r"(?<![\w/.])((?:19|20)\d\d)/((?:19|20)?\d\d)(?![\w/]|[.,]\d)")


def _year_slash(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    following = int(first) + 1
    if int(second) not in {following % 100, following}:
        return match.group(0)
    second_words = num.year(int(second)) if len(second) == 4 else num.cardinal(int(second))
    return f" {num.year(int(first))} to {second_words} "


_PRESSURE = re.compile(r"(?<![\w./])(\d{2,3})\s*/\s*(\d{2,3})(\s*mm\s?Hg\b)?(?(3)|(?![\w/]|[.,]\d))")
_PRESSURE_CUE = re.compile(r"blood pressure|\bBP\b|mm\s?Hg|systolic|diastolic|reading", re.IGNORECASE)


def _pressure(match: re.Match[str]) -> str:
    top, bottom, unit = int(match.group(1)), int(match.group(2)), match.group(3)
    plausible = 70 <= top <= 260 and 30 <= bottom <= 160 and top > bottom
    if not (plausible and (unit or _PRESSURE_CUE.search(match.string))):
        return match.group(0)
    return f" {num.cardinal(top)} over {num.cardinal(bottom)}{' millimetres of mercury' if unit else ''} "


_AGE_GROUP = re.compile(r"\b([Oo]ver|[Uu]nder)(?:-|\s)(\d{1,3})s\b")
_AND_OVER = re.compile(r"(?<![\w.+])(\d{1,3})\s?\+(?!\s?\d)")


def _age_group(match: re.Match[str]) -> str:
    return f" {match.group(1)} {num.plural_words(num.cardinal(int(match.group(2))))} "


_STONE = re.compile(r"(?<![\w.])(\d{1,2})\s?st(?:one)?s?\s+(\d{1,2})\s?(?:lbs?|pounds?)\b")
_STONE_ALONE = re.compile(r"(?<![\w.])(\d{1,2})\s?st\b(?!\.?\s+[A-Z])")
_FEET = re.compile(r"(?<![\w.])(\d)\s?(?:ft|feet|foot)\s+(\d{1,2})\s?(?:in|inches)\b")


def _stone(match: re.Match[str]) -> str:
    stones, pounds = int(match.group(1)), int(match.group(2))
    return f" {num.cardinal(stones)} stone {num.cardinal(pounds)} {'pound' if pounds == 1 else 'pounds'} "


def _stone_alone(match: re.Match[str]) -> str:
    value = match.group(1)
    if re.search(r"\d\s?st$", match.group(0)) and value.endswith("1") and not value.endswith("11"):
        if " " not in match.group(0):
            return match.group(0)  # "21st": an ordinal
    return f" {num.cardinal(int(value))} stone "


def _feet(match: re.Match[str]) -> str:
    feet, inches = int(match.group(1)), int(match.group(2))
    feet_word = "foot" if feet == 1 else "feet"
    return f" {num.cardinal(feet)} {feet_word} {num.cardinal(inches)} {'inch' if inches == 1 else 'inches'} "


_TIMES_EACH = re.compile(r"(?<![\w.])(\d+)\s*[x×]\s*(?=(?:a|an|per|each|every|daily|weekly|monthly|nightly)\b)")
_COUNT_OF_DOSE = re.compile(r"(?<![\w.])(\d+)\s*[x×]\s*(?=\d)")
_RATE_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(day|d|week|wk|month|year|yr|hour|hr|night|session)\b")
_RATE_WORDS = {"d": "day", "wk": "week", "yr": "year", "hr": "hour"}


def _rate_slash(match: re.Match[str]) -> str:
    word = match.group(1)
    before = match.string[: match.start()].split()
    previous = before[-1].lower() if before else ""
    if previous in {"and", "or"}:
        return match.group(0)
    return f" a {_RATE_WORDS.get(word, word)}"


_ADJECTIVE_NOUNS = frozenset(
    (
        "tablet capsule dose pill injection sachet patch pack bag bottle can glass cup mug spoon spoonful "
        "tin carton pot jar tube vial syringe serving portion drink measure shot walk swim session course "
        "bar box carton pouch inhaler pen cartridge pump vial strip lozenge suppository spray"
    ).split()
)
_MONEY_NOUNS = frozenset(
    (
        "donation fee payment grant charge bill voucher gift fine deposit loan bonus allowance budget cheque "
        "note coin prize reward discount refund rise increase cut premium subscription membership ticket "
        "limit cap contribution award"
    ).split()
)


_NOT_A_NAME = frozenset(
    "of a an the and or to in on at per each every daily twice once a day for with by is are was be as if".split()
)


def _describes_a_noun(match: re.Match[str]) -> bool:
    """True when an amount names what follows ("a 5mg folic acid tablet"), so its unit is singular."""
    for word in match.string[match.end() :].split()[:3]:
        bare = word.lower().strip(".,;:)!?")
        if _is_noun_from(bare, _ADJECTIVE_NOUNS):
            return True
        if bare in _NOT_A_NAME or not bare.isalpha() or bare != word.lower():
            return False
    return False


def _is_noun_from(word: str, nouns: frozenset[str]) -> bool:
    word = word.lower()
    return word in nouns or (word.endswith("es") and word[:-2] in nouns) or (word.endswith("s") and word[:-1] in nouns)


_PLAIN_DIGITS = re.compile(r"\d+")


_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?({_MONTH})\b\.?"
    rf"(?:,?\s+(\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d|\d)(?:,?\s+(\d{{4}})\b)?")


_DOSE_OF = re.compile(rf"(?<![\w.])(\d+)\s*[x×]\s*({_NUM})\s*({_alternation(list(_UNITS))})(?!\w)\s+([^\W\d_]+)")


def _dose_of(match: re.Match[str]) -> str:
    """ "2 x 500mg tablets" -> "two tablets of five hundred milligrams" (never "two five hundred")."""
    count, amount, unit, noun = match.groups()
    if not _is_noun_from(noun, _ADJECTIVE_NOUNS):
        return match.group(0)
    singular, plural = _UNITS[unit]
    name = singular if _is_one(amount) else plural
    return f" {num.cardinal(int(count))} {noun} of {_words(amount)} {name} "


def _numbers(text: str) -> str:
    text = _PAGE_REF.sub(_page_ref, text)
    text = _PAGE_WORD.sub(_page_word, text)
    text = _EXTENSION.sub(_extension, text)
    text = _PO_BOX.sub(lambda m: f"{m.group(1)} {num.digits(m.group(2))}", text)
    text = _PER_SPAN.sub(" per ", text)
    text = _POWER.sub(_power, text)
    text = _RATIO.sub(lambda m: f" {_words(m.group(1))} to {_words(m.group(2))} ", text)
    for pattern in _PHONES:
        text = pattern.sub(lambda m: _say_phone(m.group(0)), text)
    text = _SERVICE.sub(_service, text)
    text = _PHONE_CUED.sub(_say_cued_phone, text)
    text = _LONG_DIGITS.sub(_long_digits, text)
    text = _YEAR_SLASH.sub(_year_slash, text)
    text = _PRESSURE.sub(_pressure, text)
    text = _AGE_GROUP.sub(_age_group, text)
    text = _AND_OVER.sub(lambda m: f" {num.cardinal(int(m.group(1)))} and over ", text)
    text = _STONE.sub(_stone, text)
    text = _FEET.sub(_feet, text)
    text = _STONE_ALONE.sub(_stone_alone, text)
    text = _TIMES_EACH.sub(lambda m: f" {num.cardinal(int(m.group(1)))} times ", text)
    text = _DOSE_OF.sub(_dose_of, text)
    text = _COUNT_OF_DOSE.sub(lambda m: f" {num.cardinal(int(m.group(1)))} times ", text)
    text = _CLOCK_RANGE.sub(_clock_range, text)
    text = _TIME_RANGE.sub(_time_range, text)
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
    text = _MIXED_NUMBER.sub(_mixed_number, text)
    text = re.sub(r"(?<![\w./])(\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)", _fraction, text)
    text = _HALF_A.sub(lambda m: f"{m.group(1)} {'an' if m.group(2).lower() == 'hour' else 'a'} {m.group(2)}", text)
    text = re.sub(r"([A-Za-z])(?=\d)", r"\1 ", text)
    text = re.sub(r"(\d)(?=[A-Za-z])", r"\1 ", text)
    text = re.sub(r"(?<![\w.,])(?<!\d[.,])(?:1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d)", _year_or_number, text)
    text = re.sub(r"(?:(?<=\s)|^)[-−](?=\d)", "minus ", text)
    text = re.sub(r"(?<=\d)\s+(?=\d)", ", ", text)  # two numbers side by side stay two numbers
    text = re.sub(_NUM, lambda m: " " + _words(m.group(0)) + " ", text)
    return re.sub(r"\d+", lambda m: " " + num.digits(m.group(0)) + " ", text)


# --- days, ranges, streets, steps, citations ------------------------------------------------

_DAY_NAMES = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_DAY_SHORT = {
    "mon": "Monday",
    "tue": "Tuesday",
    "tues": "Tuesday",
    "wed": "Wednesday",
    "weds": "Wednesday",
    "thu": "Thursday",
    "thur": "Thursday",
    "thurs": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_ALWAYS_DAYS = {"tue", "tues", "weds", "thu", "thur", "thurs"}
"""Short day names that are never ordinary words ("Wed", "Sat", "Sun", "Mon", "Fri" can be)."""
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)"
_DAY_RANGE = re.compile(rf"\b({_DAY})s?\b\.?\s*(?:-|–|—|to|until|till|through|thru)\s*({_DAY})s?\b\.?")
_DAY_LIST = re.compile(rf"\b{_DAY}\b\.?(?:\s*(?:,|and|&|or)\s*{_DAY}\b\.?)+")
_DAY_WORD = re.compile(rf"\b({_DAY})\b\.?")
_DAY_BEFORE_TIME = re.compile(rf"\b({_DAY})\b\.?(?=,?\s+\d|\s*:\s*\d|\s+(?:to|and)\s+{_DAY}\b)")
_DAY_ALONE = re.compile(r"\b(Tues|Tue|Weds|Thurs|Thur|Thu)\b\.?")
_MONTH_RANGE = re.compile(rf"\b({_MONTH})\b\.?\s*(?:-|–|—)\s*({_MONTH})\b\.?")


def _full_day(name: str) -> str:
    return _DAY_SHORT.get(name.lower(), name)


def _full_month(name: str) -> str:
    return _MONTH_NAMES.get(name.lower().rstrip("."), name)


def _days(text: str) -> str:
    text = _DAY_RANGE.sub(lambda m: f" {_full_day(m.group(1))} to {_full_day(m.group(2))} ", text)
    text = _DAY_LIST.sub(lambda m: _DAY_WORD.sub(lambda d: _full_day(d.group(1)), m.group(0)), text)
    text = _DAY_BEFORE_TIME.sub(lambda m: _full_day(m.group(1)), text)
    text = _DAY_ALONE.sub(lambda m: _full_day(m.group(1)), text)
    return _MONTH_RANGE.sub(lambda m: f" {_full_month(m.group(1))} to {_full_month(m.group(2))} ", text)


_DATE_DASH = re.compile(
    rf"(?<=[^\W\d_])\s*(?:-|–|—)\s*(?=(?:the\s+)?[a-z-]+(?:st|nd|rd|th)\s+of\s+{_MONTH}|{_MONTH}\b|{_DAY}\b)"
)
"""A dash between two spoken dates or days, once numbers are words: "May – the fifth of June"."""

_STREETS: list[Rule] = [
    _rule(r"(?<=[A-Za-z'’] )Rd<R>\.?", "Road"),
    _rule(r"(?<=[A-Za-z'’] )Ave<R>\.?", "Avenue"),
    _rule(r"(?<=[A-Za-z'’] )Ln<R>\.?", "Lane"),
    _rule(r"(?<=[a-z'’] )St<R>\.?(?!\s*[A-Z])", "Street"),
    _rule(r"<L>St<R>\.?\s*(?=[A-Z])", "Saint "),
    _rule(r"<L>[Mm]ax<R>\.(?!\w)|<L>[Mm]ax<R>(?=\s+\d)", "maximum"),
    _rule(r"(?<![\d\s])\s*<L>[Mm]in<R>\.(?!\w)|(?<!\d )<L>[Mm]in<R>(?=\s+\d)", " minimum"),
]

_CITATIONS = re.compile(r"(?<=\S)\s?(?:\[\s*\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\s*\])+")
_ARROW = re.compile(r"\s*(?:-->|->|→|⟶|⇒|=>|➔|➜|➞)\s*|(?<=[^\W\d_])\s+[>›»]\s+(?=[A-Z])")
"""Arrows, and a chevron between words ("Settings > Accessibility"): each is a step to the next."""


def _arrows(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        before = match.string[: match.start()]
        after = match.string[match.end() :]
        if re.search(r"\d\s*[^\W\d_%]{0,6}%?$", before) and re.match(r"[£$€]?\d", after):
            return " to "
        return ", then "

    return _ARROW.sub(replace, text)


# --- symbols, brackets and lists ---------------------------------------------------------

_SYMBOLS: list[Rule] = [
    (re.compile(r"</?[A-Za-z][^<>]*>"), " "),
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


class RuleFailed(Exception):
    """A speech rule raised on a sentence; the sentence is read as written instead."""

    def __init__(self, rule: str, error: BaseException) -> None:
        super().__init__(f"{rule}: {error}")
        self.rule = rule
        self.error = error


def _convert(sentence: str, lexicon: Lexicon, engine: str) -> str:
    saved: list[str] = []
    state: dict[str, re.Match[str] | None] = {"ending": None}

    def start(text: str) -> str:
        text = _CITATIONS.sub("", _sanitise(text))
        state["ending"] = _TERMINAL.search(text)
        return _protect(text, lexicon.protection_pattern(), saved)

    def addresses(text: str) -> str:
        text = addr.EMAIL.sub(_say_email, text)
        text = addr.URL.sub(_say_url, text)
        text = addr.DOMAIN.sub(_say_url, text)
        return _apply(_SCRUB_EARLY, text)

    def words(text: str) -> str:
        text = _MIXED.sub(lambda m: f" {MIXED[m.group(1)]} ", text)
        text = _apply(_ABBREVIATIONS, text)
        text = _apply(_STREETS, text)
        text = _DOTTED.sub(_say_dotted, text)
        text = _days(text)
        return _ROMAN_RULE.sub(_roman, text)

    def steps(text: str) -> str:
        return _arrows(text)

    def numbers(text: str) -> str:
        text = _numbers(text)
        text = re.sub(r"\b(AM|PM|midday|midnight)\s*(?:-|–|—)\s*", r"\1 to ", text)
        text = _DATE_DASH.sub(" to ", text)
        return _RATE_SLASH.sub(_rate_slash, text)

    def symbols(text: str) -> str:
        text = _drop_other_symbols(_apply(_SYMBOLS, text))
        return _acronyms(_apply(_TITLES, text))

    def finish(text: str) -> str:
        text = _tidy(text).rstrip(",;: -")
        ending = state["ending"]
        if ending and text and text[-1] not in ".!?":
            text += ending.group(1)
        text = _restore(unicodedata.normalize("NFKC", text), saved)
        text = lexicon.apply(text, engine)
        return " ".join(_apply(_FORBIDDEN, text).split())

    text = sentence
    for name, rule in RULES:
        step = {
            "start": start,
            "addresses": addresses,
            "words": words,
            "steps": steps,
            "numbers": numbers,
            "symbols": symbols,
            "finish": finish,
        }[name]
        try:
            text = step(text) if rule is None else rule(step, text)
        except Exception as error:  # any rule's bug: the caller reads the sentence as written and warns
            raise RuleFailed(name, error) from error
    return text


RULES: list[tuple[str, Callable[[Callable[[str], str], str], str] | None]] = [
    ("start", None),
    ("addresses", None),
    ("words", None),
    ("steps", None),
    ("numbers", None),
    ("symbols", None),
    ("finish", None),
]
"""The stages of the conversion, in order. A stage may be wrapped (tests do, to make one fail)."""


_COLLECTOR: ContextVar[list[str] | None] = ContextVar("speech_warnings", default=None)


@contextmanager
def collecting_warnings(into: list[str]) -> Iterator[list[str]]:
    """Within this block, rule warnings of to_speech calls made without a list go into ``into``."""
    token = _COLLECTOR.set(into)
    try:
        yield into
    finally:
        _COLLECTOR.reset(token)


def to_speech(
    sentence: str, lexicon: Lexicon | None = None, engine: str = "pyttsx3", warnings: list[str] | None = None
) -> str:
    """What the engine should say for one display sentence (the built-in lexicon when None).

    If a rule fails, the sentence is spoken as written (engines read digits themselves) and, when
    ``warnings`` is given, a line naming the sentence is added to it: nothing is dropped silently.
    """
    if not isinstance(sentence, str):
        return ""
    active = Lexicon.builtin() if lexicon is None else lexicon
    try:
        return _convert(sentence, active, engine)
    except RuleFailed as failure:
        if warnings is None:
            warnings = _COLLECTOR.get()
        if warnings is not None:
            warnings.append(
                f"The {failure.rule} rule failed on \u201c{_short(sentence)}\u201d ({failure.error}); "
                "it is read as written."
            )
        return as_written(sentence)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def as_written(sentence: str) -> str:
    """The sentence as written, only made safe for an engine (no markup, no phoneme brackets)."""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(sentence))
    kept = re.sub(r"\[\[|\]\]|[<>]", " ", kept)
    return " ".join(kept.split())

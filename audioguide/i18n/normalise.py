"""Digits and symbols into words of a guide's language, for guides not in English.

``normalise_text(text, lang)`` turns phone numbers into digit groups, dates, times, money,
percentages, simple units (mg, ml, kg...) and the remaining numbers into words of ``lang``, and
expands the catalogue's spoken abbreviations ("p. ej." -> "por ejemplo"). English guides keep the
English rules in ``audioguide.speech.normalise`` (this returns English text unchanged).

Number formats: a comma is the decimal mark in Spanish, French, German and Polish ("2,5 mg"), and
a full stop followed by exactly three digits is a thousands separator there ("1.500 mg"); a space
between a group of one to three digits and groups of exactly three is a thousands separator too
("1 000"), unless the whole reads as a phone number (see :func:`_is_phone`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import addresses
from .catalogue import messages
from .numbers import spell_digits, spell_number, spell_ordinal, spell_time, spell_year
from .tags import base_language

_COMMA_DECIMAL = frozenset({"es", "fr", "de", "pl", "it", "pt", "nl", "ro", "tr", "cs", "sk", "ru", "uk", "ca"})
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪", "0123456789" * 2 + ".,%")
"""Arabic-Indic and Persian digits, and the Arabic decimal, thousands and percent signs, as ASCII."""
_PHONE_CUES = {
    "es": "llame llamar llama teléfono tel tlf móvil whatsapp marque",
    "fr": "appelez appeler téléphone tél tel composez",
    "de": "anrufen rufen telefon tel telefonnummer wählen",
    "pl": "zadzwoń dzwoń telefon tel telefonu",
    "cy": "ffoniwch ffonio ffôn",
    "ar": "اتصل اتصلوا هاتف الهاتف بالرقم",
}
"""Words after which a run of digits is a phone number, said digit by digit ("Llame al 112")."""
_UNIT_WORDS = {
    "mg": "mg",
    "mcg": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "g": "g",
    "kg": "kg",
    "ml": "ml",
    "mL": "ml",
    "l": "l",
    "L": "l",
    "mm": "mm",
    "cm": "cm",
    "km": "km",
    "°C": "celsius",
    "ºC": "celsius",
    "h": "h",
    "Std.": "h",
    "Std": "h",
    "godz.": "h",
    "godz": "h",
    "min": "min",
    "min.": "min",
    "Min": "min",
    "Min.": "min",
    "mun": "min",
    "mun.": "min",
    "s": "s",
    "seg.": "s",
    "seg": "s",
    "sek.": "s",
    "Sek.": "s",
    "sec": "s",
    "Tbl.": "tab",
    "tbl.": "tab",
    "Tabl.": "tab",
    "tabl.": "tab",
    "cp": "tab",
    "cp.": "tab",
    "cpr.": "tab",
}
_PER = {
    "d": "per_day",
    "día": "per_day",
    "dia": "per_day",
    "day": "per_day",
    "jour": "per_day",
    "j": "per_day",
    "tag": "per_day",
    "dzień": "per_day",
    "dobę": "per_day",
    "doba": "per_day",
    "dydd": "per_day",
    "يوم": "per_day",
    "kg": "per_kg",
    "h": "per_hour",
}
"""What may follow a unit's slash, lower case, and the catalogue key that says it."""
_UNIT_GENDER = {
    "cy": {"celsius": "f", "h": "f", "s": "f", "tab": "f"},
    "es": {"h": "f"},
    "fr": {"h": "f", "min": "f", "s": "f"},
    "de": {"h": "f", "min": "f", "s": "f", "tab": "f"},
    "pl": {"h": "f", "min": "f", "s": "f", "tab": "f"},
}
"""Units whose noun is feminine; the rest take the masculine form of the number ("un miligramo")."""
_CURRENCY_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "zł": "PLN",
    "EUR": "EUR",
    "GBP": "GBP",
    "USD": "USD",
    "PLN": "PLN",
}
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?"


def _parse(text: str, base: str) -> Decimal:
    """A written number as a value, by the conventions of ``base``."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ")
    groups = cleaned.split(" ")
    cleaned = "".join(groups)
    if base in _COMMA_DECIMAL:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", cleaned):
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", "")
    return Decimal(cleaned)


def _spell_value(value: Decimal, base: str, gender: str | None = None) -> str:
    text = format(value, "f")
    if "." not in text:
        return spell_number(int(value), base, gender)
    whole, _, fraction = text.partition(".")
    point = messages(base).say("numbers.point")
    if len(fraction) <= 2 and not fraction.startswith("0"):
        tail = spell_number(int(fraction), base)
    else:
        tail = spell_digits(fraction, base)
    sign = messages(base).say("numbers.minus") + " " if whole.startswith("-") else ""
    return f"{sign}{spell_number(abs(int(whole)), base)} {point} {tail}"


def _say_amount(text: str, base: str, gender: str | None = None) -> tuple[str, Any]:
    value = _parse(text, base)
    integral = value == value.to_integral_value() and "." not in format(value, "f")
    count: Any = int(value) if integral else format(value, "f")
    return _spell_value(value, base, gender), count


def _is_phone(groups: list[str], separators: list[str], has_plus: bool, cued: bool) -> bool:
    """Whether digit ``groups`` (joined by ``separators``) are a phone number rather than a quantity.

    A phone number: after "+" (6 digits or more); starting with 0 (a trunk or international prefix, 6 or
    more); one run of 9 or more digits; after a cue word ("Llame al 112"). Not one: a year, a range
    of two hyphenated numbers ("1998-2005"), thousands in groups of three ("1 000", "1.500.000").
    """
    digits = sum(len(g) for g in groups)
    if has_plus:
        return digits >= 6
    if groups[0].startswith("0") and (len(groups[0]) > 1 or len(groups) > 1):
        return digits >= 6 or (cued and digits >= 3)
    if len(groups) == 1:
        return digits >= 9 or (cued and digits >= 3 and not re.fullmatch(r"(?:1[1-9]|20)\d\d", groups[0]))
    if len(groups) == 2 and separators == ["-"]:
        return cued and digits >= 6  # a range: "1998-2005", "10-20"
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if thousands and "." in separators:
        return cued and digits >= 6  # "1.500.000": a thousands separator in these languages
    if not thousands:
        return digits >= 6
    return digits >= 9 or (cued and digits >= 6)


_PHONE = re.compile(r"(?<![\w.,])(\+\s?)?\d{1,15}(?:[ \-.]\d{2,15}){0,5}(?![\w]|[.,]\d)")


def _digit_groups(group: str, alone: bool) -> list[str]:
    """A long unbroken run of digits in threes, so that the voice pauses ("900123456" -> 900 123 456); a
    last lone digit joins the group before it. Groups the writer made ("030 1234567") are kept up to
    eight digits."""
    if len(group) <= (6 if alone else 8):
        return [group]
    parts = [group[i : i + 3] for i in range(0, len(group), 3)]
    if len(parts[-1]) == 1:
        parts[-2:] = [parts[-2] + parts[-1]]
    return parts


def _phones(text: str, base: str) -> str:
    cues = set(_PHONE_CUES.get(base, "").split())

    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        before = text[max(0, match.start() - 40) : match.start()].split()[-3:]
        cued = any(word.strip(":,.()").lower() in cues for word in before)
        joiner = "، " if base == "ar" else ", "
        body = raw.lstrip("+ ").strip()
        groups = [g for g in re.split(r"[ \-.]", body) if g]
        separators = re.findall(r"[ \-.]", body)
        if not _is_phone(groups, separators, bool(match.group(1)), cued):
            return raw
        plus = messages(base).say("numbers.plus") + " " if match.group(1) else ""
        spoken = [spell_digits(part, base) for g in groups for part in _digit_groups(g, len(groups) == 1)]
        return " " + plus + joiner.join(spoken) + " "

    return _PHONE.sub(replace, text)


def _months(base: str) -> list[str]:
    return messages(base).words("numbers.months")


_CY_MUTATIONS = {
    "soft": {"rh": "r", "ll": "l", "m": "f", "g": "", "t": "d", "c": "g", "p": "b", "b": "f", "d": "dd"},
    "aspirate": {"t": "th", "c": "ch", "p": "ph"},
}
_CY_LETTERS = ("ch", "dd", "ff", "ng", "ph", "th")
"""Welsh letters written with two characters: "ch" is not a mutable "c"."""
_CY_SOFT_AFTER = "am ar at gan heb i o dan dros drwy trwy wrth hyd tan neu"
"""Words after which a Welsh number takes the soft mutation ("am dri mis", "i ddau", "neu bump")."""
_CY_ASPIRATE_AFTER = "a â gyda tua"
"""... and the aspirate mutation ("dau a thri", "tua chant")."""
_SOFT, _ASPIRATE = "\ue000", "\ue001"
"""Marks left before a number that the mutation of the word before it reaches, until it is spelled."""


def _cy_mutate(word: str, kind: str = "soft") -> str:
    """``word`` with the Welsh soft or aspirate mutation ("tri" -> "dri", "Mawrth" -> "Fawrth")."""
    lower = word.lower()
    if lower.startswith(_CY_LETTERS) and not lower.startswith(("ll", "rh")):
        return word
    for radical, mutated in _CY_MUTATIONS[kind].items():
        if lower.startswith(radical):
            rest = word[len(radical) :]
            if word[:1].isupper():
                return mutated[:1].upper() + mutated[1:] + rest if mutated else rest[:1].upper() + rest[1:]
            return mutated + rest
    return word


def _cy_soft(word: str) -> str:
    return _cy_mutate(word, "soft")


def _cy_mark(text: str) -> str:
    """Mark the numbers after a word that mutates them (the marks are spent in :func:`_cy_spend`)."""
    soft = "|".join(_CY_SOFT_AFTER.split())
    aspirate = "|".join(_CY_ASPIRATE_AFTER.split())
    text = re.sub(rf"(?<!\w)((?i:{soft}))(\s+)(?=\d)", rf"\1\2{_SOFT}", text)
    return re.sub(rf"(?<!\w)((?i:{aspirate}))(\s+)(?=\d)", rf"\1\2{_ASPIRATE}", text)


def _cy_spend(text: str) -> str:
    text = re.sub(rf"{_SOFT}\s*(\w+)", lambda m: _cy_mutate(m.group(1), "soft"), text)
    text = re.sub(rf"{_ASPIRATE}\s*(\w+)", lambda m: _cy_mutate(m.group(1), "aspirate"), text)
    return text.replace(_SOFT, "").replace(_ASPIRATE, "")


def _say_date(day: int, month: int, year: int | None, base: str, before: str) -> str | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    name = _months(base)[month - 1]
    said_year = f" {spell_year(year, base)}" if year is not None else ""
    if base == "es":
        return f"{spell_number(day, 'es')} de {name}" + (f" de{said_year}" if year is not None else "")
    if base == "fr":
        return f"{'premier' if day == 1 else spell_number(day, 'fr')} {name}{said_year}"
    if base == "de":
        dative = re.search(r"\b(am|vom|zum|im|ab dem|seit dem|bis zum)\s*$", before, re.IGNORECASE) is not None
        return f"{spell_ordinal(day, 'de')}{'n' if dative else 'r'} {name}{said_year}"
    if base == "pl":
        from .numbers import _n2w, _pl_ordinal_form

        return f"{_pl_ordinal_form(_n2w(day, 'pl', to='ordinal'), 'ego')} {name}{said_year}"
    if base == "cy":
        ordinal = spell_ordinal(day, "cy")
        article = "yr" if ordinal[:1] in "aeiouwyâ" or ordinal.startswith("un") else "y"
        return f"{article} {ordinal} o {_cy_soft(name)}{said_year}"
    if base == "ar":
        return f"{spell_number(day, 'ar')} {name}{said_year}"
    return f"{spell_number(day, base)} {name}{said_year}"


def _dates(text: str, base: str) -> str:
    def numeric(match: re.Match[str]) -> str:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        full = int(year) + (2000 if len(year) == 2 else 0)
        spoken = _say_date(day, month, full, base, text[max(0, match.start() - 40) : match.start()])
        return match.group(0) if spoken is None else f" {spoken} "

    def iso(match: re.Match[str]) -> str:
        spoken = _say_date(
            int(match.group(3)),
            int(match.group(2)),
            int(match.group(1)),
            base,
            text[max(0, match.start() - 40) : match.start()],
        )
        return match.group(0) if spoken is None else f" {spoken} "

    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, text)
    text = re.sub(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b(?![.,]?\d)", numeric, text)
    months = _months(base)
    if not months:
        return text
    alternation = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    written = re.compile(
        rf"\b(\d{{1,2}})(?:\.|º|er|re)?\s+(?:de\s+)?({alternation})\b(?:,?\s+(?:de\s+)?(\d{{4}})\b)?", re.IGNORECASE
    )

    def named(match: re.Match[str]) -> str:
        lowered = [m.lower() for m in months]
        month = lowered.index(match.group(2).lower()) + 1
        year = int(match.group(3)) if match.group(3) else None
        spoken = _say_date(int(match.group(1)), month, year, base, text[max(0, match.start() - 40) : match.start()])
        return match.group(0) if spoken is None else f" {spoken} "

    return written.sub(named, text)


_OBLIQUE_PL = re.compile(r"\b(o|od|do|po|przed|około|między|godz\.?|godzinie)\s*$", re.IGNORECASE)
_TIME_CUES = {
    "es": "las|la",
    "de": "um|ab|gegen|bis",
    "pl": "o|od|do|około|godz\\.?|godzinie|godzina",
    "cy": "am|erbyn|tan",
}
"""Words after which "8.30" is a time of day, not a decimal number."""


def _times(text: str, base: str) -> str:
    def replace(match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 24 or minute > 59:
            return match.group(0)
        before = text[max(0, match.start() - 40) : match.start()]
        case = "oblique" if base == "pl" and _OBLIQUE_PL.search(before) else None
        spoken = spell_time(hour, minute, base, case)
        if base == "ar" and before.rstrip().endswith("الساعة"):
            spoken = spoken.removeprefix("الساعة ").strip()
        return f" {spoken} "

    def replace_dotted(match: re.Match[str]) -> str:
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 24 or minute > 59:
            return match.group(0)[len(match.group(1)) :]
        before = text[max(0, match.start() - 40) : match.end(1)]
        case = "oblique" if base == "pl" and _OBLIQUE_PL.search(before) else None
        return f" {spell_time(hour, minute, base, case)} "

    def replace_hour(match: re.Match[str]) -> str:
        hour = int(match.group(2))
        return match.group(0) if hour > 24 else f"{spell_time(hour, 0, base)} "

    suffix = r"\s*(?:Uhr|h|godz\.?)?"
    text = re.sub(rf"\b(\d{{1,2}}):(\d{{2}})\b(?!:\d){suffix}(?!\w)", replace, text)
    text = re.sub(r"\b(\d{1,2})\s?h\s?(\d{2})(?!\w)", replace, text)
    if base == "fr":
        # "9 h" alone is a time after a preposition of time ("à 9 h"); elsewhere it is hours ("toutes les 8 h").
        text = re.sub(
            r"\b(à|vers|dès|de|avant|après|entre|et|jusqu'à)\s(\d{1,2})\s?h(?!\w)",
            lambda m: f"{m.group(1)} {replace_hour(m)}",
            text,
        )
    if base == "de":
        text = re.sub(r"\b(\d{1,2})(?:\.(\d{2}))?\s*Uhr\b", replace, text)
    # "8.30 h", and "8.30" after a word of time ("a las 8.30", "um 8.30", "o godz. 8.30")
    text = re.sub(r"\b(\d{1,2})\.(\d{2})\s?(?:h|godz\.?)(?!\w)", replace, text)
    cues = _TIME_CUES.get(base)
    if cues:
        text = re.sub(
            rf"(?<!\w)((?i:{cues})\s+)(\d{{1,2}})\.(\d{{2}})\b(?![.,]\d)",
            lambda m: m.group(1) + replace_dotted(m),
            text,
        )
    return text


def _money(text: str, base: str) -> str:
    from .numbers import spell_money

    symbols = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))

    def say(symbol: str, amount: str) -> str:
        value = _parse(amount, base)
        return f" {spell_money(value, _CURRENCY_SYMBOLS[symbol], base)} "

    text = re.sub(rf"(?<![\w])({symbols})\s?({_NUMBER})(?![\w])", lambda m: say(m.group(1), m.group(2)), text)
    return re.sub(rf"(?<![\w.,])({_NUMBER})\s?({symbols})(?![\w])", lambda m: say(m.group(2), m.group(1)), text)


def _percent(text: str, base: str) -> str:
    word = messages(base).say("numbers.percent")
    to = messages(base).say("numbers.to")

    def replace(match: re.Match[str]) -> str:
        first = _say_amount(match.group(1), base)[0]
        if match.group(2):
            first += f" {to} {_say_amount(match.group(2), base)[0]}"
        return f" {first} {word} "

    return re.sub(rf"(?<![\w.,])({_NUMBER})(?:\s?%?\s?[-–]\s?({_NUMBER}))?\s?%", replace, text)


_VULGAR_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4"}
_FRACTION = re.compile(r"(?<![\w./,])(?:(\d{1,3})\s+(?=[1-3]/[2-4]))?([1-3])/([2-4])(?![\w/]|[.,]\d)")
"""A half, third or quarter, alone or after a whole number ("1 1/2", "2 3/4"): a dose, said as one amount."""


def _fractions(text: str, base: str) -> str:
    """Halves, thirds and quarters in words ("uno y medio", "eineinhalb", "półtora"): read digit by
    digit, "1 1/2" would be "one, one, two"."""
    text = re.sub(r"(\d)?\s*([½⅓⅔¼¾])", lambda m: f"{m.group(1) or ''} {_VULGAR_FRACTIONS[m.group(2)]}", text)
    catalogue = messages(base)

    def replace(match: re.Match[str]) -> str:
        top, bottom = int(match.group(2)), int(match.group(3))
        if top >= bottom:
            return match.group(0)
        whole = int(match.group(1)) if match.group(1) else None
        if (top, bottom) == (1, 2) and whole is not None:
            if whole == 1:
                return f" {catalogue.say('fractions.one_and_half')} "
            return f" {catalogue.say('fractions.mixed_half', whole=whole)} "
        fraction = catalogue.say(f"fractions.d{bottom}", count=top, n=top)
        if whole is None:
            return f" {fraction} "
        return f" {catalogue.say('fractions.mixed', whole=whole, fraction=fraction)} "

    return _FRACTION.sub(replace, text)


def _units(text: str, base: str) -> str:
    catalogue = messages(base)
    to = catalogue.say("numbers.to")
    units = "|".join(re.escape(u) for u in sorted(_UNIT_WORDS, key=len, reverse=True))

    def replace(match: re.Match[str]) -> str:
        key = _UNIT_WORDS[match.group(3)]
        gender = _UNIT_GENDER.get(base, {}).get(key, "m")
        spoken, count = _say_amount(match.group(2) or match.group(1), base, gender)
        phrase = catalogue.say(f"units.{key}", count=count, n=spoken)
        if match.group(2):
            phrase = f"{_say_amount(match.group(1), base)[0]} {to} {phrase}"
        if match.group(4):
            phrase += " " + catalogue.say(f"units.{_PER[match.group(4).lower()]}")
        return f" {phrase}{_stop_kept(match)} "

    per = "|".join(re.escape(p) for p in sorted(_PER, key=len, reverse=True))
    pattern = (
        rf"(?<![\w.,])({_NUMBER})(?:\s?[-–]\s?({_NUMBER}))?\s?({units})(?![\w°])"
        rf"(?:\s?/\s?((?i:{per})))?(?!\w)"
    )
    return re.sub(pattern, replace, text)


_DOMAIN = addresses.domain_pattern(f"{addresses.TLDS}|{addresses.MORE_TLDS}")
_SAVED = 0xE100
"""Addresses already spoken are kept aside as one private-use character each (U+E100 on), so that no
later rule reads their words or digits, and put back at the end."""


def _address_words(base: str) -> addresses.AddressWords:
    m = messages(base)
    return addresses.AddressWords(
        at=m.say("addresses.at"),
        dot=m.say("addresses.dot"),
        slash=m.say("addresses.slash"),
        dash=m.say("addresses.dash"),
        underscore=m.say("addresses.underscore"),
        plus=m.say("addresses.plus"),
        website=str(m.raw("addresses.website")),
        article="",
        site_after="",
        site_before=frozenset(w.lower() for w in m.words("addresses.site_words")),
        spell_country=True,
    )


def _addresses(text: str, base: str, saved: list[str]) -> str:
    """Email and web addresses in words of ``base`` ("info ät example Punkt D E"), each set aside."""
    words = _address_words(base)

    def digits(run: str) -> str:
        return spell_digits(run, base)

    def keep(spoken: str, tail: str = "") -> str:
        saved.append(spoken)
        return f" {chr(_SAVED + len(saved) - 1)} {tail}"

    def email(match: re.Match[str]) -> str:
        return keep(addresses.say_email(match.group(0), words, digits))

    def web(match: re.Match[str]) -> str:
        address, tail = addresses.split_trailing(match.group(0))
        if not address:
            return match.group(0)
        before, after = match.string[: match.start()], match.string[match.end() :]
        return keep(addresses.say_address(address, before, after, words, digits), tail)

    text = addresses.EMAIL.sub(email, text)
    text = addresses.URL.sub(web, text)
    return _DOMAIN.sub(web, text)


def _put_back(text: str, saved: list[str]) -> str:
    if not saved:
        return text
    return re.sub(f"[{chr(_SAVED)}-{chr(_SAVED + len(saved) - 1)}]", lambda m: saved[ord(m.group(0)) - _SAVED], text)


def _stop_kept(match: re.Match[str]) -> str:
    """A full stop for the end of the text when ``match`` took the one that ended it ("... usw.")."""
    ends = match.group(0).endswith(".") and re.fullmatch(r"[\s\"'”’»)\]]*", match.string[match.end() :])
    return "." if ends else ""


def _abbreviations(text: str, base: str) -> str:
    """The catalogue's spoken abbreviations in words ("z. B." -> "zum Beispiel"); one that is also a unit
    is left to the units after a number ("3 godz." -> "trzy godziny"), and a capital form the table
    gives on its own ("S." Seite) is not taken for the lower case one's ("s." siehe)."""
    table = messages(base).table("abbreviations.spoken")

    def spoken_as(words: str) -> Any:
        return lambda m: words + _stop_kept(m)

    for written in sorted(table, key=len, reverse=True):
        end = r"(?!\w)" if written[-1].isalnum() else ""
        start = r"(?<![\w.])(?<!\d\s)(?<!\d)" if written in _UNIT_WORDS else r"(?<![\w.])"
        pattern = start + re.escape(written).replace(r"\ ", r"\s?") + end
        text = re.sub(pattern, spoken_as(table[written]), text)
        capital_form = written[0].upper() + written[1:]
        if written[:1].islower() and capital_form not in table:  # a sentence's start: "Tel. 0034..." -> "Teléfono"
            capital = start + re.escape(capital_form).replace(r"\ ", r"\s?") + end
            spoken = table[written]
            text = re.sub(capital, spoken_as(spoken[:1].upper() + spoken[1:]), text)
    return text


def _times_over(text: str, base: str) -> str:
    """How many times: "2 x täglich" -> "zweimal täglich", "1-2 x al día" -> "una a dos veces al día",
    "3 × 500 mg"; German "2-mal", "3mal" too. The multiplication sign after a number is said "times"."""
    catalogue = messages(base)

    def times(amount: str) -> str:
        value = _parse(amount, base)
        if value == value.to_integral_value() and "." not in format(value, "f"):
            return catalogue.say("numbers.times", count=int(value), n=int(value))
        spoken, count = _say_amount(amount, base)
        return catalogue.say("numbers.times", count=count, n=spoken)

    def replace(match: re.Match[str]) -> str:
        phrase = times(match.group(2))
        if match.group(1):
            # Welsh "i" (to) softens the number after it; a whole word ("ddwywaith") takes it too.
            after_to = _SOFT if base == "cy" else ""
            phrase = f"{_say_amount(match.group(1), base, 'f')[0]} {catalogue.say('numbers.to')} {after_to}{phrase}"
        return f" {phrase} "

    sign = r"(?:[x×](?![\w])|×)" if base != "de" else r"(?:[x×](?![\w])|×|-?mal\b)"
    return re.sub(rf"(?<![\w.,])(?:({_NUMBER})\s?[-–]\s?)?({_NUMBER})\s?{sign}", replace, text)


def _compounds(text: str, base: str) -> str:
    """A number joined to a word by a hyphen. German writes one word of them: "5-jährige" ->
    "fünfjährige", "3-tägig", "2-stündlich"; before a capital or in the other languages the hyphen
    is a space ("Typ-2-Diabetes", "COVID-19")."""
    if base == "de":
        text = re.sub(
            r"(?<![\w.,])(\d{1,4})-([a-zäöüß]{2,})",
            lambda m: f" {spell_number(int(m.group(1)), 'de', 'm')}{m.group(2)}",
            text,
        )
    text = re.sub(r"(?<=[^\W\d_])-(?=\d)", " ", text)
    return re.sub(r"(?<=\d)-(?=[^\W\d_])", " ", text)


def _round_the_clock(text: str, base: str) -> str:
    """ "24/7" (open every hour of every day) as the language says it."""
    return re.sub(r"(?<![\w/.,])24\s?/\s?7(?![\w/]|[.,]\d)", f" {messages(base).say('numbers.round_the_clock')} ", text)


def _ordinals(text: str, base: str) -> str:
    """Written ordinals: Spanish "1.º", "2.ª", French "1er", "1re", "2e", "3ème"."""
    if base == "es":

        def spanish(match: re.Match[str]) -> str:
            # Before a masculine noun "primero" and "tercero" lose their -o: "el 3.º control" -> "tercer".
            before_noun = re.match(r"\s+[^\W\d_]", text[match.end() :]) is not None
            gender = "f" if match.group(2) == "ª" else ("m" if before_noun else None)
            return f" {spell_ordinal(int(match.group(1)), 'es', gender)} "

        return re.sub(r"\b(\d{1,3})\.?\s?([ºª])", spanish, text)
    if base == "fr":
        return re.sub(
            r"\b(\d{1,3})(er|re|ère|e|ème|è)(?!\w)",
            lambda m: f" {spell_ordinal(int(m.group(1)), 'fr', 'f' if m.group(2) in ('re', 'ère') else None)} ",
            text,
        )
    if base == "de":
        return _de_ordinals(text)
    return text


_DE_WEAK_EN = frozenset(
    "dem den des am im zum zur vom beim einem einen einer jedem jeden ihrem ihren ihrer seinem seinen seiner".split()
)
"""German words after which an ordinal ends in "-en" ("am dritten Tag", "zur zweiten Dosis")."""
_DE_PREPOSITIONS = frozenset("nach bei mit von vor in an auf aus seit ab zu unter über während wegen trotz".split())
"""... and the prepositions that make a following "der" dative or genitive ("nach der zweiten Impfung")."""


def _de_ordinals(text: str) -> str:
    """German "das 2. Kapitel" -> "das zweite Kapitel", "am 3. Tag" -> "am dritten Tag", after the words
    of the catalogue's ``ordinal_after`` (which the sentence splitter reads too)."""
    after = {w.lower() for w in messages("de").words("abbreviations.ordinal_after")}

    def replace(match: re.Match[str]) -> str:
        word = match.group(2).lower()
        if word not in after:
            return match.group(0)
        previous = (match.group(1) or "").strip().lower()
        weak = word in _DE_WEAK_EN or (word == "der" and previous in _DE_PREPOSITIONS)
        ordinal = spell_ordinal(int(match.group(4)), "de") + ("n" if weak else "")
        return f"{match.group(1) or ''}{match.group(2)}{match.group(3)}{ordinal}"

    return re.sub(r"(?<!\w)(\w+\s+)?(\w+)(\s+)(\d{1,3})\.(?=\s+[^\W\d_])", replace, text)


def _ranges_and_numbers(text: str, base: str) -> str:
    to = messages(base).say("numbers.to")

    def year_or_number(value: str) -> str:
        if re.fullmatch(r"(?:1[1-9]|20)\d\d", value):
            return spell_year(int(value), base)
        if re.fullmatch(r"0\d+", value):
            return spell_digits(value, base)  # a code or a number written with its leading zero: "007"
        return _say_amount(value, base)[0]

    def first_of_range(value: str) -> str:
        return "ein" if base == "de" and value == "1" else year_or_number(value)  # "ein bis zwei Tabletten"

    after_to = _SOFT if base == "cy" else ""  # Welsh "i" (to) mutates the number after it: "dau i dri"
    text = re.sub(
        rf"(?<![\w.,])({_NUMBER})\s?[-–]\s?({_NUMBER})(?![\w]|[.,]\d)",
        lambda m: f" {first_of_range(m.group(1))} {to} {after_to}{year_or_number(m.group(2))} ",
        text,
    )
    text = re.sub(r"(?:(?<=\s)|^)[-−](?=\d)", messages(base).say("numbers.minus") + " ", text)

    def bare(match: re.Match[str]) -> str:
        value = match.group(1)
        if base == "de" and value == "1":
            article = _de_one(text[: match.start()], text[match.end() :])
            if article is not None:
                return f" {article} "
        if re.fullmatch(r"[1-9]\d{0,5}", value):
            gender = _gender_of_next(text[match.end() :], base, int(value))
            if gender is not None:
                return f" {spell_number(int(value), base, gender)} "
        return f" {year_or_number(value)} "

    text = re.sub(rf"(?<![\w])({_NUMBER})(?![\w])", bare, text)
    # Digits against letters ("B12", "COVID19", "3x"): the number on its own.
    return re.sub(r"[0-9]+", lambda m: f" {spell_number(int(m.group(0)), base)} ", text)


_PL_NOT_NOUNS = frozenset("albo lub oraz czy bądź nie też tylko także również około razem".split())
_CY_NOT_NOUNS = frozenset("a ac â neu i o yn y yr ond am ar mewn gyda ag na nag".split())
_CY_FEMININE = frozenset("awr wythnos noson eiliad tabled dabled".split())
"""Welsh feminine nouns of guidance that a number before them agrees with and does not mutate ("dwy awr")."""


_DE_FEMININE = ("e", "ung", "heit", "keit", "ion", "tät", "schaft", "ik", "ur", "ei", "dosis", "kapsel", "nacht")
"""Endings of German nouns that are mostly feminine ("Tablette", "Impfung", "Kapsel")."""
_DE_ACCUSATIVE = frozenset("für um durch ohne gegen".split())
_DE_DATIVE = frozenset("nach mit bei seit von zu aus in an vor innerhalb binnen".split())


def _de_one(before: str, after: str) -> str | None:
    """German "1" before a noun (a word with a capital): "eine Tablette", "ein Glas", "nach einer Woche",
    "für einen Tag", by the noun's ending and the preposition before; None before anything else ("eins")."""
    match = re.match(r"\s+([A-ZÄÖÜ][^\W\d_]+)", after)
    if match is None:
        return None
    noun = match.group(1).lower()
    feminine = noun.endswith(_DE_FEMININE) and noun not in {"käse", "name", "ende", "auge", "glas"}
    previous = before.split()[-1:]
    case = previous[0].lower() if previous else ""
    if case in _DE_DATIVE:
        return "einer" if feminine else "einem"
    if case in _DE_ACCUSATIVE and not feminine and not noun.endswith(("chen", "lein", "mal", "jahr", "glas")):
        return "einen"
    return "eine" if feminine else "ein"


_ES_COUNTED = re.compile(
    r"(?:(cápsula|pastilla|tableta|píldora|gota|cucharada|cucharadita|ampolla|semana|hora|taza|pieza|toma|"
    r"botella|caja|bolsa|ración|unidad|inyecci[oó]n|inhalaci[oó]n|aplicaci[oó]n|vez|dosis)|"
    r"(comprimido|sobre|día|mes|año|minuto|segundo|vaso|parche|inhalador|envase|frasco|supositorio|óvulo|"
    r"kilo|litro|paso|paciente|niño))(?:s|es)?$|(veces)$"
)
"""Spanish nouns counted in guidance, feminine (first group, and "veces") or masculine (second)."""


def _gender_of_next(after: str, base: str, value: int) -> str | None:
    """The form a number takes before the word that follows it, where its ending tells (None: as it stands).

    Polish "1" agrees with the noun (or adjective) after it: "-ę"/"-ą" feminine accusative or
    instrumental ("jedną tabletkę"), "-a" feminine ("jedna tabletka"), "-o"/"-e"/"-um" neuter ("jedno
    opakowanie"); larger numbers ending in 1 do not change. Welsh five and six shorten before any noun
    ("pum diwrnod", "chwe mis"). Spanish numbers ending in 1 agree with the nouns guidance counts ("un
    comprimido", "una cápsula", "veintiún días").
    """
    match = re.match(r"\s+([^\W\d_]{3,})", after)
    if match is None:
        return None
    word = match.group(1).lower()
    if base == "pl" and value == 1 and word not in _PL_NOT_NOUNS:
        if word.endswith(("ę", "ą")):
            return "f_acc"
        if word.endswith("a"):
            return "f"
        if word.endswith(("o", "e", "um")):
            return "n"
        return None
    if base == "cy" and value % 10 in (2, 3, 4) and word in _CY_FEMININE:
        return "f"  # "dwy awr", "tair wythnos"
    if base == "cy" and word not in _CY_NOT_NOUNS and value % 10 in (5, 6):
        return "m"
    if base == "es" and value % 10 == 1 and value % 100 != 11:
        counted = _ES_COUNTED.match(word)
        if counted is not None:
            return "m" if counted.group(2) else "f"  # "un comprimido", "veintiuna cápsulas"
    return None


def normalise_text(text: str, language: str) -> str:
    """``text`` with its numbers, dates, times, money, percentages, units and phone numbers in words of
    ``language`` (any BCP 47 tag). English is returned unchanged: ``audioguide.speech.to_speech`` covers it.
    """
    base = base_language(language)
    if base == "en" or not isinstance(text, str):
        return text if isinstance(text, str) else ""
    original = text
    saved: list[str] = []
    try:
        text = text.translate(_ARABIC_DIGITS).replace(_SOFT, "").replace(_ASPIRATE, "")
        text = re.sub("[\ue100-\ue8ff]", "", text)
        text = _addresses(text, base, saved)
        text = _round_the_clock(text, base)
        text = _abbreviations(text, base)
        text = _compounds(text, base)
        text = _dates(text, base)
        text = _phones(text, base)
        if base == "cy":
            text = _cy_mark(text)
        text = _times(text, base)
        text = _money(text, base)
        text = _percent(text, base)
        text = _times_over(text, base)
        text = _fractions(text, base)
        text = _units(text, base)
        text = _ordinals(text, base)
        text = _ranges_and_numbers(text, base)
        if base == "cy":
            text = _cy_spend(text)
        text = _put_back(text, saved)
    except (ValueError, ArithmeticError, KeyError, IndexError):
        return _digits_only(original, base)
    text = re.sub(r"\s+([,.;:!?)\]»،؛؟])", r"\1", " ".join(text.split()))
    text = re.sub(r"([(\[«¿¡])\s+", r"\1", text)
    return text


def _digits_only(text: str, base: str) -> str:
    """The last resort: every run of digits read digit by digit (never raises)."""
    return " ".join(re.sub(r"\d+", lambda m: f" {spell_digits(m.group(0), base)} ", text).split())

"""Numbers in words in a guide's language: cardinals, ordinals, years, times, money and digit strings.

English follows the project's own British rules (``audioguide.speech.numbers``: "one thousand two
hundred and fifty", "nineteen oh five"), reproduced here from num2words' English, which says the
same cardinals and ordinals (the tests compare the two), so this package needs nothing from the
speech rules and any stage may use it. Spanish, French,
German, Polish and Arabic use num2words, with the small agreements a listener notices added here:
the feminine and the shortened masculine before a noun ("una", "veintiún"), German "ein" and
Polish "jedna"/"dwie". Welsh uses the decimal way of counting taught in schools and used in public
services ("dau ddeg un" for 21, as espeak-ng's Welsh voice also reads digits), written here, rather
than num2words' traditional vigesimal forms ("un ar hugain"). A language num2words doesn't know
keeps its digits, which the voice of that language reads in its own words.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .tags import base_language

Number = int | float | Decimal | str
NUM2WORDS_LANGUAGES = frozenset(
    "am ar az be bn ca ce cs cy da de en eo es fa fi fr he hu id is it ja kn ko kz lt lv nl no pl pt ro ru sk sl "
    "sr sv te tet tg th tr uk vi".split()
)
"""Base languages num2words 0.5.14 spells (its ``CONVERTER_CLASSES``)."""

_DIGITS = {
    "en": "zero one two three four five six seven eight nine",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "pl": "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć",
    "cy": "dim un dau tri pedwar pump chwech saith wyth naw",
    "ar": "صفر واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة",
}


def _decimal(value: Number) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _n2w(value: Any, language: str, **kwargs: Any) -> str:
    from num2words import num2words

    text = str(num2words(value, lang=language, **kwargs))
    if language == "ar":
        text = text.replace("و ", "و")  # the conjunction is written joined to the next word
    return " ".join(text.split())


# --- English, as speech/numbers.py says it ----------------------------------------------------------

EN_MAX_CARDINAL = 10**15 - 1
"""Longer numbers are read digit by digit (as speech/numbers.py does)."""


def _en_cardinal(n: int) -> str:
    if n < 0:
        return "minus " + _en_cardinal(-n)
    if n > EN_MAX_CARDINAL:
        return spell_digits(str(n), "en")
    return _n2w(n, "en").replace(",", "")


def _en_year(n: int) -> str:
    if 2000 <= n <= 2009 or n < 1000 or n > 9999:
        return _en_cardinal(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{_en_cardinal(century)} hundred"
    if rest < 10:
        return f"{_en_cardinal(century)} oh {_en_cardinal(rest)}"
    return f"{_en_cardinal(century)} {_en_cardinal(rest)}"


def _en_number(value: Number, number: Decimal) -> str:
    """A written number: "1,250" -> cardinal, "007" -> digits, "2.5" -> "two point five"."""
    text = (str(value) if isinstance(value, str) else format(number, "f")).strip().replace(",", "")
    sign = "minus " if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-+").partition(".")
    if whole and len(whole) > 1 and whole.startswith("0"):
        spoken = spell_digits(whole, "en")
    elif whole:
        spoken = _en_cardinal(int(whole))
    else:
        spoken = ""
    if fraction:
        spoken = f"{spoken} point {spell_digits(fraction, 'en')}".strip()
    return sign + (spoken or "zero")


# --- Welsh, decimal counting -------------------------------------------------------------------

_CY_UNITS = ["dim", "un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw"]
_CY_BEFORE = {"pump": "pum", "chwech": "chwe"}
"""Forms of five and six before the word they count ("pum deg", "chwe chant")."""
_CY_TENS = {
    1: "deg",
    2: "dau ddeg",
    3: "tri deg",
    4: "pedwar deg",
    5: "pum deg",
    6: "chwe deg",
    7: "saith deg",
    8: "wyth deg",
    9: "naw deg",
}
_CY_HUNDREDS = {
    1: "cant",
    2: "dau gant",
    3: "tri chant",
    4: "pedwar cant",
    5: "pum cant",
    6: "chwe chant",
    7: "saith cant",
    8: "wyth cant",
    9: "naw cant",
}
_CY_THOUSANDS = {1: "mil", 2: "dwy fil", 3: "tair mil", 4: "pedair mil", 6: "chwe mil"}
_CY_FEMININE = {"dau": "dwy", "tri": "tair", "pedwar": "pedair"}


def _cy_below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds:
        words.append(_CY_HUNDREDS[hundreds])
    if tens:
        words.append("un deg" if tens == 1 and units else _CY_TENS[tens])
    if units or not words:
        words.append(_CY_UNITS[units])
    return words


def _cy_cardinal(n: int) -> list[str]:
    if n < 1000:
        return _cy_below_thousand(n)
    words: list[str] = []
    for value, name in ((10**9, "biliwn"), (10**6, "miliwn")):
        count, n = divmod(n, value)
        if count:
            words += ([] if count == 1 else _cy_below_thousand(count)) + [name]
    thousands, n = divmod(n, 1000)
    if thousands:
        if thousands in _CY_THOUSANDS:
            words.append(_CY_THOUSANDS[thousands])
        else:
            head = _cy_below_thousand(thousands)
            head[-1] = _CY_BEFORE.get(head[-1], head[-1])
            words += head + ["mil"]
    if n:
        words += _cy_below_thousand(n)
    return words


def _cy_number(n: int, gender: str | None) -> str:
    words = _cy_cardinal(n)
    if gender == "f" and words[-1] in _CY_FEMININE:
        words[-1] = _CY_FEMININE[words[-1]]
    if gender in ("m", "f") and words[-1] in _CY_BEFORE:
        words[-1] = _CY_BEFORE[words[-1]]
    return " ".join(words)


# --- agreement before a noun -------------------------------------------------------------------


def _agree(words: str, language: str, gender: str | None) -> str:
    if gender is None:
        return words
    head, _, last = words.rpartition(" ")
    prefix = f"{head} " if head else ""
    if language == "es":
        if gender == "f":
            words = words.replace("ientos", "ientas")
            head, _, last = words.rpartition(" ")
            prefix = f"{head} " if head else ""
            if last.endswith("uno"):
                return prefix + last[:-3] + "una"
            return words
        if last == "uno":
            return prefix + "un"
        if last.endswith("iuno"):
            return prefix + last[:-4] + "iún"
        return words
    if language == "fr" and gender == "f" and last == "un":
        return prefix + "une"
    if language == "de" and last == "eins":
        return prefix + ("eine" if gender == "f" else "ein") if not head else words
    if language == "pl" and gender == "f_acc" and last == "jeden" and not head:
        return "jedną"  # feminine accusative or instrumental: "jedną tabletkę", "jedną łyżką"
    if language == "pl" and gender == "f":
        return prefix + {"jeden": "jedna", "dwa": "dwie"}.get(last, last)
    if language == "pl" and gender == "n" and last == "jeden" and not head:
        return "jedno"
    return words


def spell_number(value: Number, language: str, gender: str | None = None) -> str:
    """A number in words: spell_number(21, "es") -> "veintiuno"; gender "m"/"f"/"n" gives the form before a
    noun of that gender (spell_number(21, "es", "m") -> "veintiún"). Decimals are read with the language's
    word for the decimal point. ``ValueError`` when ``value`` is not a finite number."""
    number = _decimal(value)
    base = base_language(language)
    integral = number == number.to_integral_value() and "." not in str(value) and "," not in str(value)
    if base == "en":
        return _en_number(value, number)
    if base == "cy":
        if integral:
            whole = int(number)
            words = _cy_number(abs(whole), gender)
            return f"minws {words}" if whole < 0 else words
        whole_text, _, frac = format(abs(number), "f").partition(".")
        spoken = f"{_cy_number(int(whole_text), None)} pwynt {spell_digits(frac, 'cy')}"
        return f"minws {spoken}" if number < 0 else spoken
    if base not in NUM2WORDS_LANGUAGES:
        return format(number, "f") if not integral else str(int(number))
    if integral:
        return _agree(_n2w(int(number), base), base, gender)
    if base == "ar":
        whole_text, _, frac = format(abs(number), "f").partition(".")
        spoken = f"{_n2w(int(whole_text), 'ar')} فاصلة {spell_digits(frac, 'ar')}"
        return f"سالب {spoken}" if number < 0 else spoken
    return _n2w(number, base)


_AR_ORDINALS = "الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر الحادي_عشر الثاني_عشر".split()
_AR_ORDINALS_F = (
    "الأولى الثانية الثالثة الرابعة الخامسة السادسة السابعة الثامنة التاسعة العاشرة الحادية_عشرة الثانية_عشرة".split()
)


def _pl_ordinal_form(words: str, ending: str) -> str:
    """Decline a Polish masculine ordinal ("dwudziesty pierwszy") word by word: ending "a" (feminine),
    "ej" (feminine genitive or locative, "o dziewiątej"), "ego" (masculine genitive, "trzeciego maja")."""
    out = []
    for word in words.split():
        if word.endswith("y"):
            out.append(word[:-1] + ending)
        elif word.endswith("gi") and ending == "a":
            out.append(word[:-1] + "a")
        elif word.endswith("i"):
            out.append(word + ending)
        else:
            out.append(word)
    return " ".join(out)


def spell_ordinal(value: int, language: str, gender: str | None = None) -> str:
    """An ordinal in words: 3 -> "third", "tercero", "troisième", "dritte", "trzeci", "trydydd", "الثالث".

    ``gender="f"`` gives the feminine where the language has one (Spanish "tercera", Polish "trzecia",
    Arabic "الثالثة"). Arabic ordinals past twelve are said as "number" and the cardinal.
    """
    n = int(value)
    base = base_language(language)
    if base == "en":
        return _n2w(n, "en", to="ordinal").replace(",", "")
    if base == "ar":
        if 1 <= n <= 12:
            return (_AR_ORDINALS_F if gender == "f" else _AR_ORDINALS)[n - 1].replace("_", " ")
        return f"رقم {spell_number(n, 'ar')}"
    if base == "cy" and not 0 < n <= 100:
        return spell_number(n, "cy")
    if base not in NUM2WORDS_LANGUAGES:
        return f"{n}."
    if base == "cy":
        return _n2w(n, "cy", to="ordinal", gender="fem" if gender == "f" else "masc")
    words = _n2w(n, base, to="ordinal")
    if base == "es" and gender == "f":
        return " ".join(w[:-1] + "a" if w.endswith("o") else w for w in words.split())
    if base == "es" and gender == "m":
        return words[:-1] if words.endswith(("primero", "tercero")) else words
    if base == "pl" and gender == "f":
        return _pl_ordinal_form(words, "a")
    if base == "fr" and gender == "f" and words == "premier":
        return "première"
    return words


def spell_year(value: int, language: str) -> str:
    """A year as people say it: 1998 -> "nineteen ninety-eight", "mil novecientos noventa y ocho",
    "neunzehnhundertachtundneunzig", "mil naw cant naw deg wyth"."""
    n = int(value)
    base = base_language(language)
    if base == "en":
        return _en_year(n)
    if base == "de" and 1100 <= n <= 1999:
        century, rest = divmod(n, 100)
        return _n2w(century, "de") + "hundert" + (_n2w(rest, "de") if rest else "")
    if base == "cy" or base not in NUM2WORDS_LANGUAGES:
        return spell_number(n, base)
    if base == "pl":
        return _n2w(n, "pl")
    return _n2w(n, base)


def spell_time(hour: int, minute: int, language: str, case: str | None = None) -> str:
    """A clock time in words, 24-hour: (9, 30) -> "nine thirty", "nueve y treinta", "neuf heures trente",
    "neun Uhr dreißig", "dziewiąta trzydzieści", "naw tri deg", "الساعة التاسعة والنصف صباحًا".

    Polish hours are ordinals; ``case="oblique"`` gives the form after "o", "od", "do" ("o dziewiątej").
    ``ValueError`` for an hour outside 0..24 or a minute outside 0..59.
    """
    if not (0 <= hour <= 24 and 0 <= minute <= 59):
        raise ValueError(f"{hour}:{minute:02d} is not a time of day")
    base = base_language(language)
    if base == "en":
        if minute == 0:
            return f"{_en_cardinal(hour)} o'clock" if 0 < hour <= 12 else f"{_en_cardinal(hour)} hundred"
        middle = " oh " if minute < 10 else " "
        return f"{_en_cardinal(hour)}{middle}{_en_cardinal(minute)}"
    if base == "es":
        spoken = spell_number(hour, "es", "f")
        return spoken + (f" y {spell_number(minute, 'es', 'm')}" if minute else "")
    if base == "fr":
        if hour == 0 and minute == 0:
            return "minuit"
        spoken = (
            "midi"
            if (hour, minute) == (12, 0)
            else f"{spell_number(hour, 'fr', 'f')} heure" + ("s" if hour > 1 else "")
        )
        return spoken + (f" {spell_number(minute, 'fr', 'f')}" if minute else "")
    if base == "de":
        spoken = f"{spell_number(hour, 'de', 'm')} Uhr"
        return spoken + (f" {spell_number(minute, 'de')}" if minute else "")
    if base == "pl":
        if hour == 0 and minute == 0:
            return "północ" if case is None else "północy"
        masculine = _n2w(hour or 24, "pl", to="ordinal")
        spoken = _pl_ordinal_form(masculine, "ej" if case == "oblique" else "a")
        return spoken + (f" {spell_number(minute, 'pl')}" if minute else "")
    if base == "cy":
        spoken = spell_number(hour, "cy")
        return f"{spoken} o'r gloch" if minute == 0 else f"{spoken} {spell_number(minute, 'cy')}"
    if base == "ar":
        # The quarter and half hours as people say them: "والربع", "والنصف", and "إلا ربعًا" of the next hour.
        part = " صباحًا" if hour < 12 else " مساءً"
        said_hour = hour + 1 if minute == 45 else hour
        twelve = said_hour % 12 or 12
        spoken = "الساعة " + ("الواحدة" if twelve == 1 else spell_ordinal(twelve, "ar", "f"))
        if minute in _AR_PARTS:
            spoken += " " + _AR_PARTS[minute]
        elif minute:
            spoken += " و" + _ar_minutes(minute)
        return spoken + part
    return f"{hour}:{minute:02d}"


_AR_PARTS = {15: "والربع", 30: "والنصف", 45: "إلا ربعًا"}
_AR_FEW_BEFORE_FEMININE = "ثلاث أربع خمس ست سبع ثماني تسع عشر".split()
"""Three to ten before a feminine noun (دقيقة) take the form without ة: "عشر دقائق"."""


def _ar_minutes(minute: int) -> str:
    from .plural import plural_category

    category = plural_category("ar", minute)
    if category == "one":
        return "دقيقة واحدة"
    if category == "two":
        return "دقيقتان"
    if category == "few" and 3 <= minute <= 10:
        return f"{_AR_FEW_BEFORE_FEMININE[minute - 3]} دقائق"
    noun = "دقائق" if category == "few" else "دقيقة"
    return f"{spell_number(minute, 'ar')} {noun}"


def spell_digits(text: str, language: str) -> str:
    """Each digit of ``text`` in words (phone numbers, codes): "0300" -> "cero tres cero cero"."""
    base = base_language(language)
    names = _DIGITS.get(base)
    digits = [ch for ch in str(text) if ch.isdigit() and ch.isascii()]
    if names is None:
        if base in NUM2WORDS_LANGUAGES:
            return " ".join(_n2w(int(ch), base) for ch in digits)
        return " ".join(digits)
    table = names.split()
    return " ".join(table[int(ch)] for ch in digits)


def spell_money(amount: Number, currency: str, language: str) -> str:
    """An amount of money in words: (Decimal("20.50"), "EUR", "es") -> "veinte euros con cincuenta céntimos".

    ``currency`` is an ISO 4217 code the catalogues name (EUR, GBP, USD, PLN); the unit words and their
    plural forms come from the language's message catalogue (``currency.EUR``, ``currency.EUR_cents``).
    """
    from .catalogue import messages

    value = _decimal(amount)
    catalogue = messages(language)
    code = currency.upper()
    units = int(abs(value))
    cents = int((abs(value) - units) * 100 + Decimal("0.5")) if value != value.to_integral_value() else 0
    if cents == 100:
        units, cents = units + 1, 0
    gender = _CURRENCY_GENDER.get(base_language(language), {}).get(code)
    cents_gender = _CURRENCY_GENDER.get(base_language(language), {}).get(code + "_cents")
    whole = catalogue.say(f"currency.{code}", count=units, n=_Spelled(units, language, gender))
    if not cents:
        spoken = whole
    else:
        small = catalogue.say(f"currency.{code}_cents", count=cents, n=_Spelled(cents, language, cents_gender))
        spoken = small if units == 0 else catalogue.say("currency.and", units=whole, cents=small)
    if value < 0:
        spoken = f"{catalogue.say('numbers.minus')} {spoken}"
    return spoken


class _Spelled(str):
    """A number already in words (so the catalogue does not spell it again) that still counts as ``count``."""

    def __new__(cls, number: int, language: str, gender: str | None) -> _Spelled:
        return super().__new__(cls, spell_number(number, language, gender))


_CURRENCY_GENDER: dict[str, dict[str, str]] = {
    "es": {"EUR": "m", "EUR_cents": "m", "GBP": "f", "GBP_cents": "m", "USD": "m", "USD_cents": "m", "PLN": "m"},
    "fr": {"GBP": "f", "EUR_cents": "m"},
    "de": {"EUR": "m", "GBP": "n", "USD": "m"},
    "pl": {"PLN": "m", "PLN_cents": "m", "GBP": "m", "USD": "m", "EUR": "n"},
    "cy": {"GBP": "f", "GBP_cents": "f", "EUR": "m", "USD": "f"},
}
"""The grammatical gender of each currency word, for the number before it ("una libra", "dwy bunt")."""


def number_words(language: str, limit: int = 20) -> dict[str, int]:
    """Spoken numbers 0..``limit`` as words -> value, with the feminine and before-noun forms too, so the
    listening page can understand "capítulo tres" or "rozdział dwa" said to it."""
    words: dict[str, int] = {}
    for n in range(limit + 1):
        for gender in (None, "m", "f", "n"):
            try:
                words.setdefault(spell_number(n, language, gender).lower(), n)
            except (ValueError, NotImplementedError):
                continue
    return words

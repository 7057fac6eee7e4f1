"""Numbers as British English words: cardinals, ordinals, years, decimals and digit strings."""

from __future__ import annotations

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = ("zero ten twenty thirty forty fifty sixty seventy eighty ninety").split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_IRREGULAR = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_DIGIT_NAMES = tuple(_ONES[:10])
MAX_CARDINAL = 10**15 - 1
"""Largest number read as a cardinal; longer numbers are read digit by digit."""


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] if ones == 0 else f"{_TENS[tens]}-{_ONES[ones]}"


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_hundred(rest)
    head = f"{_ONES[hundreds]} hundred"
    return head if rest == 0 else f"{head} and {_below_hundred(rest)}"


def cardinal(n: int) -> str:
    """Say a whole number the British way: 1250 -> "one thousand two hundred and fifty"."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n > MAX_CARDINAL:
        return digits(str(n))
    if n < 1000:
        return _below_thousand(n)
    parts: list[str] = []
    rest = n
    for value, name in _SCALES:
        count, rest = divmod(rest, value)
        if count:
            parts.append(f"{_below_thousand(count)} {name}")
    if rest:
        parts.append(("and " if rest < 100 else "") + _below_thousand(rest))
    return " ".join(parts)


def ordinal(n: int) -> str:
    """Say an ordinal: 3 -> "third", 21 -> "twenty-first"."""
    words = cardinal(n)
    head, sep, last = words.rpartition(" ")
    prefix, hyphen, unit = last.rpartition("-")
    if unit in _ORDINAL_IRREGULAR:
        unit = _ORDINAL_IRREGULAR[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    return f"{head}{sep}{prefix}{hyphen}{unit}"


def year(n: int) -> str:
    """Say a year: 1998 -> "nineteen ninety-eight", 2005 -> "two thousand and five"."""
    if 2000 <= n <= 2009 or n < 1000 or n > 9999:
        return cardinal(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        return f"{cardinal(century)} oh {cardinal(rest)}"
    return f"{cardinal(century)} {cardinal(rest)}"


def plural_words(words: str) -> str:
    """Make number words plural, as in decades: "nineteen ninety" -> "nineteen nineties"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith("x"):
        return words + "es"
    return words + "s"


def digits(text: str, zero: str = "zero") -> str:
    """Read each digit of text: "0300" -> "zero three zero zero" (or "oh" with zero="oh")."""
    names = [zero if ch == "0" else _DIGIT_NAMES[int(ch)] for ch in text if ch in "0123456789"]
    return " ".join(names)


def number(text: str) -> str:
    """Say a written number such as "1,250", "2.5", ".5" or "007"."""
    whole, _, frac = text.replace(",", "").partition(".")
    if whole and len(whole) > 1 and whole.startswith("0"):
        spoken = digits(whole)
    elif whole:
        spoken = cardinal(int(whole))
    else:
        spoken = ""
    if frac:
        spoken = f"{spoken} point {digits(frac)}".strip()
    return spoken or "zero"

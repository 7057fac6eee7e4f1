"""Plural categories (CLDR's zero/one/two/few/many/other) for the shipped languages.

The rules follow the Unicode CLDR plural rules for whole numbers; a number with a fractional part
takes ``other`` except where CLDR gives it a category of its own (French "1,5" is ``one``). Languages
not listed use English's one/other.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .tags import base_language

FORMS_USED: dict[str, tuple[str, ...]] = {
    "en": ("one", "other"),
    "es": ("one", "other"),
    "fr": ("one", "other"),
    "de": ("one", "other"),
    "pl": ("one", "few", "many", "other"),
    "cy": ("zero", "one", "two", "few", "many", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
}
"""The categories each language distinguishes (CLDR); a catalogue may give fewer: missing ones read ``other``."""


def _parts(value: Any) -> tuple[int, bool]:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0, False
    if not number.is_finite():
        return 0, False
    whole = int(abs(number))
    return whole, number == number.to_integral_value() and "." not in str(value)


def plural_category(language: str, value: Any) -> str:
    """The CLDR plural category of ``value`` in ``language``."""
    i, integer = _parts(value)
    base = base_language(language)
    if base == "pl":
        if not integer:
            return "other"
        if i == 1:
            return "one"
        if 2 <= i % 10 <= 4 and not 12 <= i % 100 <= 14:
            return "few"
        return "many"
    if base == "fr":
        return "one" if i in (0, 1) else "other"
    if base in ("cy", "ar"):
        if not integer:
            return "other"
        if i == 0:
            return "zero"
        if i == 1:
            return "one"
        if i == 2:
            return "two"
        if base == "cy":
            return {3: "few", 6: "many"}.get(i, "other")
        if 3 <= i % 100 <= 10:
            return "few"
        if 11 <= i % 100 <= 99:
            return "many"
        return "other"
    return "one" if (i == 1 and integer) else "other"

"""Message catalogues: the narrator's orientation phrases and the listening page's words, per language.

One TOML file per language in ``audioguide/data/messages/`` (``en.toml`` is the reference). A key
missing from a catalogue falls back to English, so a half-finished catalogue still builds; the test
suite checks every shipped catalogue has every key with the same placeholders.

A message is a string with ``{name}`` placeholders, or a table of plural forms (``one``, ``two``,
``few``, ``many``, ``other``; CLDR's categories) chosen by the ``count`` value. A placeholder written
``{n:m}`` or ``{n:f}`` spells its number as it stands before a masculine or feminine noun ("un",
"una"); :meth:`Messages.say` spells numbers in words for speech, :meth:`Messages.text` keeps digits
for the page.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from .plural import plural_category
from .tags import base_language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Message = str | dict[str, str]
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([mfn]))?\}")
"""A placeholder: ``{name}``, or ``{name:m}`` / ``{name:f}`` / ``{name:n}`` with the gender of the noun after it."""
FALLBACK = "en"


def shipped_languages() -> list[str]:
    """The languages with a catalogue in the package, English first."""
    folder = resources.files("audioguide") / "data" / "messages"
    found = sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))
    return sorted(found, key=lambda tag: (tag != FALLBACK, tag))


@lru_cache(maxsize=16)
def load_catalogue(language: str) -> dict[str, Any]:
    """The raw catalogue of ``language``'s base language ({} when none is shipped), keys flattened to
    "section.key" (a list or string value; a plural table stays a dict)."""
    base = base_language(language)
    if not re.fullmatch(r"[a-z]{2,3}", base):
        return {}
    path = resources.files("audioguide") / "data" / "messages" / f"{base}.toml"
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return _flatten(data)


TABLES = frozenset({"abbreviations.spoken"})
"""Keys whose value is a free table (written form -> spoken form), not more keys."""


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not _is_plural(value) and name not in TABLES:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def _is_plural(value: dict[str, Any]) -> bool:
    return bool(value) and "other" in value and all(k in PLURAL_FORMS and isinstance(v, str) for k, v in value.items())


def placeholders(message: Message) -> set[str]:
    """The placeholder names a message uses (in any of its plural forms)."""
    forms = message.values() if isinstance(message, dict) else [message]
    return {m.group(1) for form in forms for m in PLACEHOLDER.finditer(form)}


@dataclass(frozen=True)
class Messages:
    """The messages of one language, English where the catalogue lacks a key."""

    language: str
    """The tag asked for; its base language picks the catalogue."""

    @property
    def base(self) -> str:
        """The base language whose catalogue is used (``"en"`` when there is none)."""
        base = base_language(self.language)
        return base if load_catalogue(base) else FALLBACK

    @property
    def is_fallback(self) -> bool:
        """True when no catalogue exists for the language and English is used throughout."""
        return not load_catalogue(self.language)

    def raw(self, key: str) -> Any:
        """The stored value of ``key`` in this language, else in English; ``KeyError`` if neither has it."""
        own = load_catalogue(self.language)
        if key in own:
            return own[key]
        english = load_catalogue(FALLBACK)
        if key in english:
            return english[key]
        raise KeyError(key)

    def language_of(self, key: str) -> str:
        """Which catalogue ``key`` comes from: this language's base, or ``"en"`` when it falls back."""
        return self.base if key in load_catalogue(self.language) else FALLBACK

    def table(self, key: str) -> dict[str, str]:
        """A free table (``abbreviations.spoken``): this language's own, not merged with English."""
        value = load_catalogue(self.language).get(key) if not self.is_fallback else load_catalogue(FALLBACK).get(key)
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def section(self, prefix: str) -> dict[str, Any]:
        """Every key under ``prefix`` ("page") without the prefix, this language's value or else English's:
        the page's strings as one mapping, ready to embed as JSON for listen.js."""
        head = prefix.rstrip(".") + "."
        keys = {k for k in load_catalogue(FALLBACK) if k.startswith(head)}
        keys |= {k for k in load_catalogue(self.language) if k.startswith(head)}
        return {key[len(head) :]: self.raw(key) for key in sorted(keys)}

    def words(self, key: str) -> list[str]:
        """A list value (voice command words, month names, abbreviations)."""
        value = self.raw(key)
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def say(self, key: str, /, **values: Any) -> str:
        """The message for speech: whole numbers among ``values`` are spelled in words of its language."""
        return self._format(key, values, spell=True)

    def text(self, key: str, /, **values: Any) -> str:
        """The message for the page: numbers stay as digits."""
        return self._format(key, values, spell=False)

    def _format(self, key: str, values: dict[str, Any], spell: bool) -> str:
        from .numbers import spell_number

        message = self.raw(key)
        language = self.language_of(key)
        if isinstance(message, dict):
            count = values.get("count", values.get("n", 0))
            category = plural_category(language, count)
            message = message.get(category, message["other"])
        if not isinstance(message, str):
            raise KeyError(key)

        def fill(match: re.Match[str]) -> str:
            name, gender = match.group(1), match.group(2)
            if name not in values:
                return match.group(0)
            value = values[name]
            if spell and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                return spell_number(value, language, gender=gender)
            return str(value)

        return PLACEHOLDER.sub(fill, message)


def messages(language: str) -> Messages:
    """The messages for ``language`` (any BCP 47 tag; its base language's catalogue, English fallback)."""
    return Messages(language)

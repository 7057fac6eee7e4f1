"""BCP 47 language tags, checked and normalised: the one parser of a tag, for the settings and for
the language layer (:mod:`audioguide.i18n.tags` adds what a guide needs of a tag).

Only the well-formedness rules of RFC 5646 (section 2.1) are checked (less the unregistered long
primary subtags, and the irregular grandfathered tags such as "i-klingon"), with the usual case
conventions applied ("EN-gb" -> "en-GB", "zh-hans-cn" -> "zh-Hans-CN"); whether a subtag is
registered is not, so a new region or variant is never refused. Underscores ("en_GB", as POSIX
locales write them) are read as hyphens, and a few codes with a shorter or newer form are replaced
by it ("cym" -> "cy", "iw" -> "he").
"""

from __future__ import annotations

import re

from .errors import InputError

__all__ = ["MAX_TAG_LENGTH", "normalise_tag", "parse_tag"]

_LANGUAGE = r"(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})"
"""A two- or three-letter language and up to three extended subtags. RFC 5646 also reserves four- to
eight-letter primary subtags, but none is registered, and refusing them catches lang="english"."""
_SCRIPT = r"(?:-(?P<script>[a-z]{4}))?"
_REGION = r"(?:-(?P<region>[a-z]{2}|\d{3}))?"
_VARIANTS = r"(?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)"
_EXTENSIONS = r"(?P<extensions>(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*)"
_PRIVATE = r"(?P<private>-x(?:-[a-z\d]{1,8})+)?"
_TAG = re.compile(rf"^{_LANGUAGE}{_SCRIPT}{_REGION}{_VARIANTS}{_EXTENSIONS}{_PRIVATE}$")
MAX_TAG_LENGTH = 80
"""Longer strings are refused before parsing (real tags are a few dozen characters at most)."""

_PREFERRED = {
    # ISO 639-2/3 codes of languages that have a two-letter code, and withdrawn codes.
    "eng": "en",
    "spa": "es",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "pol": "pl",
    "cym": "cy",
    "wel": "cy",
    "ara": "ar",
    "urd": "ur",
    "heb": "he",
    "fas": "fa",
    "per": "fa",
    "ben": "bn",
    "zho": "zh",
    "chi": "zh",
    "por": "pt",
    "ita": "it",
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "mo": "ro",
}


def normalise_tag(text: str) -> str | None:
    """``text`` as a well-formed BCP 47 tag in its conventional case, or ``None`` when it is not one."""
    if not isinstance(text, str):
        return None
    candidate = text.strip().replace("_", "-")
    if not candidate or len(candidate) > MAX_TAG_LENGTH or not candidate.isascii():
        return None
    match = _TAG.match(candidate.lower())
    if match is None:
        return None
    language = match.group("language")
    head, *extlangs = language.split("-")
    head = _PREFERRED.get(head, head)
    parts = [head, *extlangs]
    if match.group("script"):
        parts.append(match.group("script").title())
    if match.group("region"):
        parts.append(match.group("region").upper())
    rest = (match.group("variants") or "") + (match.group("extensions") or "") + (match.group("private") or "")
    variants = [v for v in (match.group("variants") or "").split("-") if v]
    if len(variants) != len(set(variants)):
        return None
    singletons = re.findall(r"-([a-wyz\d])-", (match.group("extensions") or "") + "-")
    if len(singletons) != len(set(singletons)):
        return None
    return "-".join(parts) + rest


def parse_tag(text: str, where: str = "the language") -> str:
    """The normalised tag, or :class:`InputError` naming ``where`` the bad value came from."""
    tag = normalise_tag(text)
    if tag is None:
        shown = repr(text)[:40] if isinstance(text, str) else type(text).__name__
        raise InputError(
            f"{where[:1].upper()}{where[1:]} {shown} is not a language tag. Use a BCP 47 tag such as en, en-GB, cy, "
            "es, pl or ar."
        )
    return tag

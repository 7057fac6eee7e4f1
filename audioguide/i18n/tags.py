"""BCP 47 language tags: what a guide needs of one (base, direction, name). Checking and normalising a
tag is :mod:`audioguide.langtag`'s (the foundation layer's, so that the settings use the same check;
its docstring says which rules it applies).
"""

from __future__ import annotations

from typing import Literal

from ..langtag import MAX_TAG_LENGTH, normalise_tag, parse_tag

__all__ = [
    "MAX_TAG_LENGTH",
    "base_language",
    "direction",
    "html_attributes",
    "language_name",
    "normalise_tag",
    "parse_tag",
    "region_of",
    "script_of",
]

Direction = Literal["ltr", "rtl"]

RTL_SCRIPTS = frozenset(
    "Adlm Arab Aran Armi Avst Cprt Egyp Hebr Khar Lydi Mand Mani Mend Narb Nbat Nkoo Orkh Palm Phli Phlp "
    "Phnx Prti Rohg Samr Sarb Sogd Sogo Syrc Thaa Yezi".split()
)
"""ISO 15924 scripts written right to left."""

RTL_LANGUAGES = frozenset(
    "ar arc arz ary acm apc ajp aeb ckb dv fa prs he ks mzn pnb ps sd syr ug ur yi azb bal glk lrc nqo sdh".split()
)
"""Languages written right to left when no script subtag says otherwise (Kurdish is not here: Kurmanji
is mostly written in Latin letters; Sorani has its own code, ``ckb``)."""

_NAMES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "es": ("Spanish", "español"),
    "fr": ("French", "français"),
    "de": ("German", "Deutsch"),
    "pl": ("Polish", "polski"),
    "cy": ("Welsh", "Cymraeg"),
    "ar": ("Arabic", "العربية"),
    "ur": ("Urdu", "اردو"),
    "he": ("Hebrew", "עברית"),
    "fa": ("Persian", "فارسی"),
    "ps": ("Pashto", "پښتو"),
    "yi": ("Yiddish", "ייִדיש"),
    "dv": ("Dhivehi", "ދިވެހި"),
    "bn": ("Bengali", "বাংলা"),
    "zh": ("Chinese", "中文"),
    "yue": ("Cantonese", "粵語"),
    "pt": ("Portuguese", "português"),
    "it": ("Italian", "italiano"),
    "nl": ("Dutch", "Nederlands"),
    "ga": ("Irish", "Gaeilge"),
    "gd": ("Scottish Gaelic", "Gàidhlig"),
    "pa": ("Punjabi", "ਪੰਜਾਬੀ"),
    "gu": ("Gujarati", "ગુજરાતી"),
    "hi": ("Hindi", "हिन्दी"),
    "ta": ("Tamil", "தமிழ்"),
    "ro": ("Romanian", "română"),
    "tr": ("Turkish", "Türkçe"),
    "so": ("Somali", "Soomaali"),
    "lt": ("Lithuanian", "lietuvių"),
    "cs": ("Czech", "čeština"),
    "sk": ("Slovak", "slovenčina"),
    "uk": ("Ukrainian", "українська"),
    "ru": ("Russian", "русский"),
    "ca": ("Catalan", "català"),
    "sv": ("Swedish", "svenska"),
    "da": ("Danish", "dansk"),
    "no": ("Norwegian", "norsk"),
    "fi": ("Finnish", "suomi"),
    "el": ("Greek", "Ελληνικά"),
    "hu": ("Hungarian", "magyar"),
    "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어"),
    "vi": ("Vietnamese", "Tiếng Việt"),
    "sq": ("Albanian", "shqip"),
    "ti": ("Tigrinya", "ትግርኛ"),
    "am": ("Amharic", "አማርኛ"),
}
_SCRIPT_NAMES = {"Hans": "Simplified", "Hant": "Traditional", "Latn": "Latin", "Arab": "Arabic", "Cyrl": "Cyrillic"}
_REGION_NAMES = {
    "GB": "United Kingdom",
    "US": "United States",
    "ES": "Spain",
    "MX": "Mexico",
    "419": "Latin America",
    "FR": "France",
    "BE": "Belgium",
    "CH": "Switzerland",
    "CA": "Canada",
    "DE": "Germany",
    "AT": "Austria",
    "PL": "Poland",
    "EG": "Egypt",
    "SA": "Saudi Arabia",
    "MA": "Morocco",
    "PK": "Pakistan",
    "IN": "India",
    "BR": "Brazil",
    "PT": "Portugal",
    "CN": "China",
    "TW": "Taiwan",
    "HK": "Hong Kong",
    "IE": "Ireland",
    "AU": "Australia",
}


def base_language(tag: str) -> str:
    """The primary language subtag: "en-GB" -> "en", "zh-Hans-CN" -> "zh" (invalid input -> "und")."""
    normal = normalise_tag(tag)
    return normal.split("-", 1)[0] if normal else "und"


def script_of(tag: str) -> str | None:
    """The script subtag ("Hans" in "zh-Hans-CN"), or ``None`` when the tag names none."""
    normal = normalise_tag(tag)
    if normal is None:
        return None
    for part in normal.split("-")[1:]:
        if len(part) == 4 and part.isalpha():
            return part
        if len(part) == 1:
            break
    return None


def region_of(tag: str) -> str | None:
    """The region subtag ("GB" in "en-GB"), or ``None``."""
    normal = normalise_tag(tag)
    if normal is None:
        return None
    for part in normal.split("-")[1:]:
        if len(part) == 1:
            break
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return part
    return None


def direction(tag: str) -> Direction:
    """``"rtl"`` for a language or script written right to left ("ar", "ur", "he", "az-Arab"), else ``"ltr"``."""
    script = script_of(tag)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if base_language(tag) in RTL_LANGUAGES else "ltr"


def language_name(tag: str, native: bool = False) -> str:
    """A human name: "Welsh", "English (United Kingdom)", "Chinese (Simplified)"; ``native`` gives "Cymraeg".

    A language missing from the small table is named by its tag.
    """
    normal = normalise_tag(tag)
    if normal is None:
        return str(tag)
    base = normal.split("-", 1)[0]
    names = _NAMES.get(base)
    if names is None:
        return normal
    if native:
        return names[1]
    details = [
        name for name in (_SCRIPT_NAMES.get(script_of(normal) or ""), _REGION_NAMES.get(region_of(normal) or ""))
    ]
    shown = [d for d in details if d]
    return f"{names[0]} ({', '.join(shown)})" if shown else names[0]


def html_attributes(tag: str) -> str:
    """``lang="..."`` and, for a right-to-left language, ``dir="rtl"``, safe to put in an HTML or XHTML
    start tag (the tag is normalised first; a malformed one gives ``lang="und"``)."""
    normal = normalise_tag(tag) or "und"
    attributes = f'lang="{normal}"'
    return attributes + (' dir="rtl"' if direction(normal) == "rtl" else "")

"""Languages of a guide: tags, detection, message catalogues, numbers in words and voices.

Groundwork for issue 16, not yet wired into the build: see docs/LANGUAGES.md for how each piece
is meant to be used and how to add a language.
"""

from audioguide.i18n.catalogue import Messages, messages, shipped_languages
from audioguide.i18n.detect import LanguageChoice, detect_language, release_detector, resolve_language
from audioguide.i18n.normalise import normalise_text
from audioguide.i18n.numbers import (
    number_words,
    spell_digits,
    spell_money,
    spell_number,
    spell_ordinal,
    spell_time,
    spell_year,
)
from audioguide.i18n.plural import plural_category
from audioguide.i18n.sentences import abbreviations
from audioguide.i18n.tags import base_language, direction, html_attributes, language_name, normalise_tag, parse_tag
from audioguide.i18n.voices import EngineChoice, Installed, choose_engine, installed_here, voices_for

__all__ = [
    "EngineChoice",
    "Installed",
    "LanguageChoice",
    "Messages",
    "abbreviations",
    "base_language",
    "choose_engine",
    "detect_language",
    "direction",
    "html_attributes",
    "installed_here",
    "language_name",
    "messages",
    "normalise_tag",
    "number_words",
    "normalise_text",
    "parse_tag",
    "plural_category",
    "release_detector",
    "resolve_language",
    "shipped_languages",
    "spell_digits",
    "spell_money",
    "spell_number",
    "spell_ordinal",
    "spell_time",
    "spell_year",
    "voices_for",
]

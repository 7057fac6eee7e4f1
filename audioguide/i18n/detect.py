"""Which language a guide is written in: detection from its text, and the order of the other sources.

Detection uses py3langid (BSD licence; the langid.py model, about 4.5 MB, ships inside the package,
so it works offline). It was chosen over lingua-language-detector after measuring both on short
health-guide sentences in the shipped languages and their neighbours (see docs/LANGUAGES.md):
it was as accurate, a twentieth of the install size, a third of the memory and needs only numpy,
which audioguide already uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from .tags import normalise_tag, parse_tag

Source = Literal["option", "settings", "front matter", "html", "properties", "detected", "default"]

DEFAULT_LANGUAGE = "en"
MIN_CONFIDENCE = 0.5
"""Below this the detection is not trusted and the guide is taken to be English (and ``sections`` says so)."""
OVERRIDE_CONFIDENCE = 0.98
"""A detection at least this sure, on at least :data:`OVERRIDE_LETTERS` letters, wins over the
document's own language tag when the two disagree: documents often keep their template's language
(a Word file written in French on an "en-US" template, a translated page still saying lang="en")."""
OVERRIDE_LETTERS = 150
CLOSE_LANGUAGES = (
    frozenset({"hr", "sr", "bs", "sh"}),
    frozenset({"nb", "nn", "no", "da"}),
    frozenset({"ms", "id"}),
    frozenset({"cs", "sk"}),
    frozenset({"ca", "es", "gl"}),
    frozenset({"af", "nl"}),
    frozenset({"ur", "hi"}),
)
"""Languages the detector can take for one another: a disagreement among them is not overruled."""
MAX_SAMPLE = 6000
"""Characters of text the detector reads: plenty for a guide, and it keeps detection to milliseconds."""
NEVER_DETECTED = frozenset({"eo", "vo", "la", "grc", "hbo", "sa", "zxx"})
"""Model classes that are not guide languages (constructed, classical, "no language"); leaving them out
stops them taking short English or Spanish lines."""
_FOLD = {"ary": "ar", "arz": "ar", "wuu": "zh", "uzs": "uz"}
"""Dialect classes of the model folded into the language tag a guide would carry."""

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
_NOT_WORDS = re.compile(r"[\d_]+")


@dataclass(frozen=True)
class LanguageChoice:
    """The language of a guide and where it came from (for ``sections`` to show)."""

    tag: str
    """The normalised BCP 47 tag."""
    source: Source
    """Which source decided it."""
    confidence: float | None = None
    """The detector's confidence, 0 to 1, when the source is detection (or detection was tried)."""
    notes: tuple[str, ...] = field(default=())
    """Sentences about sources that were set but skipped (a malformed ``<html lang>``, an unsure detection)."""

    def describe(self) -> str:
        """One line for people: "cy (Welsh), from the front matter"."""
        from .tags import language_name

        where = {
            "option": "from --language",
            "settings": "from audioguide.toml",
            "front matter": "from the front matter",
            "html": "from the page's <html lang>",
            "properties": "from the document's language setting",
            "detected": f"detected from the text ({round((self.confidence or 0) * 100)}% sure)",
            "default": "the default",
        }[self.source]
        return f"{self.tag} ({language_name(self.tag)}), {where}"


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([label for label in identifier.labels if label not in NEVER_DETECTED])
    return identifier


def release_detector() -> None:
    """Let go of the detector's model (some 100 MB in memory once loaded; loaded again if asked). A
    build calls this once its language is settled: the memory is then free for speaking, and worker
    processes forked from the build do not carry it."""
    _identifier.cache_clear()


def detectable_languages() -> list[str]:
    """Base language tags the detector can answer with."""
    return sorted({_FOLD.get(label, label) for label in _identifier().labels})


def _sample(text: str) -> str:
    text = _URL.sub(" ", text)
    text = _NOT_WORDS.sub(" ", text)
    return " ".join(text.split())[:MAX_SAMPLE]


def detect_language(text: str) -> tuple[str, float]:
    """The language ``text`` is most likely in and the detector's confidence (0 to 1).

    Text with no letters gives ``("und", 0.0)`` (BCP 47's "undetermined").
    """
    sample = _sample(text) if isinstance(text, str) else ""
    if not any(ch.isalpha() for ch in sample):
        return "und", 0.0
    ranked = _identifier().rank(sample)
    totals: dict[str, float] = {}
    for label, probability in ranked:
        tag = _FOLD.get(label, label)
        totals[tag] = totals.get(tag, 0.0) + float(probability)
    tag, confidence = max(totals.items(), key=lambda item: item[1])
    return tag, max(0.0, min(1.0, confidence))


def resolve_language(
    *,
    option: str | None = None,
    settings: str | None = None,
    front_matter: str | None = None,
    html_lang: str | None = None,
    properties: str | None = None,
    text: str | None = None,
    detect: bool = True,
) -> LanguageChoice:
    """Decide a guide's language: ``--language`` > audioguide.toml > front matter > ``<html lang>`` or
    the document's ``properties`` > detection from ``text`` > English.

    The document's own tag gives way to a detection that is nearly certain, on enough text, of another
    language (see :data:`OVERRIDE_CONFIDENCE`), with a note saying so.

    What the user wrote (option, settings, front matter) must be a valid tag, else :class:`InputError`
    naming the source; a malformed ``<html lang>`` (common on the web) is skipped with a note, and so is
    a detection below :data:`MIN_CONFIDENCE`.
    """
    for value, source, where in (
        (option, "option", "the --language option"),
        (settings, "settings", "the language in audioguide.toml"),
        (front_matter, "front matter", "the language in the front matter"),
    ):
        if value is not None and str(value).strip():
            return LanguageChoice(parse_tag(str(value), where), source)  # type: ignore[arg-type]
    notes: list[str] = []
    for value, source in ((html_lang, "html"), (properties, "properties")):
        if value is None or not value.strip():
            continue
        tag = normalise_tag(value)
        if tag is None or tag.split("-")[0] in {"und", "zxx", "mul", "mis"}:
            what = f"<html lang={value[:40]!r}>" if source == "html" else f"language setting {value[:40]!r}"
            notes.append(f"The document's {what} is not a language tag; it was ignored.")
            continue
        if detect and text:
            overruled = _overruled(tag, text)
            if overruled is not None:
                return overruled
        return LanguageChoice(tag, source)  # type: ignore[arg-type]
    if detect and text:
        tag, confidence = detect_language(text)
        if tag != "und" and confidence >= MIN_CONFIDENCE:
            return LanguageChoice(tag, "detected", confidence, tuple(notes))
        if tag != "und":
            notes.append(
                f"The text looks most like {tag}, but only {round(confidence * 100)}% sure; "
                "set the language with --language to be certain."
            )
        return LanguageChoice(DEFAULT_LANGUAGE, "default", confidence, tuple(notes))
    return LanguageChoice(DEFAULT_LANGUAGE, "default", None, tuple(notes))


def _overruled(tag: str, text: str) -> LanguageChoice | None:
    """The detected language when it clearly contradicts the document's own ``tag``, else None."""
    from .tags import base_language, language_name

    if sum(ch.isalpha() for ch in _sample(text)) < OVERRIDE_LETTERS:
        return None
    found, confidence = detect_language(text)
    declared = base_language(tag)
    if found in ("und", declared) or confidence < OVERRIDE_CONFIDENCE:
        return None
    if any(found in group and declared in group for group in CLOSE_LANGUAGES):
        return None
    note = (
        f"The document says it is in {language_name(tag)} ({tag}), but its text is clearly "
        f"{language_name(found)}: reading it as {found}. Give --language {tag} to keep {tag}."
    )
    return LanguageChoice(found, "detected", confidence, (note,))

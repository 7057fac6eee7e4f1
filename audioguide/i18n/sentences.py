"""Abbreviation tables per language, as data for the sentence splitter.

The splitter (``audioguide.speech.sentences``) has English tables built in. These come from each
language's catalogue (``[abbreviations]``): ``never_end`` holds written forms (lower case, without
the final full stop) after which a full stop never ends a sentence ("dr", "sra", "z.b", "np"), and
``before_number`` those that don't end one when a number follows ("nº 3", "s. 12", "nr 5"), and
``ordinal_after`` the words after which a number with a full stop is an ordinal before its noun
("am 3. Tag", "nach der 2. Impfung").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import messages


@dataclass(frozen=True)
class Abbreviations:
    """One language's abbreviations that do not end a sentence."""

    never_end: frozenset[str]
    """Lower case, without the final full stop."""
    before_number: frozenset[str]
    """Lower case, without the final full stop; they don't end a sentence before a number."""
    ordinal_after: frozenset[str] = field(default_factory=frozenset)
    """Lower case words after which "3." is an ordinal ("am 3. Tag"), not a sentence's end."""


def abbreviations(language: str) -> Abbreviations:
    """The abbreviation tables of ``language`` (English's when it has no catalogue)."""
    catalogue = messages(language)
    return Abbreviations(
        never_end=frozenset(w.lower().rstrip(".") for w in catalogue.words("abbreviations.never_end")),
        before_number=frozenset(w.lower().rstrip(".") for w in catalogue.words("abbreviations.before_number")),
        ordinal_after=frozenset(w.lower() for w in catalogue.words("abbreviations.ordinal_after")),
    )

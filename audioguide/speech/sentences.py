"""Split paragraphs into sentences without breaking at abbreviations, decimals or initials."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..i18n.sentences import Abbreviations

_OPENERS = "\"'“‘«([{¿¡"
_CLOSERS = "\"'”’»)]}"
_ALWAYS_ABBREVIATIONS = frozenset(
    (
        "e.g eg i.e ie viz cf dr drs mr mrs ms mx prof rev revd hon st mt vs v approx approx'ly incl esp "
        "ca circa dept tel ext fig figs al"
    ).split()
)
"""Abbreviations (lower case, without the final full stop) that never end a sentence mid-paragraph."""
_NUMBER_ABBREVIATIONS = frozenset(
    (
        "no nos vol vols pp p pg para ch sec pt jan feb mar apr jun jul aug sep sept oct nov dec max min "
        "mon tue tues wed weds thu thur thurs fri sat sun ext extn"
    ).split()
)
"""Abbreviations that do not end a sentence when a number follows."""
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame", "st"})
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_NUMBERED = re.compile(r"^\d{1,3}\.$")


def _core(token: str) -> str:
    return token.rstrip(_CLOSERS)


def _starts_sentence(token: str) -> bool:
    first = token.lstrip(_OPENERS)[:1]
    return first != "" and not first.islower()


def _starts_upper(token: str) -> bool:
    first = token.lstrip(_OPENERS)[:1]
    return first.isupper() or first.isdigit()


def _ends_sentence(tokens: list[str], index: int, extra: Abbreviations | None = None) -> bool:
    token, following = tokens[index], tokens[index + 1]
    core = _core(token)
    if not core or core[-1] not in ".!?…":
        return False
    if core.endswith(("...", "…")):
        return _starts_upper(following) and following.lstrip(_OPENERS)[:1].isupper()
    if core[-1] in "!?":
        return _starts_sentence(following)
    word = core[:-1].lstrip(_OPENERS)
    lower = word.lower()
    if lower in _ALWAYS_ABBREVIATIONS or (extra is not None and lower in extra.never_end):
        return False
    numbers = _NUMBER_ABBREVIATIONS if extra is None else _NUMBER_ABBREVIATIONS | extra.before_number
    if lower in numbers and following.lstrip(_OPENERS)[:1].isdigit():
        return False
    if index == 0 and _NUMBERED.match(core):
        return False
    if extra is not None and index and _NUMBERED.match(core) and tokens[index - 1].lower() in extra.ordinal_after:
        return False  # "am 3. Tag": an ordinal before its noun
    if len(word) == 1 and word.isupper() and following.lstrip(_OPENERS)[:1].isupper():
        previous = tokens[index - 1] if index else ""
        if index == 0 or previous[:1].isupper() or previous.rstrip(".").lower() in _TITLES:
            return False
    if _DOTTED.match(core) or lower == "etc":
        return _starts_upper(following) and not following.lstrip(_OPENERS)[:1].isdigit()
    return _starts_sentence(following)


def split_sentences(paragraph: str, abbreviations: Abbreviations | None = None) -> list[str]:
    """Split a paragraph into sentences; text without final punctuation stays one sentence.

    ``abbreviations`` adds a language's own (``audioguide.i18n.abbreviations(lang)``: "sra.", "z.B.",
    "np.") to the English ones built in."""
    tokens = paragraph.split()
    sentences: list[list[str]] = []
    current: list[str] = []
    for index, token in enumerate(tokens):
        current.append(token)
        if index + 1 < len(tokens) and _ends_sentence(tokens, index, abbreviations):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    merged: list[list[str]] = []
    for words in sentences:
        speakable = any(ch.isalnum() for word in words for ch in word)
        previous_speakable = bool(merged) and any(ch.isalnum() for w in merged[-1] for ch in w)
        if merged and not (speakable and previous_speakable):
            merged[-1].extend(words)
        else:
            merged.append(words)
    return [" ".join(words) for words in merged]

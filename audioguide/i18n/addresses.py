"""Web addresses and email addresses, read aloud the way a careful narrator reads them, in any language.

The words for "at", "dot", "slash", the hyphen and the rest come from an :class:`AddressWords`
(English's built in; another language's from its catalogue's ``[addresses]`` table, see
:func:`address_words`); digits are read one by one with the ``digits`` speller given. The scheme and
"www" are left out; a long or machine-made path is shortened to "the gov dot U K website".
``audioguide.speech.addresses`` is this module with English's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

TLDS = (
    "org|com|net|gov|nhs|uk|edu|info|io|co|ac|us|eu|ie|ca|au|nz|scot|wales|london|health|care|"
    "charity|me|tv|app|int|mil|biz|online|de|fr|nl"
)
"""The top-level domains after which a bare name ("nhs.uk") is taken for an address in English."""
MORE_TLDS = "es|pl|cymru|at|ch|be|lu|it|pt|mx|ar|cl|co|pe|ma|dz|tn|eg|sa|ae|qa|jo|lb|gov|gob|gouv|ue"
"""... and the ones added for the other languages' guides ("ejemplo.es", "gov.pl", "llyw.cymru")."""
URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*", re.IGNORECASE)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]*\w@[\w-]+(?:\.[\w-]+)+")


def domain_pattern(tlds: str) -> re.Pattern[str]:
    """A bare domain with an optional path, ending in one of ``tlds`` (an alternation)."""
    return re.compile(rf"(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{tlds})\b(?:/[^\s<>\",;)]*)?", re.IGNORECASE)


DOMAIN = domain_pattern(TLDS)

_LABELS = {
    "uk": "U K",
    "nhs": "N H S",
    "ac": "A C",
    "io": "I O",
    "us": "U S",
    "eu": "E U",
    "ie": "I E",
    "nz": "N Z",
    "au": "A U",
    "edu": "E D U",
    "tv": "T V",
}
_TRAILING = ".,;:!?)]'\"’”"
_MAX_PATH_WORDS = 6
_MAX_SEGMENTS = 2
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


@dataclass(frozen=True)
class AddressWords:
    """How one language says the parts of an address (English's by default)."""

    at: str = "at"
    dot: str = "dot"
    slash: str = "slash"
    dash: str = "dash"
    underscore: str = "underscore"
    plus: str = "plus"
    website: str = "the {host} website"
    """A shortened address: its host named as a website."""
    article: str = "the"
    """Left out of ``website`` when the text just before the address ends with it ("visit the ...")."""
    site_after: str = r"(?:web\s?)?(?:site|page|homepage)s?"
    """Words that, right after the address, name it a website already: the host alone is said."""
    site_before: frozenset[str] = frozenset()
    """Words that, right before the address, name it a website already ("auf der Website ...")."""
    spell_country: bool = False
    """Spell a last label of two letters ("de" -> "D E"), as most languages say a country's domain."""


def _say_label(label: str, words: AddressWords, digits: Callable[[str], str], last: bool = False) -> str:
    known = _LABELS.get(label.lower())
    if known:
        return known
    if label.isalpha() and len(label) <= 4 and not re.search(r"[aeiouy]", label, re.IGNORECASE):
        return " ".join(label.upper())  # "cdc" -> "C D C"
    if words.spell_country and last and len(label) == 2 and label.isalpha():
        return " ".join(label.upper())  # "de" -> "D E"
    parts = [part for part in label.split("-") if part]
    return f" {words.dash} ".join(_say_word(part, digits) for part in parts)


def _say_word(word: str, digits: Callable[[str], str]) -> str:
    """A path or host word: digits read one by one ("111" -> "one one one"), letters as written."""
    return " ".join(
        digits(piece) if piece.isdigit() else piece for piece in re.findall(r"\d+|[^\W\d_]+", word) if piece
    )


def split_trailing(link: str) -> tuple[str, str]:
    """The address and the punctuation after it that belongs to the sentence."""
    stripped = link.rstrip(_TRAILING)
    if stripped.endswith("/"):
        stripped = stripped.rstrip("/")
    tail = link[len(stripped) :].replace("/", "")
    if ")" in tail and "(" in stripped:
        stripped, tail = stripped + ")", tail.replace(")", "", 1)
    return stripped, tail


def say_host(host: str, words: AddressWords, digits: Callable[[str], str]) -> str:
    """A host name: "nhs.uk" -> "N H S dot U K"."""
    labels = [label for label in host.split(".") if label]
    return f" {words.dot} ".join(
        _say_label(label, words, digits, last=index == len(labels) - 1) for index, label in enumerate(labels)
    )


def _path_words(path: str) -> list[list[str]] | None:
    """The words of each path segment, or None when the path is too long or machine-made to say."""
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) > _MAX_SEGMENTS:
        return None
    spoken: list[list[str]] = []
    for segment in segments:
        segment = _PAGE_SUFFIX.sub("", segment)
        words = [word for word in re.split(r"[-_+.~]+", segment) if word]
        for word in words:
            mixed = any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
            if mixed or len(word) > 20 or (word.isdigit() and len(word) > 4) or not word.isalnum():
                return None
        spoken.append(words)
    if sum(len(words) for words in spoken) > _MAX_PATH_WORDS:
        return None
    return spoken


def say_address(address: str, before: str, after: str, words: AddressWords, digits: Callable[[str], str]) -> str:
    """Speak a web address (no trailing sentence punctuation); ``before`` and ``after`` are the text
    around it (a shortened address is named a website only when the sentence does not already)."""
    text = re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE)
    text = re.sub(r"^www\d?\.", "", text, flags=re.IGNORECASE)
    host, _, rest = text.partition("/")
    host = host.split("@")[-1].split(":")[0]
    spoken_host = say_host(host, words, digits)
    path, query = re.split(r"[?#]", rest, maxsplit=1)[0], re.search(r"[?#].", rest)
    path_words = _path_words(path) if query is None else None
    if path_words is None:
        if words.site_after and re.match(rf"\s*{words.site_after}\b", after, re.IGNORECASE):
            return spoken_host
        previous = before.split()[-1:]
        if previous and previous[0].strip("(«\"'").lower() in words.site_before:
            return spoken_host
        spoken = words.website.format(host=spoken_host)
        article = words.article
        if article and re.search(rf"\b{re.escape(article)}\s*$", before, re.IGNORECASE):
            spoken = spoken.removeprefix(f"{article} ")
        return spoken
    if not path_words:
        return spoken_host
    return spoken_host + "".join(
        f" {words.slash} " + " ".join(_say_word(w, digits) for w in segment) for segment in path_words
    )


def say_email(address: str, words: AddressWords, digits: Callable[[str], str]) -> str:
    """Speak an email address: "help-line@ibm.org.uk" -> "help dash line at ibm dot org dot U K"."""
    local, _, domain = address.partition("@")
    marks = {".": f" {words.dot} ", "_": f" {words.underscore} ", "+": f" {words.plus} ", "-": f" {words.dash} "}
    spoken_local = "".join(marks.get(ch, ch) for ch in local)
    spoken_local = re.sub(r"\d+", lambda m: f" {digits(m.group(0))} ", spoken_local)
    return f"{' '.join(spoken_local.split())} {words.at} {say_host(domain, words, digits)}"

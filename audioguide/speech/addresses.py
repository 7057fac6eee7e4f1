"""Web addresses and email addresses, read aloud the way a careful narrator reads them.

"www.gov.uk/apply-blue-badge" -> "gov dot U K slash apply blue badge"; the scheme and "www" are
left out; a long or machine-made path is shortened to "the gov dot U K website".
"""

from __future__ import annotations

import re

from audioguide.speech import numbers as num

TLDS = (
    "org|com|net|gov|nhs|uk|edu|info|io|co|ac|us|eu|ie|ca|au|nz|scot|wales|london|health|care|"
    "charity|me|tv|app|int|mil|biz|online|de|fr|nl"
)
URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*", re.IGNORECASE)
DOMAIN = re.compile(rf"(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{TLDS})\b(?:/[^\s<>\",;)]*)?", re.IGNORECASE)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]*\w@[\w-]+(?:\.[\w-]+)+")

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


def _say_label(label: str, joiner: str = " dash ") -> str:
    known = _LABELS.get(label.lower())
    if known:
        return known
    if label.isalpha() and len(label) <= 4 and not re.search(r"[aeiouy]", label, re.IGNORECASE):
        return " ".join(label.upper())  # "cdc" -> "C D C"
    parts = [part for part in label.split("-") if part]
    return joiner.join(_say_word(part) for part in parts)


def _say_word(word: str) -> str:
    """A path or host word: digits read one by one ("111" -> "one one one"), letters as written."""
    return " ".join(
        num.digits(piece) if piece.isdigit() else piece for piece in re.findall(r"\d+|[^\W\d_]+", word) if piece
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


def say_host(host: str) -> str:
    """A host name: "nhs.uk" -> "N H S dot U K"."""
    return " dot ".join(_say_label(label) for label in host.split(".") if label)


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


def say_address(address: str, before: str = "", after: str = "") -> str:
    """Speak a web address (no trailing sentence punctuation); ``before`` and ``after`` are the text
    around it (a shortened address says "website" only when the sentence does not already)."""
    text = re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE)
    text = re.sub(r"^www\d?\.", "", text, flags=re.IGNORECASE)
    host, _, rest = text.partition("/")
    host = host.split("@")[-1].split(":")[0]
    spoken_host = say_host(host)
    path, query = re.split(r"[?#]", rest, maxsplit=1)[0], re.search(r"[?#].", rest)
    words = _path_words(path) if query is None else None
    if words is None:
        if re.match(r"\s*(?:web\s?)?(?:site|page|homepage)s?\b", after, re.IGNORECASE):
            return spoken_host
        the = "" if re.search(r"\bthe\s*$", before, re.IGNORECASE) else "the "
        return f"{the}{spoken_host} website"
    if not words:
        return spoken_host
    return spoken_host + "".join(" slash " + " ".join(_say_word(w) for w in segment) for segment in words)


def say_email(address: str) -> str:
    """Speak an email address: "help-line@ibm.org.uk" -> "help dash line at ibm dot org dot U K"."""
    local, _, domain = address.partition("@")
    marks = {".": " dot ", "_": " underscore ", "+": " plus ", "-": " dash "}
    spoken_local = "".join(marks.get(ch, ch) for ch in local)
    spoken_local = re.sub(r"\d+", lambda m: f" {num.digits(m.group(0))} ", spoken_local)
    return f"{' '.join(spoken_local.split())} at {say_host(domain)}"

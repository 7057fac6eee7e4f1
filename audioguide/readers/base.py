"""What every reader shares: the reader interface, bounded reading, decoding, and turning a stream of
heading / paragraph / table events into a :class:`Document`."""

from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path
from typing import ClassVar

from ..errors import InputError
from ..model import Block, Document, Section, Table
from ..speech import clean_paragraph, dedupe_paragraphs  # the readers' one import of speech (with the next line)
from ..speech import is_debris_line as is_debris_line  # re-exported for the other readers
from ..speech import is_generic_link as is_generic_link

MAX_SOURCE_BYTES = 25 * 1024 * 1024
"""Largest source read, in bytes (a file, or a page fetched from the web)."""
MAX_WORD_CHARS = 1000
"""Longest run of characters without a space accepted in the text read aloud (long web addresses in
real guidance are well under this; the speech rules spell out or drop what is not a word)."""
MAX_SENTENCE_WORDS = 400
"""Longest sentence accepted, in words (a run of text between full stops, colons or semicolons)."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters (other than tab and newline), lone surrogates and non-characters."""

INTRODUCTION = "Introduction"
"""The stand-in name of the text before the first heading (see :attr:`Section.untitled`)."""

SUPPORTED = "PDF, Word (.docx), EPUB, web pages (HTML or a web address), Markdown and plain text"
"""What audioguide reads, in words for messages."""


class Reader:
    """One input format. Subclasses set ``name``, ``summary`` and ``packages`` and implement :meth:`read`.

    Like pelican's readers: ``enabled`` says whether the packages it needs are installed and
    :meth:`disabled_message` says, in words a user can act on, what to install if not.
    """

    name: ClassVar[str] = ""
    """Short name shown by ``audioguide sections`` ("pdf", "docx", ...)."""
    summary: ClassVar[str] = ""
    """What it reads, for messages."""
    packages: ClassVar[tuple[str, ...]] = ()
    """Import names of the optional packages it needs."""
    install: ClassVar[str] = ""
    """What to install when a package is missing."""

    @classmethod
    def enabled(cls) -> bool:
        """True when every package this reader needs can be imported."""
        return all(find_spec(p) is not None for p in cls.packages)

    @classmethod
    def disabled_message(cls) -> str:
        """Why this reader cannot be used here, and what to do."""
        return f"Reading {cls.summary} needs {cls.install or ', '.join(cls.packages)}: pip install {cls.install}."

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        """Read the bytes of a source into a :class:`Document` (``name`` is used in messages)."""
        raise NotImplementedError


# ----------------------------------------------------------------------------- bytes in


def read_limited(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, read in pieces and refused past ``limit``.

    Devices (``/dev/zero``), pipes and sockets are refused before anything is read: opening is
    non-blocking, so a pipe with no writer does not hang.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError as exc:
        raise InputError(f"There is no file at {path}.") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder; give the guide's file instead.") from exc
    except PermissionError as exc:
        raise InputError(f"audioguide is not allowed to read {path}.") from exc
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket or a FIFO refusing a non-blocking open
            raise InputError(f"{path} is not a regular file; give a saved file.") from exc
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path} is a folder; give the guide's file instead.")
        if not stat.S_ISREG(info.st_mode):
            kind = "a pipe" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise InputError(f"{path} is {kind}, not a regular file; save the guide to a file and give that.")
        if info.st_size > limit:
            raise InputError(_too_big(path.name, info.st_size, limit))
        pieces: list[bytes] = []
        total = 0
        while True:
            piece = os.read(fd, 1 << 20)
            if not piece:
                break
            total += len(piece)
            if total > limit:  # the file grew while it was read
                raise InputError(_too_big(path.name, total, limit))
            pieces.append(piece)
        return b"".join(pieces)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    finally:
        os.close(fd)


def _too_big(name: str, size: int, limit: int) -> str:
    return (
        f"{name} is more than {limit // (1024 * 1024)} MB, the largest guide audioguide reads. "
        "Split it into several guides."
    )


def decode_source(data: bytes, name: str = "the file", charset: str | None = None) -> str:
    """Turn the bytes of a text source into text, or raise :class:`InputError` saying why not.

    ``charset`` (from a web server's Content-Type) is tried first when there is no byte-order mark.
    """
    if not data.strip():
        raise InputError(f"{name} is empty: there is nothing to read aloud.")
    text: str | None = None
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name} starts like {encoding.upper()} text but is damaged.") from exc
            break
    if text is None and charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        if b"\x00" in data[:8192]:
            raise InputError(f"{name} looks like a binary file, not text. audioguide reads {SUPPORTED}.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 is what most non-UTF-8 pasted web text is; it decodes Latin-1 text too.
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 50):
        raise InputError(f"{name} looks like a binary file, not text. audioguide reads {SUPPORTED}.")
    text = strip_controls(text)
    if not text.strip():
        raise InputError(f"{name} has no readable text in it.")
    return text


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline stay), lone surrogates or non-characters."""
    return _CONTROL.sub("", text)


@contextmanager
def quiet_logger(name: str) -> Iterator[None]:
    """Silence a library's logger for a while: its doubts about a file are not the user's business, and
    the library never prints (Python shows unhandled warnings on stderr)."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def has_package(name: str) -> bool:
    """True when ``name`` can be imported (without importing it)."""
    return find_spec(name) is not None


# ----------------------------------------------------------------------------- events -> Document


@dataclass(frozen=True)
class Event:
    """One thing a reader found, in reading order."""

    kind: str
    """"heading", "para", "table" or "intro-title" (the name of the text before the first heading)."""
    text: str = ""
    """The heading or paragraph text."""
    level: int = 1
    """Heading level, 1 for a chapter."""
    table: Table | None = None
    """The table, for a "table" event."""


def tidy(text: str) -> str:
    """``text`` on one line with single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _title_words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def same_title(heading: str, title: str, loose: bool = False) -> bool:
    """True when a heading repeats a title given elsewhere (front matter, ``<title>``, a PDF's properties):
    the same words, case and punctuation aside; ``loose`` also when one holds the other's words in a run
    ("Resting well" and "Resting well | Northfield Trust")."""
    a, b = _title_words(heading), _title_words(title)
    if not a or not b:
        return False
    if a == b or not loose:
        return a == b
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def capitalise(text: str) -> str:
    """A list item read as a sentence of its own starts with a capital letter."""
    if text[:1].islower() and not text[1:2].isupper():
        return text[0].upper() + text[1:]
    return text


def make_table(rows: list[list[str]], caption: str = "", header: bool = True) -> Table | None:
    """A :class:`Table` from rows of cell texts (the first row as the header when ``header``), or None when
    nothing is left once empty rows and debris-only rows are gone."""
    cleaned = [[tidy(c) for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(c and not is_debris_line(c) for c in row)]
    if not cleaned:
        return None
    width = max(len(r) for r in cleaned)
    cleaned = [r + [""] * (width - len(r)) for r in cleaned]
    head: tuple[str, ...] = tuple(cleaned[0]) if header and len(cleaned) > 1 else ()
    body = cleaned[1:] if head else cleaned
    return Table(header=head, rows=tuple(tuple(r) for r in body), caption=tidy(caption))


def assemble(
    title: str | None,
    events: Iterable[Event],
    *,
    name: str,
    reader: str,
    language: str | None = None,
    author: str | None = None,
    description: str | None = None,
) -> Document:
    """Group events into sections, drop debris and empty headings, and check the result's lengths."""
    raw: list[tuple[str, int, list[Block], bool]] = []
    intro_title: str | None = None  # None: the source does not name it (the script names it in the guide's language)
    for event in events:
        if event.kind == "table":
            if event.table is None:
                continue
            if not raw:
                raw.append((intro_title or INTRODUCTION, 1, [], intro_title is None))
            raw[-1][2].append(event.table)
            continue
        text = tidy(event.text)
        if not text or is_debris_line(text):
            continue
        if event.kind == "intro-title":
            intro_title = text
        elif event.kind == "heading":
            raw.append((text[:300], max(1, event.level), [], False))
        else:
            cleaned = clean_paragraph(text)
            if not cleaned:
                continue
            if not raw:
                raw.append((intro_title or INTRODUCTION, 1, [], intro_title is None))
            raw[-1][2].append(cleaned)

    sections: list[Section] = []
    for i, (heading, level, blocks, untitled) in enumerate(raw):
        blocks = _dedupe_blocks(blocks)
        has_children = any(lvl > level for _, lvl, _, _ in raw[i + 1 : i + 2])
        if not blocks and not has_children:
            continue  # a heading with nothing under it would be a silent chapter
        if not sections:
            level = 1  # a subsection before any chapter is promoted to a chapter
        sections.append(Section(title=heading, level=level, paragraphs=tuple(blocks), untitled=untitled))
    kept: list[Section] = []
    for i, section in enumerate(sections):
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        if section.level == 1 and not section.paragraphs and (nxt is None or nxt.level == 1):
            continue  # a chapter left empty once its empty subsections went
        kept.append(section)
    if not kept:
        raise InputError(f"{name} has no text that can be read aloud.")
    document = Document(
        title=tidy(title) if title else None,
        sections=tuple(kept),
        reader=reader,
        author=tidy(author) if author else None,
        description=tidy(description) if description else None,
    )
    if language:
        document = replace(document, language=language, language_declared=True)
    check_lengths(document, name)
    return document


def _dedupe_blocks(blocks: list[Block]) -> list[Block]:
    texts = dedupe_paragraphs([b for b in blocks if isinstance(b, str)])
    keep = set(texts)
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, str):
            if block in keep:
                out.append(block)
                keep.discard(block)
        else:
            out.append(block)
    return out


_LONG_WORD = re.compile(r"\S{" + str(MAX_WORD_CHARS + 1) + ",}")


def check_text(text: str, name: str) -> None:
    """Refuse text holding a "word" too long to be one (fast, before any parsing)."""
    match = _LONG_WORD.search(text)
    if match:
        raise InputError(
            f"{name} has a run of {len(match.group()):,} characters without a space (starting "
            f"'{match.group()[:20]}...'); audioguide reads words of up to {MAX_WORD_CHARS} characters. "
            "Is this really the guide's text?"
        )


def check_lengths(document: Document, name: str) -> None:
    """Refuse a document whose words or sentences are too long to read aloud, with one clear line."""
    for section in document.sections:
        texts = [section.title]
        for block in section.paragraphs:
            if isinstance(block, Table):
                texts.extend([*block.header, *(c for r in block.rows for c in r), block.caption])
            else:
                texts.append(block)
        for text in texts:
            check_text(text, name)
            longest = max((len(piece.split()) for piece in _SENTENCE_END.split(text)), default=0)
            if longest > MAX_SENTENCE_WORDS:
                raise InputError(
                    f"{name} has a sentence of {longest:,} words (in '{section.title[:60]}'); audioguide reads "
                    f"sentences of up to {MAX_SENTENCE_WORDS} words. Add full stops, or check it is the guide's text."
                )


_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+")


def suffix_of(name: str) -> str:
    """The lower-case file ending of ``name`` ("" when none)."""
    return Path(name).suffix.lower()


# ----------------------------------------------------------------------------- consent notices

_CONSENT = re.compile(
    r"\b(we|this (web)?site|our (web)?site) (and our partners )?(use|uses|would like to use|store|set)s? "
    r"(some |essential |necessary |analytics |optional |small files called )*cookies\b"
    r"|\bcookies? (settings|preferences|policy|notice|consent|banner)\b"
    r"|\b(accept|reject|allow|decline|refuse) (all |optional |non-essential |analytics |additional )*cookies\b"
    r"|\bconsent\b.{0,200}\b(cookies|partners|vendors|tracking)\b",
    re.I | re.S,
)
_CONSENT_BUTTON = re.compile(
    r"^(accept|reject|allow|decline|refuse|agree|deny)( all| selected| non-essential| optional| and close)?"
    r"( cookies)?$|^(manage|customi[sz]e|change|save) (my |your )?(preferences|settings|choices|cookie settings)$"
    r"|^(got it|i agree|i accept|accept and continue)$",
    re.I,
)


def is_consent_text(text: str) -> bool:
    """True for a cookie or consent notice (short text asking to accept or set cookies)."""
    return len(text.split()) <= 150 and _CONSENT.search(text) is not None


def is_consent_button(line: str) -> bool:
    """True for a consent dialog's button label ("Accept all", "Manage preferences")."""
    return _CONSENT_BUTTON.match(tidy(line).rstrip(".!")) is not None

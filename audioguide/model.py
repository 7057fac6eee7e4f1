"""The small typed records that the pipeline stages hand each other.

read (Document) -> script (GuideScript) -> synthesise + assemble (BuiltChapter) -> publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .dates import EPOCH


@dataclass(frozen=True)
class Table:
    """A table of the guide, read aloud row by row with its column headers."""

    header: tuple[str, ...]
    """Column headers, in order; empty when the table has none."""
    rows: tuple[tuple[str, ...], ...]
    """The body rows, each a tuple of cell texts (one line each), in order."""
    caption: str = ""
    """The table's caption or title, if it has one."""


Block = str | Table
"""One block of a section's body: a paragraph (a single line of text) or a table."""


@dataclass(frozen=True)
class Section:
    """One heading of a guidance page and the prose under it."""

    title: str
    """The heading as written, debris and extra spaces removed."""
    level: int
    """1 for a chapter, 2 (or deeper) for a subsection of the chapter before it."""
    paragraphs: tuple[Block, ...] = ()
    """The blocks under this heading, in order: paragraphs (each a single line of text) and tables."""
    untitled: bool = False
    """True for the text before the first heading, which the source does not name: ``title`` is then a
    stand-in ("Introduction") that the script replaces with the guide's language's word for it."""


@dataclass(frozen=True)
class Document:
    """A guidance page read into headings and paragraphs."""

    title: str | None
    """The page's own title, if it has one."""
    sections: tuple[Section, ...]
    """All headings in document order; level-1 sections start chapters."""
    language: str = "en"
    """BCP 47 language tag of the text."""
    language_declared: bool = False
    """True when the source itself named the language (front matter, ``<html lang>``, document
    properties); False when ``language`` is only the default, so detection may decide."""
    author: str | None = None
    """Who wrote or published it, when the source says (front matter, document properties, EPUB creator)."""
    description: str | None = None
    """A short description of it, when the source gives one (front matter, meta description)."""
    reader: str = ""
    """The name of the reader that read it ("markdown", "html", "pdf", "docx", "epub", "text")."""


UtteranceKind = Literal["announce", "heading", "sentence", "orientation"]


@dataclass(frozen=True)
class Utterance:
    """One sentence to synthesise: the unit of synthesis, caching and timing."""

    text: str
    """What a reader sees (transcripts, talking books, the listening page)."""
    speech: str
    """What the engine is asked to say (expanded abbreviations, numbers, respellings)."""
    kind: UtteranceKind = "sentence"
    """announce: "Chapter 2 of 5."; heading: a subsection title; orientation: contents or
    end-of-chapter signposts; sentence: the guide's own prose."""
    pause_after: str = "sentence"
    """Which configured pause follows: "sentence", "paragraph", "heading" or "none"."""
    subsection: int | None = None
    """Index into the chapter's subsections when this utterance opens one (its heading)."""


@dataclass(frozen=True)
class ChapterScript:
    """Everything one audio chapter will say, in order."""

    number: int
    """1-based chapter number in the build."""
    title: str
    """The chapter's heading."""
    slug: str
    """A file-name-safe, stable identifier made from the title."""
    subsections: tuple[str, ...]
    """Titles of the subsections inside this chapter, in order."""
    utterances: tuple[Utterance, ...]
    """The sentences to speak, in order."""
    summary: str = ""
    """A short plain-text description of the chapter (feed item description)."""
    kind: Literal["contents", "chapter"] = "chapter"
    """contents: the spoken table of contents; chapter: a section of the guide."""


@dataclass(frozen=True)
class GuideScript:
    """The whole speech script of a guide."""

    title: str
    """The guide's title."""
    slug: str
    """File-name-safe identifier of the guide."""
    language: str
    """BCP 47 language tag."""
    chapters: tuple[ChapterScript, ...]
    """Chapters in listening order."""
    warnings: tuple[str, ...] = ()
    """Sentences a speech rule failed on (each is read as written), for the caller to show."""


@dataclass(frozen=True)
class Timing:
    """Where one utterance sits in its chapter's audio."""

    start: float
    """Seconds from the start of the chapter audio."""
    end: float
    """Seconds from the start of the chapter audio, before the pause that follows."""


@dataclass
class BuiltChapter:
    """A chapter after synthesis and encoding."""

    script: ChapterScript
    """What it says."""
    audio: str
    """Path of the MP3, relative to the build folder."""
    duration: float
    """Length of the audio in seconds."""
    bytes: int
    """Size of the MP3 file in bytes."""
    sha256: str
    """Hash of the MP3 file's contents."""
    timings: list[Timing] = field(default_factory=list)
    """One timing per utterance of the script, in order."""
    guid: str = ""
    """Stable identity of this chapter across rebuilds."""
    pub_date: datetime = EPOCH
    """The chapter's feed date (:func:`audioguide.dates.assign`: newest first is the listening order),
    given with the feed's, after the publishers have run."""
    extra_files: dict[str, str] = field(default_factory=dict)
    """Other files of the chapter by role (e.g. "vtt", "srt", "chapters"), relative paths."""
    recipe: str = ""
    """What the MP3 was made from (its encoded segments and tags), hashed: a rebuild that would make
    the same file reuses it."""

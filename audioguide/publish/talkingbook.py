"""What the DAISY and EPUB talking books share: the book's outline, sentence clips and XML text.

A talking book is read as *parts*, one per audio chapter. Each part is a run of *blocks* (the title,
a chapter heading, a subsection heading, a paragraph, a signpost), and each block is a run of
*sentences*: one utterance of the script, with its display text, a fragment id in the text and an
audio clip taken from the chapter's sentence timings (the same timings as the transcripts).

Clips are contiguous: a sentence's clip runs from its own start to the start of the next sentence,
so the pause after it plays with it and a player that plays the clips one after another sounds like
the chapter MP3. The last clip ends where the last sentence ends (before the chapter's silent tail).

The spoken contents chapter becomes the book's title page: its first sentence, the guide's title,
is the title heading. The EPUB uses only that (its navigation document is the contents); the DAISY
book also keeps the spoken contents after the title (``spoken_contents``), as a DAISY reader hears
it, but not its closing sentence, which tells podcast listeners how to skip chapters.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..i18n import messages
from ..model import BuiltChapter, Utterance
from .feed import xml_safe

if TYPE_CHECKING:
    from . import PublishContext

BlockKind = Literal["title", "h1", "h2", "p", "signpost"]


def xml_text(text: str) -> str:
    """``text`` escaped for XML content or an attribute value, without the characters XML forbids."""
    return escape(xml_safe(text), quote=True)


@dataclass(frozen=True)
class Sentence:
    """One utterance as it appears in a talking book."""

    id: str
    """Fragment id of the sentence's element in the text document."""
    text: str
    """What is shown (headings show the heading as written, without added closing punctuation)."""
    kind: str
    """The utterance kind: announce, heading, sentence or orientation."""
    begin_ms: int
    """Clip start in the chapter MP3, in milliseconds (the utterance's start)."""
    end_ms: int
    """Clip end in milliseconds: the next utterance's start, or this one's end if it is the last."""


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph of the text."""

    kind: BlockKind
    """title: the book title; h1: a chapter; h2: a subsection; p: prose; signpost: narrator's words."""
    id: str
    """Fragment id of the block's element."""
    sentences: tuple[Sentence, ...]
    """The sentences in the block, in order."""
    label: str = ""
    """For headings: the heading text as written (for the NCC and the navigation document)."""

    @property
    def level(self) -> int:
        """Heading level (1 or 2); 0 for paragraphs."""
        return {"title": 1, "h1": 1, "h2": 2}.get(self.kind, 0)


@dataclass(frozen=True)
class Part:
    """One audio chapter of the book: the title page or a chapter."""

    key: str
    """Short stable name: "title" or "c01", "c02", ..."""
    title: str
    """The chapter title (the guide title for the title page)."""
    audio: Path
    """The chapter MP3 in the build folder."""
    audio_name: str
    """The MP3's file name inside the book."""
    blocks: tuple[Block, ...]
    """The text, in reading order."""

    @property
    def sentences(self) -> list[Sentence]:
        """Every sentence of the part in order; their clips are contiguous."""
        return [s for b in self.blocks for s in b.sentences]

    @property
    def duration_ms(self) -> int:
        """The total length of the part's clips."""
        sentences = self.sentences
        return sentences[-1].end_ms - sentences[0].begin_ms if sentences else 0


@dataclass(frozen=True)
class Book:
    """A guide laid out as a talking book."""

    title: str
    """The guide's title."""
    language: str
    """BCP 47 language tag."""
    author: str
    """Who publishes the guide."""
    narrator: str
    """The synthetic voice, in words."""
    generator: str
    """The program that made the book."""
    identifier: uuid.UUID
    """Stable identity of the book: the same guide gives the same identifier on every build."""
    modified: datetime
    """The guide's publication time (:mod:`audioguide.dates`), in UTC."""
    parts: tuple[Part, ...]
    """The title page (if the guide has a spoken contents chapter) and the chapters."""

    @property
    def duration_ms(self) -> int:
        """Total playing time: the sum of the parts' clips."""
        return sum(p.duration_ms for p in self.parts)


def clips_ms(chapter: BuiltChapter) -> list[tuple[int, int]]:
    """Contiguous (begin, end) milliseconds of every utterance of ``chapter``, from its timings."""
    starts = [round(t.start * 1000) for t in chapter.timings]
    ends = starts[1:] + ([round(chapter.timings[-1].end * 1000)] if chapter.timings else [])
    return list(zip(starts, ends, strict=True))


def _blocks(chapter: BuiltChapter, key: str) -> list[Block]:
    script = chapter.script
    blocks: list[Block] = []
    pending: list[Sentence] = []
    paragraph: list[Sentence] = []
    kind_of_paragraph: BlockKind = "p"

    def new_id() -> str:
        return f"{key}-b{len(blocks) + 1:03d}"

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(Block(kind_of_paragraph, new_id(), tuple(paragraph)))
            paragraph = []

    pairs: list[tuple[Utterance, tuple[int, int]]] = list(zip(script.utterances, clips_ms(chapter), strict=True))
    for index, (utterance, (begin, end)) in enumerate(pairs, 1):
        sid = f"{key}-s{index:03d}"
        if utterance.kind == "heading":
            flush()
            if utterance.subsection is None:
                label, kind = script.title, "h1"
            else:
                label, kind = script.subsections[utterance.subsection], "h2"
            sentence = Sentence(sid, label, utterance.kind, begin, end)
            blocks.append(Block(kind, new_id(), (*pending, sentence), label))  # type: ignore[arg-type]
            pending = []
            continue
        sentence = Sentence(sid, utterance.text, utterance.kind, begin, end)
        if utterance.kind == "announce":
            flush()
            pending.append(sentence)
            continue
        wanted: BlockKind = "signpost" if utterance.kind == "orientation" else "p"
        if wanted != kind_of_paragraph:
            flush()
            kind_of_paragraph = wanted
        if pending:
            paragraph.extend(pending)
            pending = []
        paragraph.append(sentence)
        if utterance.pause_after != "sentence":
            flush()
    if pending:
        paragraph.extend(pending)
    flush()
    return blocks


def _title_part(chapter: BuiltChapter, title: str) -> Part:
    begin, end = clips_ms(chapter)[0]
    sentence = Sentence("title-s001", title, chapter.script.utterances[0].kind, begin, end)
    return Part(
        key="title",
        title=title,
        audio=Path(chapter.audio),
        audio_name=f"00-{chapter.script.slug}.mp3",
        blocks=(Block("title", "title-b001", (sentence,), title),),
    )


def _contents_blocks(chapter: BuiltChapter) -> list[Block]:
    """The spoken contents after its first sentence (the title) and without its closing sentence (how to
    skip chapters in a podcast app), as blocks; the clips are the chapter's own, so still contiguous."""
    blocks = _blocks(chapter, "contents")[1:]  # the first block is the title sentence, the title page's heading
    if blocks and len(chapter.script.utterances) > 2:
        *rest, last = blocks
        kept = last.sentences[:-1]
        blocks = [*rest, Block(last.kind, last.id, kept, last.label)] if kept else rest
    return blocks


def book(ctx: PublishContext, edition: str, spoken_contents: bool = False) -> Book:
    """Lay the build out as a talking book; ``edition`` ("daisy", "epub") varies the identifier. With
    ``spoken_contents``, the title page goes on with the spoken contents (see the module's notes)."""
    script = ctx.script
    parts: list[Part] = []
    for chapter in ctx.chapters:
        if not chapter.timings:
            continue
        if chapter.script.kind == "contents":
            if not parts:
                title = _title_part(chapter, script.title)
                if spoken_contents:
                    title = replace(title, blocks=(*title.blocks, *_contents_blocks(chapter)))
                parts.append(title)
            continue
        key = f"c{chapter.script.number:02d}"
        parts.append(
            Part(
                key=key,
                title=chapter.script.title,
                audio=Path(chapter.audio),
                audio_name=f"{chapter.script.number:02d}-{chapter.script.slug}.mp3",
                blocks=tuple(_blocks(chapter, key)),
            )
        )
    engine = str(ctx.meta.get("engine") or ctx.options.engine)
    voice = ctx.meta.get("voice") or ctx.options.voice
    m = messages(script.language)
    narrator = (
        m.text("publish.narrator_voice", engine=engine, voice=voice)
        if voice
        else m.text("publish.narrator", engine=engine)
    )
    return Book(
        title=script.title,
        language=script.language,
        author=str(ctx.meta.get("author") or ctx.options.author),
        narrator=narrator,
        generator=str(ctx.meta.get("generator") or "audioguide"),
        identifier=uuid.uuid5(ctx.guide_id, f"talking-book/{edition}"),
        modified=ctx.published.astimezone(timezone.utc).replace(microsecond=0),
        parts=tuple(parts),
    )


def headings(book: Book) -> list[tuple[Part, Block]]:
    """Every heading of the book in order, with its part."""
    return [(part, block) for part in book.parts for block in part.blocks if block.level]


def clock(ms: int) -> str:
    """A SMIL full clock value, h:mm:ss.fff."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (same file system) or copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def block_html(block: Block) -> str:
    """The block as XHTML (valid in both XHTML 1.0 and EPUB 3 XHTML): each sentence a span with its id."""
    spans = " ".join(f'<span id="{s.id}">{xml_text(s.text)}</span>' for s in block.sentences)
    if block.kind == "title":
        return f'<h1 class="title" id="{block.id}">{spans}</h1>'
    if block.kind in ("h1", "h2"):
        return f'<{block.kind} id="{block.id}">{spans}</{block.kind}>'
    css = ' class="signpost"' if block.kind == "signpost" else ""
    return f'<p id="{block.id}"{css}>{spans}</p>'

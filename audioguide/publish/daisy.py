"""``--formats daisy``: a DAISY 2.02 full-text-and-audio talking book in ``daisy/``.

The book is one flat folder, as DAISY players expect:

- ``ncc.html``: the navigation control centre: the title (``h1 class="title"``), one ``h1`` per
  chapter and one ``h2`` per subsection, each linking to the first ``par`` of its SMIL file, and the
  book's metadata; the title heading plays the guide's title and then its spoken contents (the
  chapter list), when the build has one;
- ``content.html``: the full text, every sentence a ``span`` with an id;
- ``s001.smil`` ...: one SMIL 1.0 file per NCC heading, one ``par`` per sentence pairing the text with
  its clip of the chapter MP3 (contiguous clips from the build's sentence timings);
- the chapter MP3s, hard-linked or copied from the build.

The folder is written beside ``daisy/`` and swapped in whole, so a failed build never leaves half a book.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..i18n import direction
from . import Published, register
from .talkingbook import Book, Part, Sentence, block_html, book, clock, headings, link_or_copy, xml_text

if TYPE_CHECKING:
    from . import PublishContext

FOLDER = "daisy"
"""The book's folder inside the build folder."""
CONTENT = "content.html"
"""The full-text document."""

_XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
_SMIL_DOCTYPE = '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'


@dataclass(frozen=True)
class NccItem:
    """One NCC heading and the SMIL file that starts at it."""

    level: int
    """Heading level: 1 for the title and chapters, 2 for subsections."""
    label: str
    """The heading text."""
    css: str
    """"title" for the book title, otherwise empty."""
    part: Part
    """The chapter the heading is in."""
    sentences: tuple[Sentence, ...]
    """The sentences played from this heading to the next (one par each)."""
    smil: str
    """The SMIL file's name."""
    id: str
    """The heading's id in the NCC."""


def _items(book: Book) -> list[NccItem]:
    """The NCC headings in order, each with the run of sentences its SMIL file plays."""
    marks: list[tuple[int, str, str, Part, str]] = []  # level, label, class, part, first sentence id
    for part, block in headings(book):
        marks.append((block.level, block.label, "title" if block.kind == "title" else "", part, block.sentences[0].id))
    if book.parts and book.parts[0].key != "title":
        # No spoken contents chapter: the title heading plays the first chapter's announcement and the
        # chapter's own heading starts at its heading sentence.
        first = book.parts[0].blocks[0]
        level, label, _, part, _ = marks[0]
        start = first.sentences[1].id if len(first.sentences) > 1 else first.sentences[0].id
        marks[0:1] = [(1, book.title, "title", part, first.sentences[0].id), (level, label, "", part, start)]
    items: list[NccItem] = []
    for n, (level, label, css, part, first_id) in enumerate(marks, 1):
        sentences = part.sentences
        begin = next(i for i, s in enumerate(sentences) if s.id == first_id)
        following = [m[4] for m in marks[n:] if m[3] is part]
        end = next(i for i, s in enumerate(sentences) if s.id == following[0]) if following else len(sentences)
        items.append(NccItem(level, label, css, part, tuple(sentences[begin:end]), f"s{n:03d}.smil", f"h{n:03d}"))
    return [i for i in items if i.sentences]


def _par_id(sentence: Sentence) -> str:
    return f"par-{sentence.id}"


def _seconds(ms: int) -> str:
    return f"{ms // 1000}.{ms % 1000:03d}s"


def _hms(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _smil(item: NccItem, book: Book, elapsed_ms: int) -> str:
    duration = sum(s.end_ms - s.begin_ms for s in item.sentences)
    pars = "\n".join(
        f'<par endsync="last" id="{_par_id(s)}">\n'
        f'<text src="{CONTENT}#{s.id}" id="txt-{s.id}"/>\n'
        f'<audio src="{item.part.audio_name}" clip-begin="npt={_seconds(s.begin_ms)}" '
        f'clip-end="npt={_seconds(s.end_ms)}" id="aud-{s.id}"/>\n</par>'
        for s in item.sentences
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{_SMIL_DOCTYPE}\n<smil>\n<head>\n'
        '<meta name="dc:format" content="Daisy 2.02"/>\n'
        f'<meta name="dc:title" content="{xml_text(book.title)}"/>\n'
        f'<meta name="dc:identifier" content="{book.identifier}"/>\n'
        f'<meta name="title" content="{xml_text(item.label)}"/>\n'
        f'<meta name="ncc:generator" content="{xml_text(book.generator)}"/>\n'
        f'<meta name="ncc:totalElapsedTime" content="{clock(elapsed_ms)}"/>\n'
        f'<meta name="ncc:timeInThisSmil" content="{clock(duration)}"/>\n'
        '<layout>\n<region id="txtView"/>\n</layout>\n</head>\n<body>\n'
        f'<seq dur="{_seconds(duration)}">\n{pars}\n</seq>\n</body>\n</smil>\n'
    )


def _content(book: Book) -> str:
    body = "\n".join(block_html(block) for part in book.parts for block in part.blocks)
    lang = xml_text(book.language)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{_XHTML_DOCTYPE}\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}" '
        f'dir="{direction(book.language)}">\n<head>\n'
        '<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>\n'
        f"<title>{xml_text(book.title)}</title>\n"
        f'<meta name="dc:title" content="{xml_text(book.title)}"/>\n'
        f'<meta name="dc:identifier" content="{book.identifier}"/>\n'
        f'<meta name="dc:format" content="Daisy 2.02"/>\n'
        f'<meta name="ncc:generator" content="{xml_text(book.generator)}"/>\n'
        '<style type="text/css">body{font:1.25em/1.6 sans-serif;color:#000;background:#fff}'
        ".signpost{font-style:italic}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _ncc(book: Book, items: list[NccItem], files: int, kbytes: int) -> str:
    meta = [
        ("dc:title", book.title),
        ("dc:creator", book.author),
        ("dc:publisher", book.author),
        ("dc:date", book.modified.strftime("%Y-%m-%d"), "yyyy-mm-dd"),
        ("dc:format", "Daisy 2.02"),
        ("dc:identifier", str(book.identifier)),
        ("dc:language", book.language, "ISO 639"),
        ("ncc:charset", "utf-8"),
        ("ncc:depth", str(max((i.level for i in items), default=1))),
        ("ncc:files", str(files)),
        ("ncc:footnotes", "0"),
        ("ncc:generator", book.generator),
        ("ncc:kByteSize", str(kbytes)),
        ("ncc:maxPageNormal", "0"),
        ("ncc:multimediaType", "audioFullText"),
        ("ncc:narrator", book.narrator),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:prodNotes", "0"),
        ("ncc:producer", book.author),
        ("ncc:setInfo", "1 of 1"),
        ("ncc:sidebars", "0"),
        ("ncc:tocItems", str(len(items))),
        ("ncc:totalTime", _hms(book.duration_ms)),
    ]
    head = "\n".join(
        f'<meta name="{m[0]}" content="{xml_text(m[1])}"' + (f' scheme="{m[2]}"' if len(m) > 2 else "") + "/>"
        for m in meta
    )
    body = "\n".join(
        f'<h{i.level}{f" class={chr(34)}{i.css}{chr(34)}" if i.css else ""} id="{i.id}">'
        f'<a href="{i.smil}#{_par_id(i.sentences[0])}">{xml_text(i.label)}</a></h{i.level}>'
        for i in items
    )
    lang = xml_text(book.language)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{_XHTML_DOCTYPE}\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}" '
        f'dir="{direction(book.language)}">\n<head>\n'
        '<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>\n'
        f"<title>{xml_text(book.title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_book(book: Book, source_root: Path, folder: Path) -> list[str]:
    """Write the DAISY book's files into the empty ``folder``; return their names."""
    items = _items(book)
    names: list[str] = []

    def put(name: str, text: str) -> None:
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)

    for part in book.parts:
        link_or_copy(source_root / part.audio, folder / part.audio_name)
        names.append(part.audio_name)
    put(CONTENT, _content(book))
    elapsed = 0
    for item in items:
        put(item.smil, _smil(item, book, elapsed))
        elapsed += sum(s.end_ms - s.begin_ms for s in item.sentences)
    others = sum((folder / n).stat().st_size for n in names)
    files = len(names) + 1
    ncc, kbytes = "", 0
    for _ in range(4):  # the NCC states its own size: settle the number
        ncc = _ncc(book, items, files, kbytes)
        settled = math.ceil((others + len(ncc.encode("utf-8"))) / 1024)
        if settled == kbytes:
            break
        kbytes = settled
    put("ncc.html", ncc)
    return sorted(names)


def _remove_leftovers(out: Path) -> None:
    for stale in out.glob(f".{FOLDER}-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


@register("daisy", "DAISY 2.02 talking book")
def publish(ctx: PublishContext) -> Published:
    """Write ``daisy/`` whole, replacing an earlier book in one step."""
    out = Path(ctx.out)
    _remove_leftovers(out)
    talking_book = book(ctx, "daisy", spoken_contents=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-new-", dir=out))
    except OSError as exc:
        raise OutputError(f"Cannot write to {out}: {exc.strerror or exc}.") from exc
    target = out / FOLDER
    try:
        names = write_book(talking_book, out, staging)
        for name in names:
            with open(staging / name, "rb") as fh:
                os.fsync(fh.fileno())
        os.chmod(staging, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-old-", dir=out))
            os.replace(target, old / FOLDER)
            try:
                os.replace(staging, target)
            except OSError:
                os.replace(old / FOLDER, target)  # put the earlier book back
                raise
            finally:
                if target.exists():
                    shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"Cannot write the DAISY book in {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Published([f"{FOLDER}/{name}" for name in names])

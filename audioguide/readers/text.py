"""Plain text: pages pasted from a browser or a word processor, with their debris; tab- or
space-aligned tables; cookie notices dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from .base import (
    Event,
    Reader,
    assemble,
    capitalise,
    check_text,
    decode_source,
    is_consent_button,
    is_consent_text,
    is_debris_line,
    make_table,
    tidy,
)

_CLOSING = ".,;:!…"
_LABEL_STOPLIST = {
    "note",
    "notes",
    "tip",
    "tips",
    "warning",
    "important",
    "remember",
    "caution",
    "example",
    "please note",
    "nb",
    "ps",
    "update",
    "source",
    "sources",
    "tel",
    "telephone",
    "phone",
    "email",
    "e-mail",
    "web",
    "website",
    "address",
    "opening hours",
    "fax",
    "mobile",
    "text",
    "contact",
    "q",
    "a",
    "question",
    "answer",
    "see",
    "see also",
    "for example",
    "however",
    "in summary",
    "in short",
    "summary",
    "result",
    "results",
    "date",
    "time",
    "price",
    "cost",
    "age",
    "ref",
}
_FUNCTION_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "with",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "from",
    "about",
    "your",
    "my",
    "our",
    "their",
    "its",
    "into",
    "as",
    "is",
    "are",
    "be",
    "can",
    "how",
}
_LIST_ITEM = re.compile(r"^\s*(?:[-*•◦▪‣–]|\d{1,3}[.)])\s+(?=\S)")


def _ends_open(line: str) -> bool:
    return not line.rstrip().endswith(tuple(_CLOSING)) and not line.rstrip().endswith(('."', ".”"))


def _is_heading_line(line: str) -> bool:
    """A line standing alone that reads like a heading."""
    words = line.split()
    if not words or _LIST_ITEM.match(line):
        return False
    first = line.lstrip("\"'“‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if line.endswith("?"):
        return len(words) <= 16 and len(line) <= 140
    return _ends_open(line) and len(words) <= 12 and len(line) <= 100


def _split_title_line(line: str) -> tuple[str, str] | None:
    """Split a page title run into its site or topic name ("Treatment Inclusion body myositis (IBM)").

    Pasted pages often join the page's heading and the name of the condition or site it belongs to.
    Both halves are in sentence case, so a capital letter starting a later, ordinary word marks the
    join. Returns ``(heading, topic)`` or ``None``.
    """
    words = line.split()
    for i in range(1, len(words)):
        word = words[i]
        if not word[:1].isupper() or word.isupper() or not word[1:2].islower():
            continue
        head, tail = words[:i], words[i:]
        if head[-1].lower().strip(",:") in _FUNCTION_WORDS or head[-1].endswith((":", "-", "–")):
            return None

        def sentence_case(part: list[str]) -> bool:
            return all(not w[:1].isupper() or w.isupper() or w.startswith("(") or j == 0 for j, w in enumerate(part))

        if sentence_case(head) and sentence_case(tail) and len(tail) >= 1:
            return " ".join(head), " ".join(tail)
        return None
    return None


_LABEL = re.compile(r"^([A-Z][\w'’&/-]*(?: [\w'’&/-]+){0,3}):\s+(\S.{15,})$", re.S)


def _label_paragraph(paragraph: str) -> tuple[str, str] | None:
    """Split "Physiotherapy: exercises can help ..." into its label and its text."""
    match = _LABEL.match(paragraph)
    if not match:
        return None
    label, rest = match.group(1), match.group(2)
    if label.lower() in _LABEL_STOPLIST or re.search(r"\d", label):
        return None
    return label, rest


def _blocks(text: str) -> Iterator[list[str]]:
    """Runs of non-blank lines, as written (tabs and runs of spaces kept for tables)."""
    block: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


_CELL_TABS = re.compile(r"\t+")
_CELL_SPACES = re.compile(r"(?<![.!?:;,]) {2,}(?=\S)")


def _table_rows(block: list[str]) -> list[list[str]] | None:
    """The cells of a block pasted from a table (columns split by tabs or by runs of spaces), or None."""
    if len(block) < 2:
        return None
    for splitter in (_CELL_TABS, _CELL_SPACES):
        rows = [[c.strip() for c in splitter.split(line.strip())] for line in block]
        widths = {len(r) for r in rows}
        if len(widths) == 1 and min(widths) >= 2:
            cells = [c for r in rows for c in r]
            if all(c and len(c.split()) <= 14 for c in cells):
                return rows
    return None


def _text_events(text: str) -> tuple[str | None, list[Event]]:
    events: list[Event] = []
    title: str | None = None
    seen_chapter = False
    for raw_block in _blocks(text):
        if is_consent_text(" ".join(raw_block)):
            continue  # a cookie or consent notice, wherever it sits
        rows = _table_rows(raw_block)
        if rows is not None:
            table = make_table(rows)
            if table is not None:
                events.append(Event("table", table=table))
            continue
        block = [tidy(line) for line in raw_block]
        lines = [line for line in block if not is_debris_line(line) and not is_consent_button(line)]
        if not lines:
            continue
        if title is None and not events and _is_heading_line(lines[0]):
            split = _split_title_line(lines[0])
            if split:
                heading, topic = split
                title = f"{topic}: {heading}"
                events.append(Event("intro-title", heading))
            else:
                title = lines[0]
            lines = lines[1:]
            if not lines:
                continue
        # A menu: several short lines, none of them prose.
        if len(lines) >= 3 and all(_is_heading_line(x) and len(x.split()) <= 4 for x in lines):
            continue
        paragraph_lines: list[str] = []

        def flush(paragraph_lines: list[str] = paragraph_lines) -> None:
            if paragraph_lines:
                events.append(Event("para", " ".join(paragraph_lines)))
                paragraph_lines.clear()

        for i, line in enumerate(lines):
            if _LIST_ITEM.match(line):
                flush()
                events.append(Event("para", capitalise(_LIST_ITEM.sub("", line))))
                continue
            # A heading directly above its text (no blank line between) is followed by a line
            # that starts a new sentence; a hard-wrapped paragraph carries on in lower case.
            standalone_heading = (
                _is_heading_line(line)
                and i == 0
                and (
                    len(lines) == 1
                    or bool(_LIST_ITEM.match(lines[1]))
                    or (lines[1][:1].isupper() and not _ends_open(lines[-1]))
                )
            )
            if standalone_heading and not paragraph_lines:
                events.append(Event("heading", line, 1))
                seen_chapter = True
                continue
            paragraph_lines.append(line)
        flush()
    # "Label: text" paragraphs open subsections of the chapter they sit in.
    out: list[Event] = []
    in_chapter = False
    for event in events:
        if event.kind == "heading":
            in_chapter = True
        if event.kind == "para":
            labelled = _label_paragraph(event.text)
            if labelled:
                label, rest = labelled
                out.append(Event("heading", label, 2 if (in_chapter or seen_chapter) else 1))
                if rest[:1].islower() and not rest[1:2].isupper():
                    rest = rest[0].upper() + rest[1:]  # "Physiotherapy: appropriate ..." -> "Appropriate ..."
                out.append(Event("para", rest))
                continue
        out.append(event)
    return title, out


class TextReader(Reader):
    """Plain text, as pasted from a web page or a word processor."""

    name = "text"
    summary = "plain text"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        return parse_text(decode_source(data, name, charset), name)


def parse_text(text: str, name: str) -> Document:
    """Read plain ``text`` (``name`` is used in messages)."""
    check_text(text, name)
    title, events = _text_events(text)
    return assemble(title, events, name=name, reader="text")

"""Word documents (.docx), read with python-docx: headings from Heading styles (or from short bold
paragraphs when a document uses no heading styles), list items, tables, and the title, author and
language from the document's properties."""

from __future__ import annotations

import io
import re
from typing import Any

from ..errors import InputError
from ..model import Document
from .base import Event, Reader, assemble, capitalise, make_table, tidy

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocxReader(Reader):
    """Word documents (.docx)."""

    name = "docx"
    summary = "Word documents"
    packages = ("docx",)
    install = "python-docx"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            raise InputError(
                f"{name} is not a Word document that can be read. Open it in Word and save it again."
            ) from exc
        except Exception as exc:  # noqa: BLE001 - lxml and zipfile errors on damaged files
            raise InputError(
                f"{name} is a damaged Word document ({type(exc).__name__}). Open it in Word and save it again."
            ) from exc
        return _read(document, name)


def _paragraph_parts(paragraph: Any) -> tuple[str, str, bool, bool, float]:
    """Text, style name, whether it is all bold, whether it is a list item, its largest font size (points)."""
    text = tidy(paragraph.text)
    style = paragraph.style.name if paragraph.style is not None else ""
    runs = [r for r in paragraph.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)
    if not bold and runs and paragraph.style is not None and paragraph.style.font.bold:
        bold = all(r.bold is not False for r in runs)
    numbered = paragraph._p.find(f"{_W}pPr/{_W}numPr") is not None
    listed = numbered or style.lower().startswith("list")
    sizes = [r.font.size.pt for r in runs if r.font.size is not None]
    return text, style, bold, listed, max(sizes) if sizes else 0.0


def _read(document: Any, name: str) -> Document:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    items: list[Any] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            items.append(Paragraph(child, document))
        elif child.tag == f"{_W}tbl":
            items.append(DocxTable(child, document))
    paragraphs = [i for i in items if isinstance(i, Paragraph)]
    styled = any(_HEADING_STYLE.match(p.style.name or "") for p in paragraphs if p.style is not None)
    title: str | None = None
    events: list[Event] = []
    for item in items:
        if isinstance(item, DocxTable):
            rows = [[tidy(cell.text) for cell in _unique_cells(row)] for row in item.rows]
            table = make_table(rows)
            if table is not None:
                events.append(Event("table", table=table))
            continue
        text, style, bold, listed, size = _paragraph_parts(item)
        if not text:
            continue
        match = _HEADING_STYLE.match(style)
        if style.lower() == "title" and title is None:
            title = text
        elif match:
            events.append(Event("heading", text, int(match.group(1))))
        elif listed:
            events.append(Event("para", capitalise(text)))
        elif not styled and bold and len(text.split()) <= 12 and not text.endswith((".", ",", ";")):
            events.append(Event("heading", text, -round(size)))  # larger first: ranked below
        else:
            events.append(Event("para", text))
    levels = sorted({e.level for e in events if e.kind == "heading"})
    events = [Event("heading", e.text, levels.index(e.level) + 1) if e.kind == "heading" else e for e in events]
    props = document.core_properties
    from .html import html_language

    language = html_language(props.language) or html_language(_default_language(document))
    return assemble(
        tidy(props.title or "") or title,
        events,
        name=name,
        reader="docx",
        language=language,
        author=props.author or None,
        description=props.subject or props.comments or None,
    )


def _unique_cells(row: Any) -> list[Any]:
    """A row's cells, a merged cell counted once."""
    out: list[Any] = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def _default_language(document: Any) -> str | None:
    try:
        lang = document.styles.element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
    except Exception:  # noqa: BLE001
        return None
    return lang.get(f"{_W}val") if lang is not None else None

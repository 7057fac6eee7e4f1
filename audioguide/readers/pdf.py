"""PDF leaflets and factsheets, read with pdfplumber (on pdfminer.six).

pdfplumber gives every word with its position, font name and size, which is what a leaflet's
structure is made of: headings are larger or bold; running headers, footers and page numbers repeat
in the page margins; a second column starts right of a gutter no line crosses. The PDF's outline
(bookmarks) or its tagged structure names the headings when the PDF has them.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..model import Document, Table
from .base import Event, Reader, assemble, capitalise, make_table, quiet_logger, same_title, tidy

MAX_PAGES = 400
"""Most pages read from one PDF (a leaflet has a few; a book of guidance a few hundred)."""

_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.I)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I)
_BULLET = re.compile(r"^([•◦▪‣●○■□–-]|\d{1,2}[.)]|\(cid:\d+\)|[\uf000-\uf0ff])\s*(?=\S)")
_CID = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff]")
"""Glyphs without a Unicode meaning (symbol-font bullets and dingbats)."""


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    tag: str = ""
    table: Table | None = None
    """A ruled table found on the page, standing in its place among the lines (its words are not lines)."""


class PdfReader(Reader):
    """PDF documents with a text layer."""

    name = "pdf"
    summary = "PDF files"
    packages = ("pdfplumber",)
    install = "pdfplumber"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        with quiet_logger("pdfminer"):  # it logs each repair it makes to a damaged file; the library never prints
            return self._read(data, name)

    def _read(self, data: bytes, name: str) -> Document:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psparser import PSException

        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise InputError(
                f"{name} is protected with a password. Open it, save a copy without the password, and give that."
            ) from exc
        except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
            raise InputError(
                f"{name} is a damaged PDF file that cannot be read. Save it again as PDF, or as Word."
            ) from exc
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
            if _is_password(exc):
                raise InputError(
                    f"{name} is protected with a password. Open it, save a copy without the password, and give that."
                ) from exc
            raise InputError(
                f"{name} is a damaged PDF file that cannot be read. Save it again as PDF, or as Word."
            ) from exc
        try:
            return _read(pdf, name)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged page
            if _is_password(exc):
                raise InputError(
                    f"{name} is protected with a password. Open it, save a copy without the password, and give that."
                ) from exc
            raise InputError(
                f"{name} is a damaged PDF file that cannot be read ({type(exc).__name__}). "
                "Save it again as PDF, or as Word."
            ) from exc
        finally:
            try:
                pdf.close()
            except Exception:  # noqa: BLE001, S110 - closing a damaged file may fail again; nothing is lost
                pass


def _is_password(exc: BaseException) -> bool:
    """True when pdfminer's error (or the one it wraps) is about a password or encryption."""
    seen: BaseException | None = exc
    while seen is not None:
        if re.search(r"password|encrypt", f"{type(seen).__name__} {seen!r}", re.I):
            return True
        seen = (
            seen.__cause__
            or seen.__context__
            or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
        )
    return False


def _read(pdf: Any, name: str) -> Document:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise InputError(
            f"{name} has {len(pages):,} pages; audioguide reads PDFs of up to {MAX_PAGES} pages. "
            "Split it into several guides."
        )
    lines: list[_Line] = []
    images = 0
    heights: list[float] = []
    for number, page in enumerate(pages):
        images += len(page.images)
        heights.append(float(page.height))
        lines.extend(_page_lines(page, number))
    if not lines:
        if images:
            raise InputError(
                f"{name} has pictures of pages but no text in it: it looks like a scan. audioguide cannot read "
                "text from pictures; ask for the text version, or run it through OCR software first."
            )
        raise InputError(f"{name} has no text in it that can be read aloud.")
    lines = _drop_running(lines, heights)
    if not lines:
        raise InputError(f"{name} has no text in it that can be read aloud.")
    meta = pdf.metadata or {}
    outline = _outline(pdf)
    meta_title = _meta_text(meta.get("Title"))
    if meta_title and re.search(r"\.(docx?|pdf|indd|odt)$|^untitled|^microsoft word", meta_title, re.I):
        meta_title = None  # a file name or a template's, not the leaflet's
    title, events = _events(lines, outline, meta_title)
    if meta_title:
        title = meta_title
        first = next((e for e in events if e.kind != "para" or e.text.strip()), None)
        if first is not None and first.kind == "heading" and _fold(first.text) == _fold(meta_title):
            events.remove(first)  # the title set in the heading font: it is not a chapter
    return assemble(
        title,
        events,
        name=name,
        reader="pdf",
        language=_language(pdf),
        author=_meta_text(meta.get("Author")),
        description=_meta_text(meta.get("Subject")),
    )


def _meta_text(value: Any) -> str | None:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-16") if value.startswith(b"\xfe\xff") else value.decode("latin-1")
        except UnicodeDecodeError:
            return None
    return tidy(value) if isinstance(value, str) and value.strip() else None


def _language(pdf: Any) -> str | None:
    from .html import html_language

    try:
        lang = pdf.doc.catalog.get("Lang")
        from pdfminer.pdftypes import resolve1

        lang = resolve1(lang)
    except Exception:  # noqa: BLE001
        return None
    return html_language(_meta_text(lang))


def _outline(pdf: Any) -> dict[str, int]:
    """Folded bookmark title -> level (1 for the top level), empty when the PDF has none."""
    found: dict[str, int] = {}
    try:
        for level, title, *_ in pdf.doc.get_outlines():
            text = _meta_text(title)
            if text:
                found.setdefault(_fold(text), int(level))
    except Exception:  # noqa: BLE001 - no outline, or a damaged one: use the fonts instead
        return {}
    return found


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _page_lines(page: Any, number: int) -> list[_Line]:
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    if not words:
        return []
    tags = _tags(page)
    height = float(page.height)
    tables = _tables(page)
    if tables:
        words = [w for w in words if not any(_inside(w, line) for line in tables)]
    # Running headers and footers sit in the page's edges, across any columns: set them apart first.
    margin = [w for w in words if w["bottom"] < height * 0.08 or w["top"] > height * 0.92]
    words = [w for w in words if not (w["bottom"] < height * 0.08 or w["top"] > height * 0.92)]
    top = [w for w in margin if w["top"] < height * 0.5]
    bottom = [w for w in margin if w["top"] >= height * 0.5]
    gutter = _gutter(words, float(page.width)) if words else None
    if gutter is None:
        body = _with_tables(_lines(words, number, tags), tables, number, None)
        return [*_lines(top, number, tags), *body, *_lines(bottom, number, tags)]
    spanning = [w for w in words if w["x0"] < gutter < w["x1"]]
    left = [w for w in words if w["x1"] <= gutter]
    right = [w for w in words if w["x0"] >= gutter]
    columns_top = min(w["top"] for w in left + right)
    above = [w for w in spanning if w["top"] <= columns_top]
    below = [w for w in spanning if w["top"] > columns_top]
    body = [*_lines(above, number, tags), *_lines(left, number, tags), *_lines(right, number, tags)]
    body += _lines(below, number, tags)
    return [*_lines(top, number, tags), *_with_tables(body, tables, number, gutter), *_lines(bottom, number, tags)]


def _tables(page: Any) -> list[_Line]:
    """The page's ruled tables (drawn cell borders: pdfplumber's "lines" strategy), each as a stand-in
    line holding the table. A box round one block of text, or a frame round the whole page, is not one."""
    found: list[_Line] = []
    area = float(page.width) * float(page.height)
    for candidate in page.find_tables():
        x0, top, x1, bottom = (float(v) for v in candidate.bbox)
        rows = [[cell or "" for cell in row] for row in candidate.extract()]
        if len(rows) < 2 or max(len(r) for r in rows) < 2 or (x1 - x0) * (bottom - top) > area * 0.8:
            continue
        table = make_table(rows)
        if table is not None:
            found.append(_Line("", x0, x1, top, bottom, 0.0, False, page.page_number - 1, table=table))
    return found


def _inside(word: dict[str, Any], box: _Line) -> bool:
    middle_x = (float(word["x0"]) + float(word["x1"])) / 2
    middle_y = (float(word["top"]) + float(word["bottom"])) / 2
    return box.x0 <= middle_x <= box.x1 and box.top <= middle_y <= box.bottom


def _with_tables(lines: list[_Line], tables: list[_Line], number: int, gutter: float | None) -> list[_Line]:
    """``lines`` (in reading order) with each table put before the first line below its top in its
    column (either column when the page has none)."""

    def same_column(line: _Line, table: _Line) -> bool:
        if gutter is None or line.x0 < gutter < line.x1:
            return True
        return (line.x0 < gutter) == ((table.x0 + table.x1) / 2 < gutter)

    out = list(lines)
    for table in sorted(tables, key=lambda t: t.top):
        table.page = number
        at = next(
            (i for i, ln in enumerate(out) if ln.table is None and ln.top > table.top and same_column(ln, table)),
            len(out),
        )
        out.insert(at, table)
    return out


def _tags(page: Any) -> dict[tuple[int, int], str]:
    """Heading tags (H, H1..H6) of a tagged PDF's marked content, by character position."""
    found: dict[tuple[int, int], str] = {}
    for char in page.chars:
        tag = str(char.get("tag") or "")
        if re.fullmatch(r"H[1-6]?", tag):
            found[(round(char["x0"]), round(char["top"]))] = tag
    return found


def _gutter(words: list[dict[str, Any]], width: float) -> float | None:
    """The x of a vertical gap in the middle of the page that separates two columns of text, if any."""
    lo, hi = int(width * 0.3), int(width * 0.7)
    covered = [0] * (int(width) + 2)
    for w in words:
        for x in range(max(0, int(w["x0"])), min(len(covered), int(w["x1"]) + 1)):
            covered[x] += 1
    best: tuple[int, int] | None = None
    start = None
    for x in range(lo, hi + 1):
        crossing = covered[x] <= max(1, len(words) // 200)
        if crossing and start is None:
            start = x
        if (not crossing or x == hi) and start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    if best is None or best[1] - best[0] < 8:
        return None
    middle = (best[0] + best[1]) / 2
    left = sum(1 for w in words if w["x1"] <= middle)
    right = sum(1 for w in words if w["x0"] >= middle)
    if left < 20 or right < 20:
        return None
    # Both sides must run down the page side by side, not be a label column beside one line each.
    left_rows = {round(w["top"]) for w in words if w["x1"] <= middle}
    right_rows = {round(w["top"]) for w in words if w["x0"] >= middle}
    return middle if len(left_rows) >= 4 and len(right_rows) >= 4 else None


def _lines(words: list[dict[str, Any]], number: int, tags: dict[tuple[int, int], str]) -> list[_Line]:
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= max(2.0, word["size"] * 0.3):
            rows[-1].append(word)
        else:
            rows.append([word])
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        chars = sum(len(w["text"]) for w in row)
        size = _weights(row).most_common(1)[0][0]
        bold = sum(len(w["text"]) for w in row if _BOLD.search(str(w["fontname"]))) > chars / 2
        tag = next((tags[k] for w in row if (k := (round(w["x0"]), round(w["top"]))) in tags), "")
        out.append(
            _Line(
                text=" ".join(w["text"] for w in row),
                x0=row[0]["x0"],
                x1=row[-1]["x1"],
                top=min(w["top"] for w in row),
                bottom=max(w["bottom"] for w in row),
                size=size,
                bold=bold,
                page=number,
                tag=tag,
            )
        )
    return out


def _weights(row: list[dict[str, Any]]) -> Counter[float]:
    counts: Counter[float] = Counter()
    for w in row:
        counts[round(w["size"], 1)] += len(w["text"])
    return counts


def _pattern(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold()).strip()


def _drop_running(lines: list[_Line], heights: list[float]) -> list[_Line]:
    """Lines without running headers and footers (the same text in the margin of several pages) and page
    numbers."""
    pages = len(heights)

    def in_margin(line: _Line) -> bool:
        height = heights[line.page]
        return line.top < height * 0.12 or line.bottom > height * 0.88

    sizes = Counter[float]()
    for line in lines:
        sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    seen: dict[str, set[int]] = {}
    for line in lines:
        if in_margin(line):
            seen.setdefault(_pattern(line.text), set()).add(line.page)
    needed = 2 if pages <= 3 else max(2, pages // 3)
    running = {p for p, where in seen.items() if len(where) >= needed}
    return [
        line
        for line in lines
        if line.table is not None
        or not (
            in_margin(line)
            and (
                _pattern(line.text) in running
                or _PAGE_NUMBER.match(line.text.strip())
                or line.size < body_size * 0.9  # small print in the margin: a running header or footer
            )
        )
    ]


def _events(lines: list[_Line], outline: dict[str, int], known: str | None = None) -> tuple[str | None, list[Event]]:
    """The printed title (a unique largest heading on the first page) and the events. With a title
    ``known`` from the properties, that heading is the title only when it is the same; else it stays a heading."""
    body = Counter[float]()
    for line in lines:
        body[line.size] += len(line.text)
    body_size = body.most_common(1)[0][0]
    body_bold = sum(len(ln.text) for ln in lines if ln.bold) > sum(body.values()) / 2
    tagged = any(ln.tag for ln in lines)
    gaps = Counter(
        round(b.top - a.bottom, 0)
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and abs(a.size - b.size) < 0.6 and 0 <= b.top - a.bottom < a.size * 2
    )
    spread = sorted(gaps.elements())
    line_gap = spread[len(spread) // 5] if spread else body_size * 0.3  # most gaps are within paragraphs

    def heading_kind(line: _Line) -> float | None:
        """A rank key for a heading line (larger first), or None for body text."""
        text = line.text.strip()
        if (
            _BULLET.match(line.text)
            or len(text.split()) > 16
            or text.endswith((".", ",", ";"))
            and len(text.split()) > 6
        ):
            return None
        if tagged:
            return (10 - int(line.tag[1:] or 2)) if line.tag else None
        if outline:  # headings come from the bookmarks; a large first line may still be the title
            if _fold(text) in outline:
                return 100.0 - outline[_fold(text)]
            return line.size if line.page == 0 and line.size >= body_size * 1.3 else None
        if line.size >= body_size * 1.15:
            return line.size + (0.5 if line.bold else 0)
        if line.bold and not body_bold and line.size >= body_size * 0.95 and not text.endswith("."):
            return line.size + 0.25
        return None

    # Merge runs of lines: consecutive heading lines of one style, and paragraph lines.
    blocks: list[tuple[str, float | None, list[_Line]]] = []
    for line in lines:
        if line.table is not None:
            blocks.append(("table", None, [line]))
            continue
        key = heading_kind(line)
        previous = blocks[-1] if blocks else None
        gap = line.top - previous[2][-1].bottom if previous and previous[2][-1].page == line.page else -1.0
        gap_ok = 0 <= gap <= line_gap * 1.3 + 1
        if previous and key is not None and previous[1] == key and 0 <= gap <= line.size * 0.6 and len(previous[2]) < 3:
            previous[2].append(line)
            continue
        same_para = (
            previous is not None
            and previous[0] != "table"
            and key is None
            and previous[1] is None
            and not _BULLET.match(line.text)
            and (gap_ok or (line.page != previous[2][-1].page or line.top < previous[2][-1].top) and _open(previous))
            and abs(line.size - previous[2][-1].size) < 0.6
        )
        if same_para and previous is not None:
            previous[2].append(line)
            continue
        blocks.append(("heading" if key is not None else "para", key, [line]))

    ranks = sorted({k for kind, k, _ in blocks if kind == "heading" and k is not None}, reverse=True)
    title: str | None = None
    headings = [b for b in blocks if b[0] == "heading"]
    if headings:
        largest = max(b[2][0].size for b in headings)
        first = next(b for b in headings if b[2][0].size == largest)
        unique = sum(1 for b in headings if b[2][0].size == largest) == 1
        printed = _join([ln.text for ln in first[2]])
        same = known is None or same_title(printed, known, loose=True)
        if unique and same and first[2][0].page == 0 and largest >= body_size * 1.2:
            title = _join([ln.text for ln in first[2]])
            blocks.remove(first)
            ranks = [k for k in ranks if any(b[1] == k for b in blocks)]
    events: list[Event] = []
    for kind, key, block_lines in blocks:
        if kind == "table":
            events.append(Event("table", table=block_lines[0].table))
            continue
        text = _join([ln.text for ln in block_lines])
        if outline and _fold(text) in outline:
            events.append(Event("heading", text, outline[_fold(text)]))
            continue
        if kind == "heading" and key is not None:
            events.append(Event("heading", text, ranks.index(key) + 1))
        elif _BULLET.match(text):
            events.append(Event("para", capitalise(_CID.sub("", _BULLET.sub("", text, count=1)))))
        else:
            events.append(Event("para", _CID.sub("", text)))
    return title, events


def _open(block: tuple[str, float | None, list[_Line]]) -> bool:
    """True when a paragraph's last line does not end a sentence (it runs on to the next page or column)."""
    return not block[2][-1].text.rstrip().endswith((".", "!", "?", ":", '."', ".”"))


def _join(lines: list[str]) -> str:
    """Join a paragraph's lines, mending words hyphenated across a line break ("rehabil-" + "itation")."""
    text = ""
    for line in lines:
        line = line.strip()
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text = text[:-1] + line
        elif text.endswith("\u00ad"):
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text

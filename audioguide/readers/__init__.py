"""Read a guide from where it lives into a :class:`~audioguide.model.Document`.

One reader per format, found through :data:`READERS` (pelican's readers are the model: each says
whether it is ``enabled`` and, if not, its ``disabled_message()``). The format is decided from the
content (a file's first bytes, a zip's members), not only from the file's name. A source may be a
file or a web address (see :mod:`audioguide.fetch`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Document
from .base import (
    MAX_SOURCE_BYTES,
    SUPPORTED,
    Reader,
    decode_source,
    read_limited,
    strip_controls,
    suffix_of,
)
from .docx import DocxReader
from .epub import EpubReader
from .html import HtmlReader
from .markdown import MarkdownReader
from .pdf import PdfReader
from .text import TextReader

READERS: dict[str, type[Reader]] = {
    reader.name: reader for reader in (PdfReader, DocxReader, EpubReader, HtmlReader, MarkdownReader, TextReader)
}
"""Every reader by name, in the order formats are tried."""

__all__ = [
    "MAX_SOURCE_BYTES",
    "READERS",
    "SUPPORTED",
    "Reader",
    "decode_source",
    "detect_format",
    "is_url",
    "parse",
    "read_bytes",
    "read_document",
    "read_source",
    "sniff_format",
    "strip_controls",
]

_CONVERT = f"audioguide reads {SUPPORTED}. Save it as PDF or Word (.docx) and give that file instead."
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Microsoft Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "a Rich Text (.rtf) file"),
    (b"\x89PNG", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF8", "a GIF picture"),
    (b"II*\x00", "a TIFF picture"),
    (b"MM\x00*", "a TIFF picture"),
    (b"ID3", "an MP3 recording"),
    (b"RIFF", "a RIFF file (a WAV recording or a picture)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"AT&TFORM", "a DjVu document"),
)


def is_url(source: object) -> bool:
    """True when ``source`` is a web address (http or https)."""
    return isinstance(source, str) and re.match(r"^https?://", source.strip(), re.I) is not None


def detect_format(data: bytes, name: str, content_type: str | None = None) -> str:
    """The name of the reader for ``data``, judged by its content first, then its name.

    Raises :class:`InputError` naming what is supported when the format is not one audioguide reads.
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data, name)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{Path(name).name} is {what}. {_CONVERT}")
    suffix = suffix_of(name)
    if suffix in (".pdf", ".docx", ".epub", ".doc", ".odt", ".pages"):
        if suffix in (".doc", ".odt", ".pages"):
            raise InputError(f"{Path(name).name} is not in a format audioguide reads. {_CONVERT}")
        kind = {".pdf": "PDF", ".docx": "Word document", ".epub": "EPUB book"}[suffix]
        raise InputError(
            f"{Path(name).name} is named like a {kind} but is not one inside (it may be damaged, or "
            f"saved in another format). {_CONVERT}"
        )
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime == "text/markdown":
        return "markdown"
    return ""  # a text format: decided once the text is decoded


def _zip_format(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > 8 * MAX_SOURCE_BYTES:
                raise InputError(
                    f"{Path(name).name} unpacks to {unpacked // (1024 * 1024):,} MB; audioguide reads documents that "
                    f"unpack to at most {8 * MAX_SOURCE_BYTES // (1024 * 1024)} MB. Split it into several guides."
                )
            mimetype = archive.read("mimetype")[:64].strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise InputError(
            f"{Path(name).name} is a damaged zip archive (a Word file or EPUB is one). {_CONVERT}"
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if mimetype == b"application/epub+zip" or "META-INF/container.xml" in names:
        return "epub"
    what = "an OpenDocument file" if mimetype.startswith(b"application/vnd.oasis") else "a zip archive"
    if "xl/workbook.xml" in names:
        what = "an Excel workbook"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation"
    named = {".docx": " named like a Word document", ".epub": " named like an EPUB book"}.get(suffix_of(name), "")
    raise InputError(f"{Path(name).name} is {what}{named}, not a Word document or an EPUB. {_CONVERT}")


def sniff_format(suffix: str, text: str) -> str:
    """Decide a text format ("html", "markdown" or "text") from the file's ending, or from the text."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:2000].lower():
        return "html"
    if re.search(r"<(body|h1|p|div)\b", head):
        return "html"
    if suffix != ".txt" and (re.search(r"^#{1,6} \S", text, re.M) or re.match(r"\A(---|\+\+\+)\s*\n", text)):
        return "markdown"
    return "text"


_PDF_SYNTAX = re.compile(r"^\s*\d+\s+\d+\s+obj\b|^\s*endobj\b|^\s*(stream|endstream|xref|trailer)\s*$", re.M)


def read_bytes(data: bytes, name: str, charset: str | None = None, content_type: str | None = None) -> Document:
    """Read the bytes of a source with the reader its content calls for."""
    fmt = detect_format(data, name, content_type)
    if fmt in ("pdf", "docx", "epub"):
        return _reader(fmt).read(data, Path(name).name, charset)
    text = decode_source(data, Path(name).name, charset)
    if len(_PDF_SYNTAX.findall(text[:200_000])) >= 6:
        raise InputError(
            f"{Path(name).name} looks like the inside of a PDF file (its objects and streams), not a guide's "
            "text. Give the .pdf file itself, or copy the text from a PDF viewer."
        )
    return parse(text, fmt or sniff_format(suffix_of(name), text), name=Path(name).name)


def _reader(fmt: str) -> Reader:
    cls = READERS[fmt]
    if not cls.enabled():
        raise InputError(cls.disabled_message())
    return cls()


def parse(text: str, fmt: str = "text", name: str = "the guide") -> Document:
    """Parse ``text`` of a text format ("text", "markdown" or "html")."""
    from .html import parse_html
    from .markdown import parse_markdown
    from .text import parse_text

    if fmt == "html":
        return parse_html(text, name)
    if fmt == "markdown":
        return parse_markdown(text, name)
    return parse_text(text, name)


def read_source(path: Path) -> tuple[str, str]:
    """Read a text file at ``path``: its text and format ("text", "markdown" or "html")."""
    data = read_limited(Path(path))
    fmt = detect_format(data, str(path))
    if fmt in ("pdf", "docx", "epub"):
        raise InputError(f"{Path(path).name} is a {fmt.upper()} file, not text; read it with read_document.")
    text = decode_source(data, Path(path).name)
    return text, fmt or sniff_format(Path(path).suffix, text)


def read_document(source: Path | str, session: Any = None) -> Document:
    """Read the guide at ``source``: a file path, or a web address (fetched with ``session``)."""
    if is_url(source):
        from ..fetch import fetch

        page = fetch(str(source), session=session)
        return read_bytes(page.data, page.name, charset=page.charset, content_type=page.content_type)
    path = Path(source)
    return read_bytes(read_limited(path), str(path))

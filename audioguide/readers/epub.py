"""EPUB books as input: the package's spine gives the reading order, each XHTML file is read by the
web page reader's structure rules, and the navigation document (or the NCX) names a chapter whose
file has no heading of its own."""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

from ..errors import InputError
from ..model import Document
from .base import MAX_SOURCE_BYTES, Event, Reader, assemble, decode_source, tidy
from .html import html_events, html_language

_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}


class EpubReader(Reader):
    """EPUB 2 and 3 books."""

    name = "epub"
    summary = "EPUB books"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                return _read(book, name)
        except (zipfile.BadZipFile, KeyError, ET.ParseError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{name} is a damaged EPUB book ({type(exc).__name__}). Save it again, or as PDF."
            ) from exc


def _member(book: zipfile.ZipFile, path: str) -> bytes:
    info = book.getinfo(path)
    if info.file_size > MAX_SOURCE_BYTES:
        raise InputError(f"{path} in the book is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB.")
    return book.read(info)


def _xml(data: bytes) -> Any:
    if b"<!ENTITY" in data[:4096]:
        raise ET.ParseError("entity declarations are not accepted")
    return ET.fromstring(data)


def _read(book: zipfile.ZipFile, name: str) -> Document:
    container = _xml(_member(book, "META-INF/container.xml"))
    rootfile = container.find(".//c:rootfile", _NS)
    if rootfile is None or not rootfile.get("full-path"):
        raise KeyError("rootfile")
    opf_path = str(rootfile.get("full-path"))
    base = posixpath.dirname(opf_path)
    opf = _xml(_member(book, opf_path))
    manifest = {
        item.get("id"): (posixpath.normpath(posixpath.join(base, unquote(item.get("href", "")))), item)
        for item in opf.findall(".//opf:manifest/opf:item", _NS)
    }
    spine = [ref.get("idref") for ref in opf.findall(".//opf:spine/opf:itemref", _NS) if ref.get("linear") != "no"]
    labels = _nav_labels(book, opf, manifest)

    def meta(tag: str) -> str | None:
        found = opf.find(f".//dc:{tag}", _NS)
        return tidy(found.text) if found is not None and found.text and found.text.strip() else None

    events: list[Event] = []
    for idref in spine:
        if idref not in manifest:
            continue
        path, item = manifest[idref]
        if "nav" in (item.get("properties") or "").split():
            continue  # the table of contents: its headings are the chapters themselves
        text = decode_source(_member(book, path), posixpath.basename(path))
        _, found = html_events(text, h1_is_title=False)
        label = labels.get(path)
        if label and not any(e.kind == "heading" for e in found):
            found.insert(0, Event("heading", label, 1))
        events.extend(found)
    if not events:
        raise InputError(f"{name} has no text that can be read aloud.")
    return assemble(
        meta("title"),
        events,
        name=name,
        reader="epub",
        language=html_language(meta("language")),
        author=meta("creator"),
        description=meta("description"),
    )


def _nav_labels(book: zipfile.ZipFile, opf: Any, manifest: dict[Any, tuple[str, Any]]) -> dict[str, str]:
    """Chapter file -> the title the book's navigation gives it."""
    labels: dict[str, str] = {}
    for path, item in manifest.values():
        props = (item.get("properties") or "").split()
        media = item.get("media-type") or ""
        try:
            if "nav" in props:
                root = _xml(_member(book, path))
                for link in root.iter("{http://www.w3.org/1999/xhtml}a"):
                    href = unquote((link.get("href") or "").split("#")[0])
                    text = tidy("".join(link.itertext()))
                    if href and text:
                        labels.setdefault(posixpath.normpath(posixpath.join(posixpath.dirname(path), href)), text)
            elif media == "application/x-dtbncx+xml":
                root = _xml(_member(book, path))
                for point in root.iter(f"{{{_NS['ncx']}}}navPoint"):
                    text_el = point.find("ncx:navLabel/ncx:text", _NS)
                    content = point.find("ncx:content", _NS)
                    if text_el is not None and content is not None and text_el.text:
                        href = unquote((content.get("src") or "").split("#")[0])
                        labels.setdefault(
                            posixpath.normpath(posixpath.join(posixpath.dirname(path), href)), tidy(text_el.text)
                        )
        except (KeyError, ET.ParseError):
            continue
    return labels

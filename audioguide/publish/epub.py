"""``--formats epub``: ``<slug>.epub``, an EPUB 3 book with Media Overlays and accessibility metadata.

One XHTML document per chapter (and a title page when the guide has a spoken contents chapter), each
with a SMIL Media Overlay of one ``par`` per sentence: the sentence's ``span`` and its clip of the
chapter MP3, from the build's sentence timings. The package states each overlay's duration and the
total, the class a reading system puts on the sentence being read, and the EPUB Accessibility 1.1
metadata. The zip is deterministic: ``mimetype`` first and stored, then the other entries sorted, all
with one fixed timestamp, so the same build gives the same bytes.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsutil import atomic_path
from ..i18n import base_language, direction, messages
from . import Published, register
from .talkingbook import Book, Part, block_html, book, clock, xml_text

if TYPE_CHECKING:
    from . import PublishContext

ROOT = "EPUB"
"""The folder of the publication's resources inside the zip."""
ACTIVE_CLASS = "-epub-media-overlay-active"
"""The class a reading system gives the sentence being read aloud."""
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
"""The accessibility conformance claim."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's timestamp, so rebuilds give the same bytes."""

_CSS = f"""body {{ font: 1.25em/1.6 sans-serif; color: #000; background: #fff; margin: 1em; }}
h1, h2 {{ line-height: 1.2; }}
.signpost {{ font-style: italic; }}
.{ACTIVE_CLASS} {{ background-color: #ffef5a; color: #000; }}
"""

_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


def _xhtml(book: Book, title: str, body: str) -> str:
    lang = xml_text(book.language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="{lang}" lang="{lang}" dir="{direction(book.language)}">\n<head>\n<meta charset="UTF-8"/>\n'
        f"<title>{xml_text(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _document(book: Book, part: Part) -> str:
    blocks = "\n".join(block_html(block) for block in part.blocks)
    if part.key == "title":
        section = f'<section id="{part.key}" epub:type="titlepage">\n{blocks}\n</section>'
    else:
        section = f'<section id="{part.key}" epub:type="chapter" role="doc-chapter">\n{blocks}\n</section>'
    title = book.title if part.key == "title" else f"{part.title} – {book.title}"
    return _xhtml(book, title, section)


def _overlay(part: Part) -> str:
    doc = f"{part.key}.xhtml"
    pars = "\n".join(
        f'<par id="{part.key}-par{n:03d}"><text src="{doc}#{s.id}"/>'
        f'<audio src="audio/{part.audio_name}" clipBegin="{clock(s.begin_ms)}" '
        f'clipEnd="{clock(s.end_ms)}"/></par>'
        for n, s in enumerate(part.sentences, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
        f'<body>\n<seq id="{part.key}-seq" epub:textref="{doc}">\n{pars}\n</seq>\n</body>\n</smil>\n'
    )


def _nav(book: Book) -> str:
    items: list[str] = []
    for part in book.parts:
        doc = f"{part.key}.xhtml"
        subs = [b for b in part.blocks if b.kind == "h2"]
        sub_list = "".join(f'<li><a href="{doc}#{b.id}">{xml_text(b.label)}</a></li>' for b in subs)
        nested = f"<ol>{sub_list}</ol>" if subs else ""
        items.append(f'<li><a href="{doc}">{xml_text(part.title)}</a>{nested}</li>')
    first = next((p for p in book.parts if p.key != "title"), book.parts[0])
    m = messages(book.language)
    contents = xml_text(m.text("script.contents_title"))
    body = (
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">\n'
        f'<h1 id="toc-title">{contents}</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">\n'
        f'<h2 id="landmarks-title">{xml_text(m.text("publish.landmarks"))}</h2>\n<ol>\n'
        f'<li><a epub:type="toc" href="nav.xhtml#toc">{contents}</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{first.key}.xhtml">{xml_text(first.title)}</a></li>\n'
        "</ol>\n</nav>"
    )
    return _xhtml(book, f"{m.text('script.contents_title')} – {book.title}", body)


def _summary(book: Book) -> str:
    """The accessibility summary, in the book's language (``publish.accessibility_summary``)."""
    # Inside a sentence the narrator's name starts in lower case, except in German, which capitalises nouns.
    narrator = book.narrator if base_language(book.language) == "de" else book.narrator[:1].lower() + book.narrator[1:]
    return messages(book.language).text("publish.accessibility_summary", title=book.title, narrator=narrator)


def _package(book: Book, has_cover: bool) -> str:
    lang = xml_text(book.language)
    meta = [
        f'<dc:identifier id="pub-id">urn:uuid:{book.identifier}</dc:identifier>',
        f"<dc:title>{xml_text(book.title)}</dc:title>",
        f"<dc:language>{lang}</dc:language>",
        f"<dc:creator>{xml_text(book.author)}</dc:creator>",
        f"<dc:publisher>{xml_text(book.author)}</dc:publisher>",
        f"<dc:date>{book.modified.strftime('%Y-%m-%d')}</dc:date>",
        f'<meta property="dcterms:modified">{book.modified.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta>',
        f'<meta property="media:duration">{clock(book.duration_ms)}</meta>',
        *(f'<meta property="media:duration" refines="#{p.key}-mo">{clock(p.duration_ms)}</meta>' for p in book.parts),
        f'<meta property="media:narrator">{xml_text(book.narrator)}</meta>',
        f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>',
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessMode">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual</meta>',
        '<meta property="schema:accessModeSufficient">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual,auditory</meta>',
        '<meta property="schema:accessibilityFeature">synchronizedAudioText</meta>',
        '<meta property="schema:accessibilityFeature">tableOfContents</meta>',
        '<meta property="schema:accessibilityFeature">readingOrder</meta>',
        '<meta property="schema:accessibilityFeature">structuralNavigation</meta>',
        '<meta property="schema:accessibilityFeature">displayTransformability</meta>',
        '<meta property="schema:accessibilityHazard">none</meta>',
        f'<meta property="schema:accessibilitySummary">{xml_text(_summary(book))}</meta>',
        f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>',
        f'<meta property="a11y:certifiedBy">{xml_text(book.author)}</meta>',
    ]
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    if has_cover:
        manifest.append('<item id="cover" href="cover.png" media-type="image/png" properties="cover-image"/>')
    for part in book.parts:
        manifest += [
            f'<item id="{part.key}" href="{part.key}.xhtml" media-type="application/xhtml+xml" '
            f'media-overlay="{part.key}-mo"/>',
            f'<item id="{part.key}-mo" href="{part.key}.smil" media-type="application/smil+xml"/>',
            f'<item id="{part.key}-audio" href="audio/{part.audio_name}" media-type="audio/mpeg"/>',
        ]
    spine = "\n".join(['<itemref idref="nav" linear="no"/>', *(f'<itemref idref="{p.key}"/>' for p in book.parts)])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" '
        f'xml:lang="{lang}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + "\n".join(meta) + "\n</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
        f'<spine page-progression-direction="{direction(book.language)}">\n{spine}\n</spine>\n</package>\n'
    )


def _entry(name: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def write_epub(book: Book, source_root: Path, target: Path, cover: Path | None) -> None:
    """Write the EPUB zip to ``target`` (a temporary path the caller moves into place)."""
    texts: dict[str, str] = {
        "META-INF/container.xml": _CONTAINER,
        f"{ROOT}/package.opf": _package(book, cover is not None),
        f"{ROOT}/nav.xhtml": _nav(book),
        f"{ROOT}/style.css": _CSS,
    }
    files: dict[str, Path] = {}
    for part in book.parts:
        texts[f"{ROOT}/{part.key}.xhtml"] = _document(book, part)
        texts[f"{ROOT}/{part.key}.smil"] = _overlay(part)
        files[f"{ROOT}/audio/{part.audio_name}"] = source_root / part.audio
    if cover is not None:
        files[f"{ROOT}/cover.png"] = cover
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(_entry("mimetype", compress=False), b"application/epub+zip")
        for name in sorted({*texts, *files}):
            if name in texts:
                zf.writestr(_entry(name, compress=True), texts[name].encode("utf-8"))
            else:
                with open(files[name], "rb") as src, zf.open(_entry(name, compress=False), "w") as dst:
                    shutil.copyfileobj(src, dst)


@register("epub", "EPUB 3 with read-along audio")
def publish(ctx: PublishContext) -> Published:
    """Write ``<slug>.epub`` in one step."""
    out = Path(ctx.out)
    talking_book = book(ctx, "epub")
    cover_rel = ctx.meta.get("cover")
    cover = out / str(cover_rel) if cover_rel and (out / str(cover_rel)).is_file() else None
    name = f"{ctx.script.slug}.epub"
    with atomic_path(out / name) as tmp:
        write_epub(talking_book, out, tmp, cover)
    return Published([name])

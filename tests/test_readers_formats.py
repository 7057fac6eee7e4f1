"""The same guide read from PDF, Word, EPUB, a web page and a web address gives the same Document as
its Markdown source; every format's own trouble gets one clear line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from reader_fixtures import (
    Block,
    div_soup_page,
    guide_blocks,
    guide_docx,
    leaflet_pdf,
    many_pages_pdf,
    scanned_pdf,
    write,
)

from audioguide.build import example_guide_path, load_document
from audioguide.errors import InputError
from audioguide.model import Document, Table
from audioguide.reader import read_bytes, read_document


def outline(doc: Document) -> list[tuple[str, int]]:
    return [(s.title, s.level) for s in doc.sections]


def words(doc: Document) -> str:
    parts = [doc.title or ""]
    for s in doc.sections:
        parts.append(s.title)
        for p in s.paragraphs:
            parts.append(" | ".join([*p.header, *(c for r in p.rows for c in r)]) if isinstance(p, Table) else p)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def example() -> tuple[str, list[Block], Document]:
    title, blocks = guide_blocks(example_guide_path().read_text(encoding="utf-8"))
    return title, blocks, load_document(None)


def _epub(title: str, blocks: list[Block]) -> bytes:
    """A small EPUB 3: one XHTML file per chapter, a nav document, the spine in order."""
    import html

    chapters: list[list[Block]] = [[]]  # the text before the first chapter: a file without a heading
    for block in blocks:
        if block.kind == "h1":
            chapters.append([])
        chapters[-1].append(block)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        items, refs, links = [], [], []
        # Spine order differs from file-name order on purpose: the spine decides.
        for n, chapter in reversed(list(enumerate(chapters))):
            name = f"c{len(chapters) - n:02d}.xhtml"
            body = []
            for b in chapter:
                tag = {"h1": "h1", "h2": "h2", "li": "li"}.get(b.kind, "p")
                body.append(f"<{tag}>{html.escape(b.text)}</{tag}>")
            book.writestr(
                f"OEBPS/{name}",
                '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x'
                f"</title></head><body>{''.join(body)}</body></html>",
            )
            items.append(f'<item id="i{n}" href="{name}" media-type="application/xhtml+xml"/>')
            refs.append((n, f'<itemref idref="i{n}"/>'))
            label = chapter[0].text if chapter[0].kind == "h1" else "Introduction"  # named by the nav only
            links.append((n, f'<li><a href="{name}">{html.escape(label)}</a></li>'))
        refs.sort()
        links.sort()
        book.writestr(
            "OEBPS/nav.xhtml",
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head><body>'
            f'<nav epub:type="toc"><ol>{"".join(x for _, x in links)}</ol></nav></body></html>',
        )
        book.writestr(
            "OEBPS/book.opf",
            '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:identifier id='id'>x</dc:identifier><dc:title>{html.escape(title)}</dc:title>"
            "<dc:language>en-GB</dc:language><dc:creator>Northfield Myositis Trust</dc:creator></metadata>"
            f'<manifest><item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>'
            f"{''.join(items)}</manifest><spine>{''.join(x for _, x in refs)}</spine></package>",
        )
    return out.getvalue()


@pytest.mark.parametrize("kind", ["pdf", "pdf-outline", "pdf-uncompressed", "docx", "docx-unstyled", "html", "epub"])
def test_example_guide_in_every_format_reads_like_its_markdown(kind: str, example, tmp_path: Path) -> None:
    title, blocks, reference = example
    makers = {
        "pdf": lambda: ("guide.pdf", leaflet_pdf(title, blocks)),
        # Headings in the body font: only the bookmarks say what they are.
        "pdf-outline": lambda: (
            "guide.pdf",
            leaflet_pdf(title, blocks, outline=True, heading_font="Helvetica", heading_sizes=(10.5, 10.5)),
        ),
        # An uncompressed PDF given a .txt name is still read as a PDF, not narrated as PDF syntax.
        "pdf-uncompressed": lambda: ("guide.txt", leaflet_pdf(title, blocks, compress=False)),
        "docx": lambda: ("guide.docx", guide_docx(title, blocks)),
        "docx-unstyled": lambda: ("guide.docx", guide_docx(title, blocks, styles=False)),
        "html": lambda: ("guide.html", div_soup_page(title, blocks).encode()),
        "epub": lambda: ("guide.epub", _epub(title, blocks)),
    }
    name, data = makers[kind]()
    doc = read_document(write(tmp_path / name, data))
    assert doc.reader == kind.split("-")[0] if kind != "pdf-uncompressed" else doc.reader == "pdf"
    if kind != "pdf-outline":
        assert doc.title == reference.title
    assert outline(doc) == outline(reference)
    for got, want in zip(doc.sections, reference.sections, strict=True):
        assert got.paragraphs == want.paragraphs, got.title
    text = words(doc)
    for furniture in ("Living well with a muscle condition", "registered charity", "Page 1", "Page 2", "obj", "endobj"):
        assert furniture not in text


def test_leaflet_running_furniture_hyphenation_and_two_columns(tmp_path: Path) -> None:
    blocks = [
        Block("h1", "Saving energy"),
        Block("p", "Plan the day so that harder jobs come when you have most energy."),
        Block(
            "hyphenated",
            rows=[["Ask about a course of rehabil-", "itation with a physiotherapist who knows muscle conditions."]],
        ),
        Block("h2", "Resting"),
        Block("p", "Short rests before you are tired help more than one long rest."),
        Block("h1", "Around the house"),
        *[
            Block("p", f"Idea {n}: keep the things you use most between waist and shoulder height. " * 3)
            for n in range(6)
        ],
        Block("h1", "Getting out"),
        *[Block("p", f"Trip {n}: a blue badge lets you park close to where you are going. " * 3) for n in range(6)],
    ]
    data = leaflet_pdf("Managing fatigue", blocks, two_columns_from=5)
    doc = read_document(write(tmp_path / "leaflet.pdf", data))
    assert doc.title == "Managing fatigue"
    assert outline(doc) == [("Saving energy", 1), ("Resting", 2), ("Around the house", 1), ("Getting out", 1)]
    assert "Ask about a course of rehabilitation with a physiotherapist" in doc.sections[0].paragraphs[1]
    # Column by column: every idea comes before every trip, in order.
    house = [p for p in doc.sections[2].paragraphs if isinstance(p, str)]
    out = [p for p in doc.sections[3].paragraphs if isinstance(p, str)]
    assert [p.split(":")[0] for p in house] == [f"Idea {n}" for n in range(6)]
    assert [p.split(":")[0] for p in out] == [f"Trip {n}" for n in range(6)]
    text = words(doc)
    assert "Living well with a muscle condition" not in text and "Page " not in text and "1234567" not in text


@pytest.mark.parametrize(
    ("properties", "title", "expected"),
    [
        ("", "Managing fatigue", [("Saving energy", 1), ("Resting", 2)]),
        ("Managing fatigue", "Managing fatigue", [("Saving energy", 1), ("Resting", 2)]),
        ("Managing fatigue | Northfield", "Managing fatigue | Northfield", [("Saving energy", 1), ("Resting", 2)]),
        # The properties name the leaflet otherwise: its large first line is not lost, it heads a chapter.
        ("Northfield leaflets", "Northfield leaflets", [("Managing fatigue", 1), ("Saving energy", 2), ("Resting", 3)]),
    ],
)
def test_pdf_title_from_the_properties_keeps_the_printed_title(
    tmp_path: Path, properties: str, title: str, expected: list
) -> None:
    blocks = [
        Block("h1", "Saving energy"),
        Block("p", "Plan the day so that harder jobs come when you have most energy."),
        Block("h2", "Resting"),
        Block("p", "Short rests before you are tired help more than one long rest."),
    ]
    data = leaflet_pdf("Managing fatigue", blocks, properties_title=properties)
    doc = read_document(write(tmp_path / "leaflet.pdf", data))
    assert doc.title == title
    assert outline(doc) == expected


def test_pdf_troubles_get_one_clear_line(tmp_path: Path) -> None:
    good = leaflet_pdf("A guide", [Block("h1", "One"), Block("p", "Some text to read.")])
    cases = {
        "scan.pdf": (scanned_pdf(), "looks like a scan"),
        "broken.pdf": (good[:400] + b"\x00garbage" * 50, "damaged PDF"),
        "locked.pdf": (
            leaflet_pdf("A guide", [Block("p", "Secret text.")], encrypt="open-sesame"),
            "protected with a password",
        ),
        "huge.pdf": (many_pages_pdf(401), "up to 400 pages"),
        "notapdf.pdf": (b"Just some words, saved with the wrong name.\n", None),
    }
    for name, (data, message) in cases.items():
        path = write(tmp_path / name, data)
        if message is None:
            with pytest.raises(InputError, match="named like a PDF"):
                read_document(path)
            continue
        with pytest.raises(InputError, match=message) as caught:
            read_document(path)
        assert "\n" not in str(caught.value)


def test_pdf_syntax_pasted_as_text_is_refused(tmp_path: Path) -> None:
    data = leaflet_pdf("A guide", [Block("p", "Some text.")], compress=False)
    body = data[data.index(b"\n") + 1 :]  # the header line gone: what is left is PDF syntax as text
    with pytest.raises(InputError, match="inside of a PDF"):
        read_document(write(tmp_path / "pasted.txt", body))


def test_word_document_lists_tables_and_properties(tmp_path: Path) -> None:
    blocks = [
        Block("h1", "Aids for the kitchen"),
        Block("p", "Small aids can save a lot of effort."),
        Block("li", "a kettle tipper"),
        Block("li", "a jar opener fixed under a shelf"),
        Block("h2", "Where to get them"),
        Block(
            "table",
            rows=[["Aid", "Where", "Cost"], ["Kettle tipper", "Mobility shop", "£20"], ["Jar opener", "Online", "£8"]],
        ),
        Block("h1", "Asking for help"),
        Block("p", "An occupational therapist can suggest what suits you."),
    ]
    doc = read_document(write(tmp_path / "kitchen.docx", guide_docx("Kitchen tips", blocks)))
    assert (doc.title, doc.author, doc.reader) == ("Kitchen tips", "Northfield Myositis Trust", "docx")
    assert outline(doc) == [("Aids for the kitchen", 1), ("Where to get them", 2), ("Asking for help", 1)]
    assert doc.sections[0].paragraphs[1:] == ("A kettle tipper.", "A jar opener fixed under a shelf.")
    table = doc.sections[1].paragraphs[0]
    assert isinstance(table, Table)
    assert table.header == ("Aid", "Where", "Cost")
    assert table.rows == (("Kettle tipper", "Mobility shop", "£20"), ("Jar opener", "Online", "£8"))


@pytest.mark.parametrize(
    ("members", "name", "message"),
    [
        ({"notes.txt": "hello"}, "guide.docx", "zip archive named like a Word document"),
        ({"xl/workbook.xml": "<x/>", "[Content_Types].xml": "<x/>"}, "guide.docx", "Excel workbook"),
        ({"word/document.xml": "this is not XML <<"}, "guide.docx", "Word document"),
        ({"mimetype": "application/epub+zip", "META-INF/container.xml": "<broken"}, "book.epub", "damaged EPUB"),
    ],
)
def test_fake_office_files_are_named_for_what_they_are(members, name: str, message: str, tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    with pytest.raises(InputError, match=message) as caught:
        read_document(write(tmp_path / name, out.getvalue()))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old-style Microsoft Office"),
        (b"{\\rtf1\\ansi Hello}", "Rich Text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG picture"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "JPEG picture"),
    ],
)
def test_unsupported_formats_say_what_is_supported(data: bytes, what: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=what) as caught:
        read_document(write(tmp_path / "thing.bin", data))
    message = str(caught.value)
    assert "PDF" in message and "Word" in message and "Save it as PDF or Word" in message


def test_detection_ignores_a_misleading_name(tmp_path: Path) -> None:
    data = guide_docx("Named wrongly", [Block("h1", "A chapter"), Block("p", "Its text.")])
    doc = read_bytes(data, "notes.txt")
    assert doc.reader == "docx" and doc.title == "Named wrongly"


def test_a_leaflet_laid_out_by_document_templates() -> None:
    """A leaflet made another way (reportlab's platypus: sample-stylesheet headings, the title in the
    same font as chapters, a list, a table, furniture drawn on every page) gives its real outline."""
    from reader_fixtures import platypus_leaflet

    data, expected, keep, drop = platypus_leaflet()
    doc = read_bytes(data, "voice.pdf")
    assert (doc.title, doc.author) == ("Looking after your voice", "Westfield Voice Service")
    assert outline(doc) == expected
    text = words(doc)
    for phrase in keep:
        assert phrase in text
    for furniture in drop:
        assert furniture not in text
    assert not any(line.strip().isdigit() for line in text.splitlines())  # page numbers


def _dose_leaflet() -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    doses = Table([["Week", "Morning", "Evening"], ["1", "40 mg", "20 mg"], ["2", "30 mg", "10 mg"]])
    doses.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    callout = Table([["Call 111 if you feel very unwell."]])
    callout.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black)]))
    story = [
        Paragraph("Steroid doses", styles["Title"]),
        Paragraph("Your doses", styles["Heading2"]),
        Paragraph("Your dose goes down each week, like this.", styles["BodyText"]),
        Spacer(1, 6),
        doses,
        Spacer(1, 6),
        Paragraph("Ask your team before you change a dose.", styles["BodyText"]),
        Spacer(1, 6),
        callout,
        Paragraph("Side effects", styles["Heading2"]),
        Paragraph("Steroids can make it harder to sleep.", styles["BodyText"]),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Steroid doses").build(story)
    return out.getvalue()


def test_a_ruled_pdf_table_is_read_as_a_table_in_its_place() -> None:
    """A table drawn with cell borders becomes a Table (read row by row with its header) where it
    stands; a box drawn round one sentence stays a sentence."""
    doc = read_bytes(_dose_leaflet(), "doses.pdf")
    assert outline(doc) == [("Your doses", 1), ("Side effects", 1)]
    first, table, *rest = doc.sections[0].paragraphs
    assert first == "Your dose goes down each week, like this."
    assert table == Table(
        header=("Week", "Morning", "Evening"), rows=(("1", "40 mg", "20 mg"), ("2", "30 mg", "10 mg"))
    )
    assert all(isinstance(block, str) for block in rest)  # the boxed sentence is prose
    assert " ".join(rest) == "Ask your team before you change a dose. Call 111 if you feel very unwell."
    # The platypus leaflet's table, between two paragraphs of its chapter.
    from reader_fixtures import platypus_leaflet

    found = [
        (section.title, block)
        for section in read_bytes(platypus_leaflet()[0], "voice.pdf").sections
        for block in section.paragraphs
        if isinstance(block, Table)
    ]
    assert found == [
        (
            "Equipment that can help",
            Table(
                header=("Aid", "What it does"),
                rows=(("Amplifier", "Makes your voice louder"), ("Text-to-speech app", "Speaks what you type")),
            ),
        )
    ]


def test_tagged_pdf_headings_come_from_the_tags() -> None:
    from reader_fixtures import tagged_pdf

    blocks = [
        Block("p", "A short note about the clinic before anything else."),
        Block("h1", "Before your visit"),
        Block("p", "Write down your questions and bring a list of your medicines."),
        Block("h2", "Getting there"),
        Block("p", "There is a drop-off bay by the main door."),
        Block("h1", "After your visit"),
        Block("p", "You will get a letter with what was agreed."),
    ]
    doc = read_bytes(tagged_pdf(blocks), "clinic.pdf")
    assert outline(doc) == [
        ("Introduction", 1),
        ("Before your visit", 1),
        ("Getting there", 2),
        ("After your visit", 1),
    ]
    assert doc.sections[2].paragraphs == ("There is a drop-off bay by the main door.",)


def test_a_zip_that_unpacks_to_too_much_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (201 * 1024 * 1024) + b">")
    with pytest.raises(InputError, match="unpacks to 201 MB"):
        read_document(write(tmp_path / "bomb.docx", out.getvalue()))

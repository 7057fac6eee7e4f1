"""Reading plain text, Markdown and HTML into chapters and subsections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audioguide.errors import InputError
from audioguide.model import Table
from audioguide.reader import decode_source, parse, read_document

PAGES = Path(__file__).parent / "fixtures" / "pages"


def outline(doc) -> list[tuple[str, int]]:
    return [(s.title, s.level) for s in doc.sections]


def block_text(block) -> str:
    if isinstance(block, Table):
        return "\n".join([block.caption, *block.header, *(c for row in block.rows for c in row)])
    return block


def all_text(doc) -> str:
    return "\n".join(
        [doc.title or ""]
        + [s.title for s in doc.sections]
        + [block_text(p) for s in doc.sections for p in s.paragraphs]
    )


def test_pasted_page_headings_labels_and_debris(fixtures: Path) -> None:
    doc = read_document(fixtures / "guides" / "pasted.txt")
    assert doc.title == "Hand weakness: Looking after your hands"
    assert outline(doc) == [
        ("Looking after your hands", 1),
        ("What can I do to protect my hands?", 1),
        ("Who can help?", 1),
        ("Occupational therapy", 2),
        ("Physiotherapy", 2),
    ]
    text = all_text(doc)
    for debris in ("lightbulb", "Home >", "Download your factsheet", "Print"):
        assert debris not in text
    assert doc.sections[3].paragraphs[0].startswith("An occupational therapist (OT) can visit you")


def test_markdown_levels_and_introduction(fixtures: Path) -> None:
    doc = read_document(fixtures / "guides" / "simple.md")
    assert doc.title == "A tiny guide"
    assert outline(doc) == [("Introduction", 1), ("First chapter", 1), ("A subsection", 2), ("Second chapter", 1)]
    assert doc.sections[1].paragraphs == ("The first chapter has two sentences. This is the second one.",)


def test_html_ignores_page_furniture(fixtures: Path) -> None:
    doc = read_document(fixtures / "guides" / "page.html")
    assert doc.title == "Resting well"
    assert outline(doc) == [("Introduction", 1), ("Planning rest", 1), ("At night", 2)]
    text = all_text(doc)
    for furniture in ("never read this", "newsletter", "Related pages", "charity number", "About us", "color"):
        assert furniture not in text


def test_plain_text_without_headings_is_one_chapter() -> None:
    doc = parse("Just one paragraph of advice. It has two sentences.\n", "text")
    assert len(doc.sections) == 1
    assert doc.sections[0].paragraphs == ("Just one paragraph of advice. It has two sentences.",)


def test_hard_wrapped_paragraph_is_joined() -> None:
    doc = parse("Title here\n\nFirst line of a paragraph\nthat goes on here and\nends here.\n", "text")
    assert doc.sections[0].paragraphs == ("First line of a paragraph that goes on here and ends here.",)


def test_label_stoplist_keeps_notes_as_prose() -> None:
    doc = parse("Guide\n\nResting\n\nNote: you should always ask your own doctor first.\n", "text")
    assert outline(doc) == [("Resting", 1)]


@pytest.mark.parametrize("expected_file", sorted(PAGES.glob("*.expected.json")), ids=lambda p: p.name.split(".")[0])
def test_unseen_pages(expected_file: Path) -> None:
    """Pages of the same kind the reader was not tuned on come out with the right outline."""
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    source = next(
        p
        for p in PAGES.iterdir()
        if p.name.startswith(expected_file.name.split(".")[0] + ".") and not p.name.endswith(".expected.json")
    )
    doc = read_document(source)
    assert doc.title == expected["title"]
    assert outline(doc) == [(s["title"], s["level"]) for s in expected["sections"]]
    text = all_text(doc)
    for debris in expected["must_not_contain"]:
        assert debris not in text
    for phrase in expected["must_contain"]:
        assert phrase.casefold() in text.casefold()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ],
)
def test_unusable_bytes_give_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_source(data, "guide.txt")


@pytest.mark.parametrize(
    "data",
    [
        "Caf\u00e9 guide\n\nA line about caf\u00e9s.\n".encode("utf-16"),
        "Caf\u00e9 guide\n\nA line about caf\u00e9s.\n".encode("utf-8-sig"),
        "Caf\u00e9 guide\n\nA line about caf\u00e9s.\n".encode("latin-1"),
        "Caf\u00e9 guide\r\n\r\nA line about caf\u00e9s.\r\n".encode(),
        "Caf\u00e9 guide\r\rA line about caf\u00e9s.\r".encode(),
    ],
    ids=["utf16-bom", "utf8-bom", "latin1", "crlf", "cr"],
)
def test_encodings_and_line_endings(data: bytes) -> None:
    text = decode_source(data, "guide.txt")
    assert text.splitlines()[0] == "Caf\u00e9 guide"
    assert "\r" not in text


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path)


def test_only_debris_is_an_error() -> None:
    with pytest.raises(InputError, match="no text"):
        parse("a lightbulb icon\n\nShare this page\n", "text")


# --- a lone top heading and a title given elsewhere --------------------------------------------------


def _front(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n\n{body}"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Leki\n\nWeź jedną tabletkę rano.\n", [("Leki", 1)]),
        ("Wstęp.\n\n# Leki\n\nWeź jedną tabletkę rano.\n", [("Introduction", 1), ("Leki", 1)]),
        # With headings under it, the "#" heads the guide: its "##"s are the chapters, and it names the
        # text before them.
        ("# Meddyginiaethau\n\nTestun.\n\n## Yn y bore\n\nMwy o destun.\n", [("Meddyginiaethau", 1), ("Yn y bore", 1)]),
        ("# Zdrowie\n\n## Leki\n\nTekst.\n\n## Ruch\n\nTekst dwa.\n", [("Leki", 1), ("Ruch", 1)]),
    ],
)
def test_a_lone_h1_unlike_the_front_matter_title_stays_a_chapter(body: str, expected: list) -> None:
    doc = parse(_front("Poradnik dla pacjentów", body), "markdown")
    assert doc.title == "Poradnik dla pacjentów"
    assert outline(doc) == expected


@pytest.mark.parametrize("heading", ["Living with myositis", "living with  Myositis", "Living with myositis."])
def test_a_lone_h1_repeating_the_front_matter_title_is_the_title(heading: str) -> None:
    doc = parse(_front("Living with myositis", f"# {heading}\n\nSome advice.\n\n## Rest\n\nMore advice.\n"), "markdown")
    assert doc.title == "Living with myositis"
    assert outline(doc) == [("Introduction", 1), ("Rest", 1)]


def test_a_lone_h1_without_front_matter_is_still_the_title() -> None:
    doc = parse("# Living with myositis\n\nSome advice.\n\n## Rest\n\nMore advice.\n", "markdown")
    assert doc.title == "Living with myositis"
    assert outline(doc) == [("Introduction", 1), ("Rest", 1)]


@pytest.mark.parametrize(
    ("head", "h1", "title", "expected"),
    [
        # The <title> names the guide and the one h1 a chapter of it: both are kept.
        ("<title>Poradnik dla pacjentów</title>", "Leki", "Poradnik dla pacjentów", [("Leki", 1)]),
        ("<meta property='og:title' content='Canllaw'>", "Meddyginiaethau", "Canllaw", [("Meddyginiaethau", 1)]),
        # The <title> is the h1 with the site's name: the h1 is the title.
        ("<title>Resting well | Northfield Trust</title>", "Resting well", "Resting well", [("Introduction", 1)]),
        ("<title>Overview - Resting well - NHS</title>", "Resting well", "Resting well", [("Introduction", 1)]),
        ("", "Resting well", "Resting well", [("Introduction", 1)]),
    ],
)
def test_html_lone_h1_against_the_page_title(head: str, h1: str, title: str, expected: list) -> None:
    doc = parse(f"<html><head>{head}</head><body><h1>{h1}</h1><p>Some text here.</p></body></html>", "html")
    assert doc.title == title
    assert outline(doc) == expected

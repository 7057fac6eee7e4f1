"""Web pages: the project's own rules, trafilatura, and the two combined, measured on the fixture pages.

Run with ``-s`` to see the measurement table. Each page's expected headings and furniture are in
tests/fixtures/pages/*.expected.json (written by hand for these invented pages).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reader_fixtures import FURNITURE, div_soup_page, guide_blocks

from audioguide.build import example_guide_path, load_document
from audioguide.model import Document, Table
from audioguide.reader import read_document
from audioguide.readers.base import assemble
from audioguide.readers.html import parse_html, read_page

PAGES = Path(__file__).parent / "fixtures" / "pages"


def _source(expected: Path) -> Path:
    stem = expected.name.split(".")[0]
    return next(p for p in PAGES.iterdir() if p.name.startswith(stem + ".") and not p.name.endswith(".json"))


def _text(doc: Document) -> str:
    parts = [doc.title or ""]
    for s in doc.sections:
        parts.append(s.title)
        for p in s.paragraphs:
            parts.extend([p.caption, *p.header, *(c for r in p.rows for c in r)] if isinstance(p, Table) else [p])
    return "\n".join(parts)


def heading_f1(got: list[tuple[str, int]], want: list[tuple[str, int]]) -> float:
    """F1 of (heading, level) pairs: a heading with the wrong level counts as wrong."""
    hits = len(set(got) & set(want))
    if not got or not want or not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(want)
    return 2 * precision * recall / (precision + recall)


def _trafilatura_only(text: str) -> Document:
    import trafilatura

    main = trafilatura.extract(text, output_format="html", include_tables=True, favor_recall=True) or ""
    page = read_page(main, extractor=False)
    own_title = read_page(text, extractor=False).title
    return assemble(own_title, page.events, name="page", reader="html")


def _html_cases() -> list[tuple[str, str, dict[str, object]]]:
    cases = []
    for expected in sorted(PAGES.glob("*.expected.json")):
        source = _source(expected)
        if source.suffix == ".html":
            cases.append((source.stem, source.read_text(encoding="utf-8"), json.loads(expected.read_text("utf-8"))))
    title, blocks = guide_blocks(example_guide_path().read_text(encoding="utf-8"))
    reference = load_document(None)
    cases.append(
        (
            "example-guide-divsoup",
            div_soup_page(title, blocks),
            {
                "title": reference.title,
                "sections": [{"title": s.title, "level": s.level} for s in reference.sections],
                "must_not_contain": FURNITURE,
            },
        )
    )
    return cases


def _measure(mode: str, text: str) -> Document:
    if mode == "own rules":
        return parse_html(text, "page", extractor=False)
    if mode == "trafilatura":
        return _trafilatura_only(text)
    return parse_html(text, "page")


def test_combined_rules_leak_no_furniture_and_find_the_headings() -> None:
    rows = []
    totals: dict[str, list[float]] = {}
    for mode in ("own rules", "trafilatura", "combined"):
        leaked = 0
        items = 0
        f1s = []
        for _, text, expected in _html_cases():
            doc = _measure(mode, text)
            body = _text(doc)
            furniture = list(expected["must_not_contain"])  # type: ignore[call-overload]
            items += len(furniture)
            leaked += sum(1 for item in furniture if item in body)
            want = [(s["title"], s["level"]) for s in expected["sections"]]  # type: ignore[attr-defined]
            f1s.append(heading_f1([(s.title, s.level) for s in doc.sections], want))
        totals[mode] = [leaked, items, sum(f1s) / len(f1s)]
        rows.append(f"{mode:12} furniture leaked {leaked:3}/{items}  mean heading F1 {sum(f1s) / len(f1s):.3f}")
    print("\n" + "\n".join(rows))
    assert totals["combined"][0] == 0
    assert totals["combined"][2] >= 0.95
    # The combination earns its place: it leaks less than either alone, and finds headings as well as the best.
    assert totals["combined"][0] < min(totals["own rules"][0], totals["trafilatura"][0])
    assert totals["combined"][2] >= max(totals["own rules"][2], totals["trafilatura"][2]) - 1e-9


def test_heading_f1_over_every_fixture_page() -> None:
    """Every fixture page (pasted text, Markdown, HTML) gives its real headings: F1 at least 0.95 each."""
    scores = {}
    for expected in sorted(PAGES.glob("*.expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        doc = read_document(_source(expected))
        scores[expected.name.split(".")[0]] = heading_f1(
            [(s.title, s.level) for s in doc.sections], [(s["title"], s["level"]) for s in data["sections"]]
        )
    print("\n" + "\n".join(f"{name:40} F1 {score:.3f}" for name, score in scores.items()))
    assert min(scores.values()) >= 0.95, scores


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ("<html lang='en_GB'><body><p>Text to read.</p></body></html>", "en-GB"),
        ("<html lang='CY'><body><p>Testun i'w ddarllen.</p></body></html>", "cy"),
        ("<html lang='not a tag!'><body><p>Text to read.</p></body></html>", "en"),
        ("<html><head><meta property='og:locale' content='fr_FR'></head><body><p>Un texte.</p></body></html>", "fr-FR"),
    ],
)
def test_language_from_the_page(html: str, language: str) -> None:
    assert parse_html(html, "page").language == language


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (
            "<title>Rest | Site</title><meta property='og:title' content='Resting well'>",
            "<p>Some text here.</p>",
            "Resting well",
        ),
        ("<title>Resting well | Northfield Trust</title>", "<p>Some text here.</p>", "Resting well"),
        ("<title>Site name: Resting well</title>", "<h1>Resting well</h1><p>Some text here.</p>", "Resting well"),
        ("", "<h1>Resting well</h1><p>Some text here.</p>", "Resting well"),
        # A <title> unlike the lone h1 names the page; the h1 then heads its chapter (tests/test_reader.py).
        ("<title>Site name</title>", "<h1>Resting well</h1><p>Some text here.</p>", "Site name"),
    ],
)
def test_title_from_og_title_title_or_h1(head: str, body: str, title: str) -> None:
    assert parse_html(f"<html><head>{head}</head><body>{body}</body></html>", "page").title == title


@pytest.mark.parametrize("head", ["<title>Myositis – Ratgeber</title>", "<title>Verein</title>", ""])
def test_a_lone_h1_over_headings_is_the_title_and_they_are_the_chapters(head: str) -> None:
    doc = parse_html(
        f"<html lang='de'><head>{head}</head><body><h1>Ratgeber Myositis</h1><h2>Medikamente</h2>"
        "<p>Nehmen Sie die Tabletten morgens.</p><h2>Bewegung</h2><p>Gehen Sie jeden Tag spazieren.</p></body></html>",
        "page",
    )
    assert doc.title == "Ratgeber Myositis"
    assert [(s.title, s.level) for s in doc.sections] == [("Medikamente", 1), ("Bewegung", 1)]


def test_html_table_with_header_and_caption() -> None:
    doc = parse_html(
        "<html><body><h2>Costs</h2><p>What each aid costs.</p><table><caption>Prices in 2026</caption>"
        "<thead><tr><th>Aid</th><th>Price</th></tr></thead><tbody><tr><td>Tap turner</td><td>£6</td></tr>"
        "<tr><td>Key turner</td><td>£4</td></tr></tbody></table></body></html>",
        "page",
    )
    table = doc.sections[0].paragraphs[1]
    assert table == Table(
        header=("Aid", "Price"), rows=(("Tap turner", "£6"), ("Key turner", "£4")), caption="Prices in 2026"
    )


def test_a_click_here_link_keeps_its_address_and_other_links_their_words() -> None:
    doc = parse_html(
        "<html lang='en'><head><title>Help</title></head><body><main><h1>Getting help</h1><h2>Benefits</h2>"
        "<p>You may be able to get money towards the cost of care at home. For the forms, "
        "<a href='https://www.gov.uk/care-allowance/how-to-claim'>click here</a>. A local advice centre can "
        "check the forms for you before you send them off.</p>"
        "<p>The charity has a helpline and a long guide to daily life with the condition. Read it "
        "<a href='https://example.org/guide/'>here</a>.</p>"
        "<p>Read the <a href='https://example.org/rest'>guide to resting well</a> when you feel tired.</p>"
        "<p>See <a href='/local'>this page</a> for the local groups that meet in many towns every month.</p>"
        "</main></body></html>",
        "page",
    )
    text = " ".join(str(p) for s in doc.sections for p in s.paragraphs)
    assert "For the forms, visit www.gov.uk/care-allowance/how-to-claim." in text
    assert "Read it at example.org/guide." in text
    assert "Read the guide to resting well when you feel tired." in text  # its words say where it goes
    assert "See this page for the local groups" in text  # no address a listener could use
    assert "click here" not in text and "](" not in text

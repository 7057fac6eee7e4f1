"""Pasted text and Markdown: front matter, cookie notices, tables; bounded inputs (issue 18)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioguide.build import BuildOptions, load_script
from audioguide.cli import app
from audioguide.errors import InputError
from audioguide.model import Table
from audioguide.reader import parse, read_document
from audioguide.readers import READERS
from audioguide.readers.base import MAX_SOURCE_BYTES

BODY = "## Resting\n\nShort rests help more than one long one.\n\n## Moving\n\nGentle stretches keep joints supple.\n"


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: Rest and pacing\nauthor: Northfield Myositis Trust\nlanguage: en-GB\n"
        "description: Ways to save energy.\n---\n",
        '+++\ntitle = "Rest and pacing"\nauthor = "Northfield Myositis Trust"\nlanguage = "en-GB"\n'
        'description = "Ways to save energy."\n+++\n',
        "---\ntitle: 'Rest and pacing'\nauthors:\n  - Northfield Myositis Trust\nlang: en_GB\n"
        "summary: Ways to save energy.\n---\n",
    ],
    ids=["yaml", "toml", "yaml-list-and-aliases"],
)
def test_front_matter_gives_settings_and_is_never_spoken(front: str, tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(front + BODY, encoding="utf-8")
    doc = read_document(path)
    assert (doc.title, doc.author, doc.language, doc.description) == (
        "Rest and pacing",
        "Northfield Myositis Trust",
        "en-GB",
        "Ways to save energy.",
    )
    assert [s.title for s in doc.sections] == ["Resting", "Moving"]
    script = load_script(BuildOptions(source=path))
    spoken = " ".join(u.text for c in script.chapters for u in c.utterances)
    assert "author" not in spoken.lower() and "Ways to save energy" not in spoken
    assert script.title == "Rest and pacing" and script.language == "en-GB"
    # An option given by the user wins over the front matter.
    assert load_script(BuildOptions(source=path, title="Mine", language="en-US")).title == "Mine"


def test_a_rule_at_the_top_is_not_front_matter() -> None:
    doc = parse("---\n\nJust a rule and then text to read aloud.\n", "markdown")
    assert doc.sections[0].paragraphs == ("Just a rule and then text to read aloud.",)


def test_front_matter_without_a_title_keeps_the_heading() -> None:
    doc = parse("---\nauthor: A. Writer\n---\n# The heading title\n\nText here to read.\n", "markdown")
    assert (doc.title, doc.author) == ("The heading title", "A. Writer")


@pytest.mark.parametrize(
    "banner",
    [
        "We use cookies to give you the best experience on our website.\nAccept all cookies\nReject all\n"
        "Manage preferences\n\n",
        "This site uses cookies. By continuing you agree to our cookie policy.\n\nAccept\n\nCookie settings\n\n",
        "Your privacy\nWe and our partners use cookies to personalise content. Allow all or choose.\n\nAllow all\n\n",
    ],
)
def test_a_pasted_page_starting_with_a_cookie_banner(banner: str) -> None:
    text = banner + "Managing fatigue\n\nPlan your day so the hard jobs come when you have most energy.\n\n"
    text += "Pacing\n\nBreak big jobs into smaller ones with rests between them.\n"
    doc = parse(text, "text")
    assert doc.title == "Managing fatigue"
    assert [s.title for s in doc.sections][-1] == "Pacing"
    spoken = " ".join(
        [doc.title or "", *(s.title for s in doc.sections), *(str(p) for s in doc.sections for p in s.paragraphs)]
    )
    for word in ("cookie", "Accept", "Allow all", "Reject", "preferences", "privacy"):
        assert word.lower() not in spoken.lower()


@pytest.mark.parametrize("sep", ["\t", "    "], ids=["tabs", "spaces"])
def test_pasted_table(sep: str) -> None:
    rows = [["Aid", "Where to get it", "Cost"], ["Tap turner", "Mobility shop", "£6"], ["Key turner", "Online", "£4"]]
    table_text = "\n".join(sep.join(r) for r in rows)
    doc = parse(f"Kitchen aids\n\nSome aids that help.\n\n{table_text}\n\nAsk an OT first.\n", "text")
    blocks = doc.sections[0].paragraphs
    assert blocks[0] == "Some aids that help."
    assert blocks[1] == Table(header=tuple(rows[0]), rows=(tuple(rows[1]), tuple(rows[2])))
    assert blocks[2] == "Ask an OT first."


def test_prose_with_double_spaces_is_not_a_table() -> None:
    doc = parse("Resting\n\nRest often.  It helps a lot.\nTake breaks.  Sit when you can.\n", "text")
    assert all(isinstance(p, str) for p in doc.sections[0].paragraphs)


def test_markdown_table() -> None:
    doc = parse("## Costs\n\n| Aid | Cost |\n|---|---|\n| Tap turner | £6 |\n| Key turner | £4 |\n", "markdown")
    assert doc.sections[0].paragraphs == (
        Table(header=("Aid", "Cost"), rows=(("Tap turner", "£6"), ("Key turner", "£4"))),
    )


# ----------------------------------------------------------------------------- bounded inputs


def test_dev_zero_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        read_document(Path("/dev/zero"))
    assert time.monotonic() - started < 1


def test_a_fifo_with_no_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputError, match="is a pipe"):
        read_document(fifo)
    assert time.monotonic() - started < 1


def test_a_five_megabyte_word_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "word.txt"
    path.write_text("Title\n\n" + "a" * 5_000_000 + "\n")
    started = time.monotonic()
    with pytest.raises(InputError, match="5,000,000 characters without a space") as caught:
        read_document(path)
    assert time.monotonic() - started < 2
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_long_words_are_refused_in_every_format(fmt: str) -> None:
    word = "b" * 1200
    text = f"<p>Some text {word}</p>" if fmt == "html" else f"## Part\n\nSome text {word}\n"
    with pytest.raises(InputError, match=r"1,20\d characters without a space"):
        parse(text, fmt)


def test_a_passage_without_any_sentence_end_is_refused() -> None:
    with pytest.raises(InputError, match="a sentence of 500 words"):
        parse("Resting\n\n" + "rest " * 500 + "\n", "text")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)  # sparse: nothing is written, nothing need be read
    with pytest.raises(InputError, match="more than 25 MB"):
        read_document(path)


def test_readers_registry_says_what_each_needs() -> None:
    assert list(READERS) == ["pdf", "docx", "epub", "html", "markdown", "text"]
    for cls in READERS.values():
        assert cls.enabled()
    assert "pip install pdfplumber" in READERS["pdf"].disabled_message()


def test_cli_sections_names_the_reader_and_refuses_odd_sources(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("---\ntitle: Pacing\nlanguage: fr\n---\n" + BODY, encoding="utf-8")
    result = CliRunner().invoke(app, ["sections", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["Pacing", "  (read by the markdown reader; language fr)"]
    result = CliRunner().invoke(app, ["sections", "/dev/zero"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: /dev/zero is a device or socket, not a regular file; save the guide to a file and give that."
    ]


def test_build_takes_author_and_description_from_the_document(tmp_path: Path) -> None:
    """Front matter fills the author and description the user did not give; a given option wins."""
    import feedparser

    from audioguide.build import build

    path = tmp_path / "guide.md"
    path.write_text("---\nauthor: Northfield Myositis Trust\ndescription: Pacing tips.\n---\n" + BODY, encoding="utf-8")
    result = build(BuildOptions(source=path, out=tmp_path / "a", engine="fake"))
    parsed = feedparser.parse(result.feed.read_bytes())
    assert parsed.feed.author == "Northfield Myositis Trust"
    assert parsed.feed.subtitle == "Pacing tips." or parsed.feed.summary == "Pacing tips."
    result = build(BuildOptions(source=path, out=tmp_path / "b", engine="fake", author="Me", description="Mine."))
    parsed = feedparser.parse(result.feed.read_bytes())
    assert parsed.feed.author == "Me" and "Mine." in (parsed.feed.get("subtitle", ""), parsed.feed.get("summary", ""))


def test_a_five_megabyte_word_in_a_web_page_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "word.html"
    path.write_text("<html><body><h1>T</h1><p>" + "a" * 5_000_000 + "</p></body></html>")
    started = time.monotonic()
    with pytest.raises(InputError, match="5,000,000 characters without a space"):
        read_document(path)
    assert time.monotonic() - started < 2


def test_long_attribute_values_in_a_page_are_not_words() -> None:
    """A picture inlined as a data address is markup, not text to read."""
    page = f"<html><body><p>Rest often.</p><img src='data:image/png;base64,{'A' * 5000}'></body></html>"
    assert parse(page, "html").sections[0].paragraphs == ("Rest often.",)

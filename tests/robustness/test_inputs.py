"""Bad and odd input: every case is a clear one-line error or a sensible build, never a traceback."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from audioguide.cli import app

runner = CliRunner()
SEED_LIKE = "Resting well\n\nRest helps. Plan short breaks.\n\nWhat can I do?\n\nPace yourself through the day.\n"


def _write(content: bytes | str, name: str = "guide.txt") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return make


def _big(folder: Path) -> Path:
    path = folder / "big.txt"
    paragraph = ("Walking aids such as sticks and frames can make getting about safer and less tiring. " * 6).strip()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(20 * 1024 * 1024 // (len(paragraph) + 40)):
            if i % 50 == 0:
                fh.write(f"Part {i // 50 + 1}\n\n")
            fh.write(f"This is paragraph {i} of a very long page. {paragraph}\n\n")
    return path


def _headings(n: int, length: int = 0, same: bool = False, per_chapter: int = 1) -> Callable[[Path], Path]:
    lines = []
    for i in range(n):
        title = "Living well" if same else (f"Topic {i + 1} " + "long " * (length // 5))[: length or 40].strip()
        level = "##" if i % per_chapter == 0 else "###"
        lines.append(f"{level} {title}\n\nA short paragraph about topic {i + 1}.\n")
    return _write("# Many headings\n\n" + "\n".join(lines), "guide.md")


HOSTILE_TITLE = 'Care & <script>alert("x")</script> ]]> "quotes" \'apostrophes\' \x07bell'

# (id, how to make the source, expected outcome: "ok" or a regex of the one-line error)
CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("empty", _write(b""), r"empty"),
    ("whitespace-only", _write(b" \n\t\n \r\n"), r"empty"),
    ("binary-renamed-txt", _write(bytes(range(256)) * 40), r"binary"),
    ("png-renamed-txt", _write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), r"PNG picture.*Save it as PDF or Word"),
    ("invalid-utf8", _write(b"Caf\xe9 guide\n\nA caf\xe9 visit is a treat.\n"), "ok"),
    ("utf16-bom", _write(SEED_LIKE.encode("utf-16")), "ok"),
    ("latin1", _write("Café guide\n\nRest in a café.\n".encode("latin-1")), "ok"),
    ("crlf", _write(SEED_LIKE.replace("\n", "\r\n")), "ok"),
    ("lone-cr", _write(SEED_LIKE.replace("\n", "\r")), "ok"),
    ("no-headings", _write("Rest helps. Plan short breaks. Pace yourself through the day.\n"), "ok"),
    ("twenty-megabytes", _big, r"words.*Split it into several guides"),
    ("thousand-headings", _headings(1000, per_chapter=100), "ok"),
    ("duplicate-headings", _headings(3, same=True), "ok"),
    ("500-character-heading", _headings(2, length=500), "ok"),
    ("emoji", _write("Staying well 💪\n\nDrink water 💧 and rest 😴 often.\n"), "ok"),
    ("right-to-left", _write("العناية بالنفس\n\nاسترح كثيرا. Rest often.\n"), "ok"),
    ("combining", _write("Cafe\u0301 guide\n\nZ\u0351\u0352a\u0353lgo text is still read.\n"), "ok"),
    (
        "markdown-raw-html",
        _write(
            "# Guide\n\n## Part\n\n<div><script>alert(1)</script><p>Kept words.</p></div>\n\nMore <b>bold</b> words.\n",
            "guide.md",
        ),
        "ok",
    ),
    (
        "html-scripts-iframes-forms",
        _write(
            "<html><body><main><h1>T</h1><h2>Part</h2><p>Real text.</p><script>alert(1)</script>"
            "<iframe src='x'></iframe><form><p>Your email</p><input></form></main></body></html>",
            "guide.html",
        ),
        "ok",
    ),
    (
        "hostile-title",
        _write(
            f"# {HOSTILE_TITLE}\n\n## A <b>part</b> & more\n\nText with ]]> and --> and a verylongword{'x' * 300}.\n",
            "guide.md",
        ),
        "ok",
    ),
    ("only-debris", _write("a lightbulb icon\n\nShare this page\n\nPrint\n"), r"no text"),
    ("missing-file", lambda folder: folder / "nope.txt", r"no file"),
    ("directory", lambda folder: folder, r"folder"),
]


def _check_build(out: Path) -> None:
    """A sensible build: every chapter speaks, and every text output is well-formed."""
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["chapters"]
    for chapter in data["chapters"]:
        kinds = ("orientation",) if chapter["kind"] == "contents" else ("sentence",)
        spoken = [s for s in chapter["sentences"] if s["kind"] in kinds]
        assert spoken, f"chapter {chapter['title']!r} says nothing of the guide"
        assert chapter["duration"] > 0.5 and (out / chapter["audio"]).stat().st_size == chapter["bytes"]
        vtt = (out / chapter["files"]["vtt"]).read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT") and "<script" not in vtt and "-->" not in vtt.replace(" --> ", "")
        ET.fromstring(
            (out / chapter["files"]["html"])
            .read_text(encoding="utf-8")
            .split("\n", 1)[1]
            .replace('<meta charset="utf-8">', '<meta charset="utf-8"/>')
            .replace('initial-scale=1">', 'initial-scale=1"/>')
        )
    root = ET.fromstring((out / "feed.xml").read_bytes())
    assert root.find("channel") is not None
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo
    for path in out.rglob("*"):
        assert out in path.resolve().parents or path.resolve() == out
        assert not path.name.endswith(".part")


@pytest.mark.parametrize(("case", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_input(case: str, make: Callable[[Path], Path], expected: str, tmp_path: Path, tally: Counter[str]) -> None:
    tally["input"] += 1
    source = make(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1"])
    assert "Traceback" not in result.output
    if expected == "ok":
        assert result.exit_code == 0, result.output
        _check_build(out)
        tally["outcome:built"] += 1
    else:
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert re.search(expected, lines[0]), lines[0]
        assert not out.exists() or not any(out.rglob("*.mp3"))
        tally["outcome:clear error"] += 1


def test_hostile_title_is_escaped_everywhere(tmp_path: Path, tally: Counter[str]) -> None:
    tally["input"] += 1
    source = _write("Guide\n\nPart & parcel ]]>\n\nSome <i>text</i> here ]]> and more.\n")(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1", "--title", HOSTILE_TITLE]
    )
    assert result.exit_code == 0, result.output
    # The title reaches the feed as text, exactly, and never as markup.
    expected = 'Care & <script>alert("x")</script> ]]> "quotes" \'apostrophes\' bell'
    title = ET.fromstring((out / "feed.xml").read_bytes()).findtext("channel/title")
    assert title == expected
    # The manifest is JSON: the title is a string there (markup in it is only text), as given less the bell.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["title"] == expected
    for name in ("feed.xml", "manifest.json"):
        assert "\x07" not in (out / name).read_text(encoding="utf-8")
    assert "<script>" not in (out / "feed.xml").read_text(encoding="utf-8")
    for path in (out / "audio").glob("*.vtt"):
        assert "<script>" not in path.read_text(encoding="utf-8")
    for path in (out / "audio").glob("*.html"):
        assert "<script>" not in path.read_text(encoding="utf-8")
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    tally["outcome:built"] += 1

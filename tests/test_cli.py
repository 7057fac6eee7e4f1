"""The command line, through typer's CliRunner: help, outlines, and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioguide import __version__
from audioguide.cli import app

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def run(*args: str):
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"audioguide {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_documented(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) > 3
    assert f"audioguide {command}" in README, f"README does not mention 'audioguide {command}'"


def test_sections_json_shape(fixtures: Path) -> None:
    result = run("sections", str(fixtures / "guides" / "simple.md"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "A tiny guide"
    assert [(s["title"], s["level"], s["slug"]) for s in data["sections"]] == [
        ("Introduction", 1, "introduction"),
        ("First chapter", 1, "first-chapter"),
        ("A subsection", 2, "a-subsection"),
        ("Second chapter", 1, "second-chapter"),
    ]
    assert [s["words"] for s in data["sections"]] == [6, 11, 5, 3]


def test_sections_without_source_reads_the_bundled_guide() -> None:
    result = run("sections", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "Living with inclusion body myositis"
    assert len([s for s in data["sections"] if s["level"] == 1]) >= 5


def test_script_json_lists_every_sentence(fixtures: Path) -> None:
    result = run("script", str(fixtures / "guides" / "simple.md"), "--json", "--no-contents")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first = data["chapters"][1]
    texts = [u["text"] for u in first["utterances"]]
    assert texts[:4] == [
        "Chapter 2 of 3.",
        "First chapter.",
        "The first chapter has two sentences.",
        "This is the second one.",
    ]
    assert first["utterances"][0]["speech"] == "Chapter two of three."


@pytest.mark.parametrize(
    ("content", "pattern"),
    [(b"", "empty"), (b"\x00\x01\x02binary\x00" * 50, "binary"), (b"a lightbulb icon\n", "no text")],
    ids=["empty", "binary", "only-debris"],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, content: bytes, pattern: str) -> None:
    source = tmp_path / "guide.txt"
    source.write_bytes(content)
    for command in ("sections", "build"):
        args = [command, str(source)] + (
            ["--out", str(tmp_path / "out"), "--engine", "fake"] if command == "build" else []
        )
        result = run(*args)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and pattern in lines[0]
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_source_and_unknown_engine(tmp_path: Path, fixtures: Path) -> None:
    result = run("build", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1 and "no file" in result.output
    result = run("build", str(fixtures / "guides" / "simple.md"), "--engine", "nope", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert re.search(r"no speech engine called 'nope'.*pyttsx3", result.output)


def test_engines_lists_availability() -> None:
    result = run("engines")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines() if not line.startswith(" ")]
    assert names[:3] == ["auto", "pyttsx3", "gtts"] and "fake" in names
    assert re.search(r"^gtts\s+available\s+online", result.output, re.M)
    # auto, the default, says what it picks for an English guide here and why.
    assert re.search(r"^auto\s+the default\s+For English it (picks (piper|pyttsx3)|finds nothing)", result.output, re.M)


def test_build_with_fake_engine_reports_where(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "out"
    result = run("build", str(fixtures / "guides" / "simple.md"), "--engine", "fake", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Podcast feed: {out / 'feed.xml'}" in result.output
    assert "Warning: No --base-url" in result.output
    assert (out / "feed.xml").exists() and (out / "manifest.json").exists()


def _gaps(out: Path) -> tuple[list[tuple[str, float]], float]:
    """(kind, pause after it) for each sentence of every chapter, and the last chapter's tail (the
    manifest rounds times to milliseconds)."""
    import json

    chapters = json.loads((out / "manifest.json").read_text())["chapters"]
    gaps = [
        (a["kind"], round(b["start"] - a["end"], 3))
        for c in chapters
        for a, b in zip(c["sentences"], c["sentences"][1:], strict=False)
    ]
    return gaps, round(chapters[-1]["duration"] - chapters[-1]["sentences"][-1]["end"], 3)


def test_pauses_from_the_command_line_and_the_settings_file(tmp_path: Path, fixtures: Path) -> None:
    import shutil

    guide = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", guide)
    out = tmp_path / "out"
    result = run("build", str(guide), "-e", "fake", "-o", str(out), "--pauses", "sentence=0.7, tail=2")
    assert result.exit_code == 0, result.output
    gaps, tail = _gaps(out)
    frame = 576 / 22050 + 0.002  # a pause may grow by up to one MP3 frame; times are rounded
    assert any(kind == "sentence" and 0.699 <= gap < 0.7 + frame for kind, gap in gaps)
    assert 1.999 <= tail < 2 + frame
    (tmp_path / "audioguide.toml").write_text("[pauses]\nheading = 2.5\nsentence = 0.3\n")
    result = run("build", str(guide), "-e", "fake", "-o", str(out), "--pauses", "sentence=0.6")
    assert result.exit_code == 0, result.output
    gaps, tail = _gaps(out)
    assert any(2.499 <= gap < 2.5 + frame for _, gap in gaps)  # before a subheading: from the file
    assert any(kind == "sentence" and 0.599 <= gap < 0.6 + frame for kind, gap in gaps)  # the option wins
    assert 1.199 <= tail < 1.2 + frame  # the default


@pytest.mark.parametrize(
    ("pauses", "message"),
    [
        ("sentense=0.7", "there is no pause called 'sentense'"),
        ("tail=-1", "tail should be a number of seconds from 0 to 10"),
        ("sentence", "write each pause as name=seconds"),
    ],
)
def test_bad_pauses_are_one_clear_line(tmp_path: Path, fixtures: Path, pauses: str, message: str) -> None:
    result = run(
        "build", str(fixtures / "guides" / "simple.md"), "-e", "fake", "-o", str(tmp_path / "out"), "--pauses", pauses
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_sections_counts_the_words_of_tables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A table is a block of its own (not a paragraph string): its caption, headers and cells are counted."""
    import audioguide.build
    from audioguide.model import Document, Section, Table

    table = Table(header=("Drug", "Dose"), rows=(("riluzole", "50 mg"), ("none", "")), caption="Doses in short")
    document = Document(
        title="Tabled",
        sections=(Section("Medicines", 1, ("Two sentences here. And here.", table)), Section("Notes", 2, ("One.",))),
    )
    monkeypatch.setattr(audioguide.build, "load_document", lambda source, max_words=None: document)
    result = runner.invoke(app, ["sections", str(tmp_path / "any.md"), "--json"])
    assert result.exit_code == 0, result.output
    sections = json.loads(result.output)["sections"]
    # 5 words of prose; 3 + 2 + 4 in the table (caption, headers, cells: riluzole, 50 mg, none)
    assert [s["words"] for s in sections] == [5 + 3 + 2 + 4, 1]

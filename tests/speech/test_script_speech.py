"""The script stage: tables row by row, furniture by its place, repeats across the guide, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioguide.cli import app
from audioguide.model import Document, Section, Table
from audioguide.script import ScriptOptions, make_script, table_lines
from audioguide.speech import Lexicon, normalise

NO_LEXICON = Lexicon(entries={})
PLAIN = ScriptOptions(contents=False, signposts=False, engine="gtts", lexicon=NO_LEXICON)

DOSES = Table(
    header=("Weeks", "Daily dose", "Blood test"),
    rows=(("1-4", "7.5mg", "Every 2 weeks"), ("5-12", "10mg", "Every month"), ("13 onwards", "15mg", "")),
    caption="Methotrexate doses",
)


def sentences(document: Document) -> list[tuple[str, str, str]]:
    script = make_script(document, PLAIN)
    return [(u.text, u.speech, u.pause_after) for c in script.chapters for u in c.utterances if u.kind == "sentence"]


def test_table_rows_are_read_with_their_headers() -> None:
    assert table_lines(DOSES) == [
        "Table: Methotrexate doses.",
        "Weeks 1-4: daily dose, 7.5mg; blood test, every 2 weeks.",
        "Weeks 5-12: daily dose, 10mg; blood test, every month.",
        "13 onwards: daily dose, 15mg.",
    ]


def test_a_table_in_a_guide_is_spoken_row_by_row_with_a_list_item_pause() -> None:
    document = Document(
        title="Methotrexate",
        sections=(Section("Your doses", 1, ("Your dose goes up slowly.", DOSES, "Ask if unsure.")),),
    )
    said = sentences(document)
    assert [s for _, s, _ in said] == [
        "Your dose goes up slowly.",
        "Table: Methotrexate doses.",
        "Weeks one to four: daily dose, seven point five milligrams; blood test, every two weeks.",
        "Weeks five to twelve: daily dose, ten milligrams; blood test, every month.",
        "thirteen onwards: daily dose, fifteen milligrams.",
        "Ask if unsure.",
    ]
    assert [p for _, _, p in said[1:5]] == ["paragraph"] * 4


def test_a_table_without_headers_or_caption() -> None:
    table = Table(header=(), rows=(("Monday", "Physio", "10am"), ("Wednesday", "Swimming", "2pm")))
    assert table_lines(table) == ["Monday: Physio; 10am.", "Wednesday: Swimming; 2pm."]


def test_breadcrumb_at_the_top_is_dropped_but_steps_in_the_body_are_read() -> None:
    document = Document(
        title="Inclusion body myositis",
        sections=(
            Section(
                "Inclusion body myositis",
                1,
                ("Health A to Z > Conditions > Inclusion body myositis.", "IBM weakens muscles slowly."),
            ),
            Section("Getting up", 1, ("Sit → stand → walk.", "Take your time.")),
        ),
    )
    said = [s for _, s, _ in sentences(document)]
    assert said == ["I B M weakens muscles slowly.", "Sit, then stand, then walk.", "Take your time."]


def test_a_breadcrumb_taken_for_the_title_gives_way_to_the_page_name() -> None:
    document = Document(
        title="Health A to Z > Conditions > Inclusion body myositis",
        sections=(Section("Inclusion body myositis", 1, ("IBM weakens muscles slowly.",)),),
    )
    script = make_script(document, ScriptOptions(engine="gtts", lexicon=NO_LEXICON))
    assert script.title == "Inclusion body myositis"


def test_a_step_list_at_the_top_is_not_a_breadcrumb() -> None:
    document = Document(
        title="Getting up safely",
        sections=(Section("Getting up safely", 1, ("Sit → stand → walk.", "Rest between steps.")),),
    )
    assert [s for _, s, _ in sentences(document)][0] == "Sit, then stand, then walk."


def test_paragraphs_repeated_anywhere_in_the_guide_are_said_once() -> None:
    footer = "If you feel unwell, call 111 or your GP surgery."
    document = Document(
        title="Guide",
        sections=(
            Section("One", 1, ("Rest often.", footer)),
            Section("Two", 1, ("Eat well.", "If you feel  unwell, call 111 or your GP surgery.", "Yes.")),
            Section("Three", 1, ("Sleep well.", footer, "Yes.")),
        ),
    )
    texts = [t for t, _, _ in sentences(document)]
    assert texts.count(footer) == 1
    assert texts.count("Yes.") == 2  # too short to be boilerplate: it may belong where it stands


def _guide(tmp_path: Path) -> Path:
    source = tmp_path / "guide.md"
    source.write_text("# Doses\n\nAsk about riluzole at 9am.\n", encoding="utf-8")
    return source


def test_script_uses_the_settings_file_lexicon_like_build(tmp_path: Path) -> None:
    source = _guide(tmp_path)
    (tmp_path / "words.toml").write_text('[words]\nriluzole = "rilly oo zole"\n', encoding="utf-8")
    (tmp_path / "audioguide.toml").write_text('lexicon = "words.toml"\nengine = "gtts"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["script", str(source), "--no-contents", "--no-signposts"])
    assert result.exit_code == 0, result.output
    assert "Ask about rilly oo zole at nine AM." in result.output
    given = CliRunner().invoke(app, ["script", str(source), "--engine", "piper", "--no-contents"])
    assert given.exit_code == 0, given.output
    assert "rilly oo zole" in given.output  # a user entry without phonemes is respelled for any engine


def test_script_shows_rule_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(step: object, text: str) -> str:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(normalise, "RULES", [(n, broken if n == "numbers" else None) for n, _ in normalise.RULES])
    result = CliRunner().invoke(app, ["script", str(_guide(tmp_path)), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    assert "Ask about riluzole at 9am." in result.stdout
    assert "Warning: The numbers rule failed on" in result.stderr


def test_build_reports_rule_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build says which sentence a failing rule left as written, as `audioguide script` does."""
    from audioguide.build import BuildOptions, build

    def broken(step: object, text: str) -> str:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(normalise, "RULES", [(n, broken if n == "numbers" else None) for n, _ in normalise.RULES])
    result = build(
        BuildOptions(source=_guide(tmp_path), out=tmp_path / "out", engine="fake", cache_dir=tmp_path / "cache", jobs=1)
    )
    assert any("The numbers rule failed on" in w and "9am" in w for w in result.warnings), result.warnings

"""Golden files: the speech script of the bundled guide, exactly as it will be spoken.

A change to the speech rules shows up here as a readable diff. To accept a change on purpose:
    AUDIOGUIDE_REFRESH_GOLDEN=1 ./scripts/test tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from audioguide.cli import app

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AUDIOGUIDE_REFRESH_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} changed; see the diff, and refresh it if the change is right"


def test_speech_script_of_the_bundled_guide() -> None:
    result = CliRunner().invoke(app, ["script"])
    assert result.exit_code == 0, result.output
    check_golden("example-guide.script.txt", result.output)


def test_speech_script_of_a_pasted_page(fixtures: Path) -> None:
    result = CliRunner().invoke(app, ["script", str(fixtures / "guides" / "pasted.txt"), "--json"])
    assert result.exit_code == 0, result.output
    check_golden("pasted.script.json", result.output)


PAGES = Path(__file__).parent / "speech" / "pages"


def test_speech_script_of_a_page_of_numbers_and_addresses() -> None:
    result = CliRunner().invoke(app, ["script", str(PAGES / "getting-help.txt")])
    assert result.exit_code == 0, result.output
    check_golden("getting-help.script.txt", result.output)


def test_speech_script_of_a_page_of_doses_for_piper() -> None:
    result = CliRunner().invoke(app, ["script", str(PAGES / "doses.txt"), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    check_golden("doses.piper.script.txt", result.output)

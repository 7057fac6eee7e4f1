"""Publishers and engines are found by scanning their packages: a new output format or engine is one
new module and nothing else, and a module that fails to import fails the build loudly."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

import audioguide.engines as engines
import audioguide.publish as publish
from audioguide.build import BuildOptions, build
from audioguide.cli import app
from audioguide.errors import InputError

SHOUT = '''
"""A test output format: every chapter title in capitals."""

from audioguide.fsutil import write_atomic
from audioguide.publish import Published, register
from audioguide.publish.feed import Episode, Media


@register("shout", "chapter titles in capitals")
def publish(ctx):
    text = "".join(c.script.title.upper() + "\\n" for c in ctx.chapters)
    write_atomic(ctx.out / "shout.txt", text)
    first = ctx.chapters[0]
    extra = Episode(
        title="Shouted", description="Loud.", guid="shout-1", pub_date=first.pub_date,
        media=Media(url=first.audio, bytes=first.bytes, duration=first.duration),
    )
    return Published(["shout.txt"], episodes=(extra,), manifest={"shouted": True})
'''

BEEP = '''
"""A test engine: the fake engine's tone under another name, listed first."""

from typing import ClassVar

from audioguide.engines import register
from audioguide.engines.fake import FakeEngine


@register
class BeepEngine(FakeEngine):
    name: ClassVar[str] = "beep"
    summary: ClassVar[str] = "A beep."
    rank: ClassVar[int] = -1
'''


@pytest.fixture
def guide(tmp_path: Path, fixtures: Path) -> Path:
    target = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", target)
    return target


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Drop a module into a package's search path, as adding a file to the package would."""
    added: list[str] = []

    def add(package: object, name: str, source: str) -> None:
        folder = tmp_path / f"plugin-{name}"
        folder.mkdir()
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])  # type: ignore[attr-defined]
        added.append(f"{package.__name__}.{name}")  # type: ignore[attr-defined]

    # Registrations go into copies of the registries, filled first, which are thrown away afterwards.
    monkeypatch.setattr(publish, "_REGISTRY", dict(publish.registry()))
    engines.engine_names()
    monkeypatch.setattr(engines, "ENGINES", dict(engines.ENGINES))
    yield add
    for name in added:
        sys.modules.pop(name, None)


def test_a_new_output_format_is_one_module(guide: Path, tmp_path: Path, plugin) -> None:  # type: ignore[no-untyped-def]
    assert "shout" not in publish.registry()
    plugin(publish, "shout", SHOUT)
    assert "shout (chapter titles in capitals)" in publish.formats_help()
    with pytest.raises(InputError, match="Choose from: .*shout"):
        publish.chosen(("whisper",))
    out = tmp_path / "out"
    result = build(BuildOptions(source=guide, out=out, engine="fake", jobs=1, formats=("shout",)))
    titles = [c.script.title.upper() for c in result.chapters]
    assert (out / "shout.txt").read_text(encoding="utf-8").splitlines() == titles
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["shout"] == ["shout.txt"] and manifest["shouted"] is True
    items = ET.parse(out / "feed.xml").getroot().findall("channel/item")
    assert [i.findtext("guid") for i in items] == [c.guid for c in result.chapters] + ["shout-1"]


def test_run_order_comes_from_the_registry() -> None:
    names = [e.name for e in publish.chosen(("mp3", "daisy", "mp3"))]
    assert names == ["transcripts", "mp3", "daisy", "page"]
    assert [e.name for e in publish.chosen(())] == ["transcripts", "page"]
    for always in ("page", "transcripts"):
        with pytest.raises(InputError, match=f"Unknown format '{always}'"):
            publish.chosen((always,))
    assert {e.name for e in publish.formats()} == {"mp3", "m4b", "daisy", "epub"}
    assert publish.registry()["mp3"].tools == ("ffmpeg",)


def test_formats_help_lists_every_format() -> None:
    result = CliRunner().invoke(app, ["build", "--help"], terminal_width=400)
    text = " ".join(result.output.split())
    for entry in publish.formats():
        assert f"{entry.name} ({' '.join(entry.help.split())})" in text


def test_a_publisher_that_cannot_be_imported_fails_the_build(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a broken page module was skipped: the build said nothing and wrote no index.html."""
    monkeypatch.setitem(sys.modules, "audioguide.publish.page", None)  # import of it now raises ImportError
    out = tmp_path / "out"
    with pytest.raises(ImportError, match="audioguide.publish.page"):
        build(BuildOptions(source=guide, out=out, engine="fake", jobs=1))
    assert not (out / "manifest.json").exists() and not (out / "index.html").exists()
    result = CliRunner().invoke(app, ["build", str(guide), "--engine", "fake", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 70  # the CLI's "something unexpected went wrong", in one line
    assert "Traceback" not in result.output and "audioguide.publish.page" in result.output


def test_a_new_engine_is_one_module(guide: Path, tmp_path: Path, plugin) -> None:  # type: ignore[no-untyped-def]
    assert "beep" not in engines.engine_names()
    plugin(engines, "beep", BEEP)
    assert engines.engine_names()[0] == "beep"  # its rank puts it first
    assert engines.engine_names()[1:3] == ["pyttsx3", "gtts"]
    listed = CliRunner().invoke(app, ["engines"])
    assert listed.exit_code == 0 and "beep" in listed.output
    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="beep", jobs=2))
    assert all(c.duration > 0 for c in result.chapters)


def test_an_engine_module_that_cannot_be_imported_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "audioguide.engines.piper", None)
    with pytest.raises(ImportError, match="audioguide.engines.piper"):
        engines.engine_names()


def test_every_engine_states_what_callers_read() -> None:
    """The Protocol's attributes, on every registered engine (class attributes and methods)."""
    for name in engines.engine_names():
        cls = engines.ENGINES[name]
        assert cls.name == name and cls.summary and isinstance(cls.offline, bool) and isinstance(cls.rank, int)
        for method in ("unavailable_reason", "voices", "identity", "synthesize", "fresh_process"):
            assert callable(getattr(cls, method)), (name, method)
    fake = engines.get_engine("fake", "tone", 150, "en")
    assert fake.fresh_process() is False

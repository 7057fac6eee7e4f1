"""Faults during a build: the previous good build stays whole, the error is one clear line, and
the next run carries on."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import snapshot
from typer.testing import CliRunner

from audioguide.cli import app

runner = CliRunner()
GUIDE = "# Faults\n\n## One\n\nThe first chapter says this.\n\n## Two\n\nThe second chapter says that.\n"
MORE = "\n## Three\n\n" + " ".join(f"New sentence number {i} is here." for i in range(40)) + "\n"


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A source and a good build of it."""
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return source, out, snapshot(out)


def _consistent(out: Path) -> None:
    """Every file the feed and manifest name exists whole."""
    data = json.loads((out / "manifest.json").read_text())
    for chapter in data["chapters"]:
        assert (out / chapter["audio"]).stat().st_size == chapter["bytes"]
        for rel in chapter["files"].values():
            assert (out / rel).is_file()
    feed = (out / "feed.xml").read_text()
    for chapter in data["chapters"]:
        assert chapter["audio"] in feed


def _one_line_error(output: str, pattern: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and pattern in lines[0], output
    assert "Traceback" not in output


def test_ffmpeg_missing(
    previous: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    """Chapters are encoded in-process and need no ffmpeg; the whole-guide formats do, and say so
    before any work is done."""
    tally["fault"] += 1
    source, out, before = previous
    source.write_text(GUIDE + MORE)
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name in ("ffmpeg", "ffprobe") else real_which(name, *a, **k)
    )
    result = runner.invoke(
        app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1", "--formats", "m4b"]
    )
    assert result.exit_code == 1
    _one_line_error(result.output, "ffmpeg is not installed")
    assert snapshot(out) == before
    tally["outcome:clear error"] += 1
    result = runner.invoke(app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    _consistent(out)
    tally["outcome:built"] += 1


def _fake_tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


def _whole(out: Path, before: dict[str, bytes]) -> None:
    """The previous build is still there and consistent (new chapter files the feed doesn't name yet
    may sit beside it; the next good build removes them)."""
    after = snapshot(out)
    assert {name: after.get(name) for name in before} == before
    _consistent(out)


def test_ffmpeg_fails_midway(
    previous: tuple[Path, Path, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    tally["fault"] += 1
    source, out, before = previous
    source.write_text(GUIDE + MORE)
    _fake_tool(tmp_path / "bin", "ffmpeg", 'echo "Invalid argument" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = runner.invoke(
        app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1", "--formats", "m4b"]
    )
    assert result.exit_code == 1
    _one_line_error(result.output, "ffmpeg could not")
    _whole(out, before)
    tally["outcome:clear error"] += 1


DISK_FULL = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["audioguide", *sys.argv[2:]]
from audioguide.cli import main
main()
"""


@pytest.mark.parametrize("limit", [3_000, 20_000, 60_000, 150_000])
def test_files_cannot_grow_midway(
    previous: tuple[Path, Path, dict[str, bytes]], tmp_path: Path, limit: int, tally: Counter[str]
) -> None:
    """The operating system refuses to let any file grow past ``limit`` bytes (as on a full disk):
    one clear line, and the previous build untouched."""
    tally["fault"] += 1
    source, out, before = previous
    source.write_text(GUIDE + MORE)
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(limit), "build", str(source), "--engine", "fake", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    _one_line_error(result.stderr, "File too large")
    _whole(out, before)
    tally["outcome:clear error"] += 1


@pytest.mark.parametrize("limit", [60_000, 120_000, 200_000])
def test_disk_full_with_every_format(
    previous: tuple[Path, Path, dict[str, bytes]], tmp_path: Path, limit: int, tally: Counter[str]
) -> None:
    """A file limit reached while ffmpeg writes the whole-guide files or a talking book is written:
    one line, no ffmpeg banner, and the previous build untouched (and no staging files left over)."""
    tally["fault"] += 1
    source, out, before = previous
    source.write_text(GUIDE + MORE)
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(tmp_path / "cache")}
    args = ["build", str(source), "--engine", "fake", "--out", str(out), "--formats", "mp3,m4b,epub,daisy"]
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(limit), *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Warning:")]
    assert len(errors) == 1 and errors[0].startswith("Error: ") and "Traceback" not in result.stderr, result.stderr
    assert "ffmpeg version" not in result.stderr and "built with" not in result.stderr
    assert snapshot(out) == before
    assert not (out / ".audioguide" / "staging").exists()
    tally["outcome:clear error"] += 1


def test_output_folder_not_writable(tmp_path: Path, tally: Counter[str]) -> None:
    tally["fault"] += 1
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    result = runner.invoke(app, ["build", str(source), "--engine", "fake", "--out", str(blocker / "out")])
    assert result.exit_code == 1
    _one_line_error(result.output, "Cannot write to the output folder")
    tally["outcome:clear error"] += 1


def test_engine_raises(
    previous: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    from audioguide.engines.fake import FakeEngine
    from audioguide.errors import EngineError

    tally["fault"] += 1
    source, out, before = previous
    source.write_text(GUIDE + MORE)

    def broken(self: object, text: str, dest: Path) -> None:
        raise EngineError("The speech engine stopped working.")

    monkeypatch.setattr(FakeEngine, "synthesize", broken)
    result = runner.invoke(app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    _one_line_error(result.output, "stopped working")
    assert snapshot(out) == before
    tally["outcome:clear error"] += 1


def _start(source: Path, out: Path, cache: Path, voice: str) -> subprocess.Popen[str]:
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(cache)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "audioguide",
            "build",
            str(source),
            "--engine",
            "fake",
            "--voice",
            voice,
            "--out",
            str(out),
            "--jobs",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    _, stderr = proc.communicate(timeout=timeout)
    return proc.returncode, stderr


def _wait_for_progress(cache: Path, at_least: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(cache.rglob("*.wav"))) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError("the build made no progress")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_interrupted_build_keeps_the_old_one_and_resumes(
    tmp_path: Path, sig: signal.Signals, tally: Counter[str]
) -> None:
    tally["fault"] += 1
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    out, cache = tmp_path / "out", tmp_path / "cache"
    code, stderr = _finish(_start(source, out, cache, "tone"))
    assert code == 0, stderr
    before = snapshot(out)
    cached = len(list(cache.rglob("*.wav")))

    source.write_text(GUIDE + MORE)
    proc = _start(source, out, cache, "slow-tone")
    _wait_for_progress(cache, cached + 5, proc)
    proc.send_signal(sig)
    code, stderr = _finish(proc, 30)
    if sig == signal.SIGINT:
        assert code == 130
        assert "Stopped" in stderr and "Traceback" not in stderr
        assert not list(out.rglob("*.part"))
    else:
        assert code == -signal.SIGKILL
    # The old build is exactly as it was (apart from .part files a SIGKILL can leave), and consistent.
    after = {k: v for k, v in snapshot(out).items() if not k.endswith(".part")}
    assert after == before
    _consistent(out)
    done_before_resume = len(list(cache.rglob("*.wav")))
    assert done_before_resume > cached

    # Carry on: the finished sentences are not made again, and the result is complete.
    code, stderr = _finish(_start(source, out, cache, "tone"))
    assert code == 0, stderr
    _consistent(out)
    assert not list(out.rglob("*.part"))
    data = json.loads((out / "manifest.json").read_text())
    assert [c["title"] for c in data["chapters"]][-1] == "Three"

    # The same as a build that was never interrupted.
    fresh = tmp_path / "fresh"
    code, stderr = _finish(_start(source, fresh, tmp_path / "cache2", "tone"))
    assert code == 0, stderr
    sums = lambda folder: sorted(c["sha256"] for c in json.loads((folder / "manifest.json").read_text())["chapters"])  # noqa: E731
    assert sums(out) == sums(fresh)
    tally["outcome:resumed"] += 1

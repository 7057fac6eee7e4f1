"""Fault injection against the cache and the output folder: damaged cache entries are found and made
again, two builds never share a folder, a killed or stopped build never mixes two builds' files or
leaves a process behind, and every setting is checked the same way from a file or a flag."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from helpers import snapshot
from typer.testing import CliRunner

from audioguide.cli import app

runner = CliRunner()
GUIDE = (
    "# Damage\n\n## One\n\nThe first chapter says this. It has a second sentence too.\n\n"
    "## Two\n\nThe second chapter says that. Then it stops.\n"
)
FIXED_DATE = "Tue, 01 Dec 2026 09:00:00 +0000"

# A build with a fixed publication date, so that two builds of the same text give the same bytes.
RUN = f"""
import sys
from audioguide.publish import feed
feed.rfc2822 = lambda seconds: {FIXED_DATE!r}
sys.argv = ["audioguide", *sys.argv[1:]]
from audioguide.cli import main
main()
"""


EPOCH = "1767225600"
"""Every build here happens at one moment, so that builds into different folders can be compared byte for byte."""


def _build(source: Path, out: Path, cache: Path, *extra: str) -> tuple[int, str]:
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(cache), "SOURCE_DATE_EPOCH": EPOCH}
    result = runner.invoke(
        app, ["build", str(source), "--engine", "fake", "--out", str(out), "--jobs", "1", *extra], env=env
    )
    return result.exit_code, result.output


def _damage(path: Path, how: str, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        data = data[: len(data) // 2]
    elif how == "zero":
        data = bytearray(len(data))
    elif how == "garble":
        for _ in range(max(1, len(data) // 50)):
            data[rng.randrange(len(data))] ^= 0xFF
    elif how == "shuffle":
        size = max(1, len(data) // 8)
        blocks = [data[i : i + size] for i in range(0, len(data), size)]
        while len(blocks) > 1:
            order = list(range(len(blocks)))
            rng.shuffle(order)
            if order != sorted(order):
                break
        data = bytearray(b"".join(blocks[i] for i in order))
    path.write_bytes(bytes(data))


KINDS = {
    "sentence": ("speech/*/*.wav", "sentence"),
    "prepared audio": ("prepared-3/*/*.pcm", "prepared sentence"),
    "prepared measurements": ("prepared-3/*/*.npy", "prepared sentence"),
    "segment": ("segments/*/*.mp3", "encoded segment"),
    "cover": ("covers/*.png", "cover"),
    "speech text": ("speech-text/*.json", "speech text"),
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A source, its cache and a build made from it with nothing damaged."""
    root = tmp_path_factory.mktemp("clean")
    source = root / "guide.md"
    source.write_text(GUIDE)
    code, output = _build(source, root / "out", root / "cache", "--base-url", "https://example.org/g/")
    assert code == 0, output
    return source, root / "cache", root / "out"


def _decode_errors(path: Path) -> str:
    found = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
    )
    return found.stderr.strip()


def _true_peak(path: Path) -> float:
    found = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return float(re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", found.stderr)[-1])


def _duration(path: Path) -> float:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
    )
    return float(found.stdout)


def test_clean_build_is_sound(clean: tuple[Path, Path, Path]) -> None:
    """The oracle the damage tests compare with: decodes cleanly, lengths as the manifest says, peaks
    at most -1 dBTP (ffmpeg's decoder and its ebur128 true-peak meter)."""
    _, _, out = clean
    data = json.loads((out / "manifest.json").read_text())
    for chapter in data["chapters"]:
        path = out / chapter["audio"]
        assert _decode_errors(path) == ""
        assert abs(_duration(path) - chapter["duration"]) < 0.08
        assert _true_peak(path) <= -1.0


@pytest.mark.parametrize("how", ["truncate", "zero", "garble", "shuffle"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_damaged_cache_entry_is_made_again(
    clean: tuple[Path, Path, Path], tmp_path: Path, kind: str, how: str, tally: Counter[str]
) -> None:
    """Damage every cache file of one kind one way, then rebuild: each damaged entry is found, made
    again and reported in one warning line, and the published build is byte for byte the clean one."""
    tally["fault"] += 1
    source, cache0, out0 = clean
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(cache0, cache)
    shutil.copytree(out0, out)
    pattern, word = KINDS[kind]
    victims = sorted(cache.glob(pattern))
    assert victims, pattern
    rng = random.Random(f"{kind}{how}")
    for victim in victims:
        _damage(victim, how, rng)
    # A rebuild into a fresh folder has to use the cache for everything.
    fresh = tmp_path / "fresh"
    code, output = _build(source, fresh, cache, "--base-url", "https://example.org/g/")
    assert code == 0, output
    assert "Traceback" not in output
    warned = [line for line in output.splitlines() if line.startswith("Warning:") and "damaged" in line]
    assert len(warned) == 1 and word in warned[0], output
    assert re.search(rf"\b{len(victims)}\b", warned[0]) or len(victims) == 1, warned[0]
    expected = {k: v for k, v in snapshot(out0).items() if k not in ("feed.xml", "manifest.json", "index.html")}
    got = {k: v for k, v in snapshot(fresh).items() if k not in ("feed.xml", "manifest.json", "index.html")}
    assert got == expected
    # And the next build finds nothing damaged.
    code, output = _build(source, fresh, cache, "--base-url", "https://example.org/g/")
    assert code == 0 and "were damaged" not in output and "was damaged" not in output, output
    tally["outcome:made again"] += 1


def test_a_chapter_that_comes_out_wrong_is_never_published(
    clean: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    """If a chapter's frames don't match its layout (a segment damaged after it was checked, say), the
    build stops with one line and the published build stays as it was."""
    from audioguide.audio import chapters

    tally["fault"] += 1
    source, cache0, out0 = clean
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(cache0, cache)
    shutil.copytree(out0, out)
    before = snapshot(out)
    source2 = tmp_path / "guide.md"
    source2.write_text(GUIDE.replace("Then it stops.", "Then it stops here."))
    real = chapters.assemble_chapter

    def short(parts: list[Path], dest: Path, tags: object) -> None:
        real(parts[:-1], dest, tags)  # type: ignore[arg-type]

    monkeypatch.setattr(chapters, "assemble_chapter", short)
    code, output = _build(source2, out, cache, "--base-url", "https://example.org/g/")
    assert code == 1
    lines = output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "not published" in lines[-1], output
    assert snapshot(out) == before
    tally["outcome:clear error"] += 1


# ---- two builds, one folder ---------------------------------------------------------------------


def _popen(args: list[str], cache: Path, mark: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(cache), "AUDIOGUIDE_TEST_MARK": mark, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen(
        [sys.executable, "-c", RUN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _holder(out: Path) -> str:
    try:
        return (out / ".audioguide" / "lock").read_text().strip()
    except OSError:
        return ""


def test_two_builds_into_one_folder(tmp_path: Path, tally: Counter[str]) -> None:
    """While one build holds the folder, another is refused at once with one line naming the holder;
    the first finishes whole, and the second then builds."""
    tally["fault"] += 1
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text(GUIDE)
    second.write_text(GUIDE.replace("# Damage", "# Another guide"))
    out = tmp_path / "out"
    slow = _popen(
        ["build", str(first), "--engine", "fake", "--voice", "slow-tone", "--out", str(out), "--jobs", "1"],
        tmp_path / "c1",
    )
    deadline = time.monotonic() + 60
    while not _holder(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _holder(out) == str(slow.pid)
    other = _popen(["build", str(second), "--engine", "fake", "--out", str(out), "--jobs", "1"], tmp_path / "c2")
    _, err = other.communicate(timeout=120)
    assert other.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"Another audioguide build (process {slow.pid})" in lines[0], err
    _, err = slow.communicate(timeout=120)
    assert slow.returncode == 0, err
    data = json.loads((out / "manifest.json").read_text())
    assert data["title"] == "Damage"
    for chapter in data["chapters"]:
        assert (out / chapter["audio"]).stat().st_size == chapter["bytes"]
    # Now the folder is free; the other guide replaces the first one whole, and nothing of the first is left.
    code, output = _build(second, out, tmp_path / "c2")
    assert code == 0, output
    data = json.loads((out / "manifest.json").read_text())
    assert data["title"] == "Another guide"
    named = {c["audio"] for c in data["chapters"]} | {p for c in data["chapters"] for p in c["files"].values()}
    assert {f"audio/{p.name}" for p in (out / "audio").iterdir()} <= named | {
        p for paths in data["outputs"].values() for p in paths
    }
    tally["outcome:refused"] += 1


def test_a_stale_lock_is_not_in_the_way(tmp_path: Path, tally: Counter[str]) -> None:
    """A lock file left by a build that was killed (its process gone) does not stop the next build."""
    tally["fault"] += 1
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    out = tmp_path / "out"
    (out / ".audioguide").mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / ".audioguide" / "lock").write_text(f"{dead.pid}\n")
    code, output = _build(source, out, tmp_path / "cache")
    assert code == 0, output
    assert _holder(out) == ""
    tally["outcome:built"] += 1


# ---- kills and stops ----------------------------------------------------------------------------


def _marked(mark: str) -> list[int]:
    """Processes (still running) started with AUDIOGUIDE_TEST_MARK=mark."""
    found = []
    needle = f"AUDIOGUIDE_TEST_MARK={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def _none_left(mark: str) -> None:
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(mark) == []


ALL = ["--formats", "mp3,m4b,daisy,epub", "--base-url", "https://example.org/g/"]
MORE = "\n## Three\n\n" + " ".join(f"Sentence {i} of the new chapter." for i in range(12)) + "\n"


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build 1 of a guide, and (from it) build 2 of an edited version, uninterrupted, timed."""
    root = tmp_path_factory.mktemp("versions")
    source = root / "guide.md"
    source.write_text(GUIDE)
    out, cache = root / "out1", root / "cache1"
    proc = _popen(["build", str(source), "--engine", "fake", "--out", str(out), *ALL], cache)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    first = snapshot(out)
    source.write_text(GUIDE + MORE)
    out2, cache2 = root / "out2", root / "cache2"
    shutil.copytree(out, out2)
    shutil.copytree(cache, cache2)
    started = time.monotonic()
    proc = _popen(["build", str(source), "--engine", "fake", "--out", str(out2), *ALL], cache2)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return {
        "source": source,
        "out": out,
        "cache": cache,
        "first": first,
        "second": snapshot(out2),
        "seconds": time.monotonic() - started,
    }


def _one_build(found: dict[str, bytes], first: dict[str, bytes], second: dict[str, bytes]) -> str:
    if found == first:
        return "first"
    assert found == second, sorted(set(found) ^ set(second)) or [k for k in found if found[k] != second.get(k)]
    return "second"


@pytest.mark.slow
@pytest.mark.parametrize("point", range(20))
def test_sigkill_anywhere_in_a_rebuild(
    versions: dict[str, object], tmp_path: Path, point: int, tally: Counter[str]
) -> None:
    """SIGKILL at one of 20 moments spread over a rebuild with every format: what is published is
    always one whole build, no process of the build is left, and the next build equals an
    uninterrupted one."""
    tally["fault"] += 1
    out, cache = tmp_path / "out", tmp_path / "cache"
    shutil.copytree(versions["out"], out)  # type: ignore[arg-type]
    shutil.copytree(versions["cache"], cache)  # type: ignore[arg-type]
    first, second = versions["first"], versions["second"]
    assert isinstance(first, dict) and isinstance(second, dict)
    mark = uuid.uuid4().hex
    seconds = float(versions["seconds"])  # type: ignore[arg-type]
    proc = _popen(["build", str(versions["source"]), "--engine", "fake", "--out", str(out), *ALL], cache, mark)
    time.sleep(seconds * (point + 0.5) / 20)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    _none_left(mark)
    _one_build(snapshot(out), first, second)
    proc = _popen(["build", str(versions["source"]), "--engine", "fake", "--out", str(out), *ALL], cache)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert _one_build(snapshot(out), first, second) == "second"
    assert [p.name for p in (out / ".audioguide").iterdir()] in (["lock", "published.json"], ["published.json", "lock"])
    tally["outcome:one build"] += 1


def _children_named(pid: int, name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm, rest = stat.split("(", 1)[1].rsplit(")", 1)
            if comm == name and int(rest.split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_stop_signal_during_m4b_encoding(
    versions: dict[str, object], tmp_path: Path, sig: signal.Signals, tally: Counter[str]
) -> None:
    """SIGTERM or SIGHUP while ffmpeg encodes the M4B: one line, exit 128 + the signal, ffmpeg gone,
    the published build as it was, and no temporary folder left after the next run."""
    tally["fault"] += 1
    out, cache = tmp_path / "out", tmp_path / "cache"
    shutil.copytree(versions["out"], out)  # type: ignore[arg-type]
    shutil.copytree(versions["cache"], cache)  # type: ignore[arg-type]
    mark = uuid.uuid4().hex
    source = str(versions["source"])
    proc = _popen(["build", source, "--engine", "fake", "--out", str(out), *ALL], cache, mark)
    deadline = time.monotonic() + 120
    while not _children_named(proc.pid, "ffmpeg") and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, "the build ended before ffmpeg started"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert err.strip().splitlines() == [err.strip().splitlines()[0]] and err.startswith("Stopped"), err
    _none_left(mark)
    assert snapshot(out) == versions["first"]
    assert not [p for p in out.rglob("*") if "audioguide-full-" in p.name and ".audioguide" not in p.parts[:-1]]
    proc = _popen(["build", source, "--engine", "fake", "--out", str(out), *ALL], cache)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert not [p for p in out.rglob("*") if "audioguide-full-" in p.name or p.name == "staging"]
    assert snapshot(out) == versions["second"]
    tally["outcome:stopped cleanly"] += 1


# ---- settings, from a file or a flag --------------------------------------------------------------

BAD_SETTINGS: list[tuple[str, object]] = [
    ("title", 5),
    ("title", ""),
    ("title", "x" * 301),
    ("author", ["a"]),
    ("author", "y" * 201),
    ("language", "english please"),
    ("language", 'en" onload="x'),
    ("language", 12),
    ("language", "e"),
    ("description", True),
    ("base_url", "javascript:alert(1)"),
    ("base_url", "example.org/guide"),
    ("base_url", "ftp://example.org/"),
    ("base_url", "https://"),
    ("base_url", "https://exa mple.org/"),
    ("base_url", "https://user:pw@example.org/"),
    ("base_url", "https://example.org:99999/"),
    ("base_url", 3.5),
    ("engine", 1),
    ("engine", "no such engine!"),
    ("voice", {"a": 1}),
    ("rate", -5),
    ("rate", 0),
    ("rate", 79),
    ("rate", 401),
    ("rate", 10**30),
    ("rate", "fast"),
    ("rate", True),
    ("rate", 1.5),
    ("lexicon", 7),
    ("formats", ["mp3", 5]),
    ("formats", 5),
    ("formats", ["no-such-format"]),
    ("owner_name", 0),
    ("owner_email", "not an email"),
    ("owner_email", "a@b"),
    ("owner_email", "<a@example.org>"),
    ("owner_email", 42),
    ("locked", "yes"),
    ("contents", 1),
    ("signposts", "no"),
    ("jobs", -1),
    ("jobs", 10_000),
    ("jobs", "4"),
    ("jobs", False),
    ("fallback_engine", 3),
    ("pauses", "long"),
    ("pauses", {"sentence": -1}),
    ("pauses", {"sentence": "slow"}),
    ("pauses", {"nope": 1}),
]


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return str(value)


@pytest.mark.parametrize(("key", "value"), BAD_SETTINGS, ids=[f"{k}={v!r:.20}" for k, v in BAD_SETTINGS])
def test_bad_setting_in_the_file_is_one_line(tmp_path: Path, key: str, value: object, tally: Counter[str]) -> None:
    tally["input"] += 1
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    (tmp_path / "audioguide.toml").write_text(f"{key} = {_toml(value)}\n")
    code, output = _build(source, tmp_path / "out", tmp_path / "cache")
    assert code == 1, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in output, output
    assert not (tmp_path / "out" / "feed.xml").exists()
    tally["outcome:clear error"] += 1


FLAGS = {"base_url": "--base-url", "rate": "--rate", "jobs": "--jobs", "title": "--title", "author": "--author"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (k, v)
        for k, v in BAD_SETTINGS
        if k in FLAGS and isinstance(v, int if k in ("rate", "jobs") else str) and not isinstance(v, bool)
    ],
)
def test_bad_setting_as_a_flag_is_the_same_line(tmp_path: Path, key: str, value: object) -> None:
    """The same value is refused the same way from the command line (the message names the flag)."""
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    (tmp_path / "audioguide.toml").write_text(f"{key} = {_toml(value)}\n")
    _, from_file = _build(source, tmp_path / "out", tmp_path / "cache")
    (tmp_path / "audioguide.toml").unlink()
    code, from_flag = _build(source, tmp_path / "out", tmp_path / "cache", FLAGS[key], str(value))
    assert code == 1, from_flag
    assert len(from_flag.strip().splitlines()) == 1, from_flag
    quoted = f"In {tmp_path / 'audioguide.toml'}, '{key}'"
    assert from_flag.replace(FLAGS[key], quoted) == from_file


def test_settings_file_size_and_kind_are_limited(tmp_path: Path) -> None:
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    big = tmp_path / "big.toml"
    big.write_text('title = "' + "x" * 300_000 + '"\n')
    code, output = _build(source, tmp_path / "out", tmp_path / "cache", "--config", str(big))
    assert code == 1 and "larger than" in output and len(output.strip().splitlines()) == 1, output
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    code, output = _build(source, tmp_path / "out", tmp_path / "cache", "--config", str(fifo))
    assert code == 1 and "not a regular file" in output, output
    code, output = _build(source, tmp_path / "out", tmp_path / "cache", "--lexicon", "/dev/zero")
    assert code == 1 and "not a regular file" in output, output
    lexicon = tmp_path / "lex.toml"
    lexicon.write_text('[words]\nword = "' + "a" * 500_000 + '"\n')
    code, output = _build(source, tmp_path / "out", tmp_path / "cache", "--lexicon", str(lexicon))
    assert code == 1 and "respelling of 500,000 characters" in output, output


def test_good_settings_are_taken(tmp_path: Path) -> None:
    from audioguide.config import resolve

    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    (tmp_path / "audioguide.toml").write_text(
        'title = "  A \u202etitle\u202c  "\nlanguage = "cy-GB"\nbase_url = "https://example.org/g/"\n'
        'owner_email = "me@example.org"\nrate = 80\nformats = "MP3, epub"\njobs = 0\n[pauses]\nsentence = 0.6\n'
    )
    options = resolve(source, given={"rate": 400, "author": "Me\u202e"})
    assert options.title == "A title" and options.author == "Me"
    assert (options.language, options.rate, options.formats, options.jobs) == ("cy-GB", 400, ("mp3", "epub"), 0)
    assert options.pacing.sentence == 0.6 and options.settings_file == tmp_path / "audioguide.toml"


def test_plain_http_base_url_to_another_host_is_warned(tmp_path: Path) -> None:
    from audioguide.config import base_url_warning

    assert base_url_warning("http://example.org/") is not None
    assert base_url_warning("https://example.org/") is None
    for local in ("http://127.0.0.1:8000/", "http://localhost/", "http://[::1]/"):
        assert base_url_warning(local) is None


def test_jobs_are_capped_at_the_cores(tmp_path: Path) -> None:
    from audioguide.workers import cores, resolve_jobs

    assert resolve_jobs(64) == cores() and resolve_jobs(0) == cores() and resolve_jobs(1) == 1
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(tmp_path / "cache")}
    result = runner.invoke(
        app, ["build", str(source), "--engine", "fake", "--out", str(tmp_path / "o"), "-j", "64"], env=env
    )
    assert result.exit_code == 0, result.output
    assert f"--jobs 64 is more than the {cores()} CPU cores here: using {cores()}." in result.output


def test_srt_is_escaped_and_titles_lose_bidi_controls(tmp_path: Path) -> None:
    from mutagen.id3 import ID3

    source = tmp_path / "guide.md"
    source.write_text("# Guide \u202eevil\u202c\n\n## Chapter \u2067one\u2069\n\nSay 5 < 6 & that.\n")
    code, output = _build(source, tmp_path / "out", tmp_path / "cache")
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "manifest.json").read_text())
    chapter = data["chapters"][-1]
    srt = (tmp_path / "out" / chapter["files"]["srt"]).read_text()
    assert "5 &lt; 6 &amp; that" in srt and "<" not in srt
    tags = ID3(tmp_path / "out" / chapter["audio"])
    for frame in ("TIT2", "TALB"):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", str(tags[frame])), str(tags[frame])
    assert data["title"] == "Guide evil"


def test_a_hostile_language_in_the_source_never_reaches_the_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever language a reader hands on, only a language tag reaches the feed (else "en")."""
    from dataclasses import replace

    from audioguide import build

    real = build.load_document
    monkeypatch.setattr(build, "load_document", lambda *a, **k: replace(real(*a, **k), language='en" onload="alert(1)'))
    source = tmp_path / "guide.md"
    source.write_text(GUIDE)
    code, output = _build(source, tmp_path / "out", tmp_path / "cache")
    assert code == 0, output
    feed = (tmp_path / "out" / "feed.xml").read_text()
    assert "onload" not in feed and "<language>en</language>" in feed


def test_a_switch_stopped_half_way_is_finished_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    """Stop a build after it has moved half its files into place (the one moment the folder is mixed):
    the next build first finishes the switch from its plan, so the folder is the stopped build whole."""
    from audioguide import staging

    tally["fault"] += 1
    source, out, cache = tmp_path / "guide.md", tmp_path / "out", tmp_path / "cache"
    source.write_text(GUIDE)
    assert _build(source, out, cache, "--formats", "epub,daisy")[0] == 0
    source.write_text(GUIDE.replace("# Damage", "# Renamed guide") + MORE)
    real = staging.apply
    staged: dict[str, bytes] = {}

    def half(out: Path, plan: dict[str, list[str]]) -> None:
        stage = out / ".audioguide" / "staging"
        staged.update({rel: (stage / rel).read_bytes() for rel in plan["files"]})
        for rel in plan["files"][: len(plan["files"]) // 2]:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, out / rel)
        raise KeyboardInterrupt

    monkeypatch.setattr(staging, "apply", half)
    code, output = _build(source, out, cache, "--formats", "epub,daisy")
    assert code == 130, output
    assert (out / ".audioguide" / "switch.json").is_file()
    monkeypatch.setattr(staging, "apply", real)
    staging.recover(out)
    assert snapshot(out) == staged  # the new build, whole: nothing of the old one left (its epub had another name)
    assert not (out / ".audioguide" / "staging").exists() and not (out / ".audioguide" / "switch.json").exists()
    data = json.loads((out / "manifest.json").read_text())
    assert data["title"] == "Renamed guide" and (out / "renamed-guide.epub").is_file()
    tally["outcome:one build"] += 1

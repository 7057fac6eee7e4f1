"""The feed in real podcast software: serving, Range requests, a real podcast client, whole-guide files."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import feedparser
import podcastparser
import pytest
from helpers import ffprobe, manifest
from typer.testing import CliRunner

from audioguide.build import BuildOptions, build
from audioguide.cli import app
from audioguide.serve import make_server


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = Path(__file__).parent / "fixtures" / "guides" / "pasted.txt"
    out = tmp_path_factory.mktemp("served") / "out"
    build(
        BuildOptions(
            source=src, out=out, engine="fake", formats=("mp3", "m4b"), cache_dir=tmp_path_factory.mktemp("cache")
        )
    )
    return out


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    srv = make_server(built, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.public_base  # type: ignore[attr-defined]
    srv.shutdown()
    srv.server_close()


def raw_get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = base.split("//")[1].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    # The path is sent exactly as given; a Host header given here replaces the usual one.
    conn.putrequest("GET", path, skip_accept_encoding=True, skip_host="Host" in (headers or {}))
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_served_feed_points_at_the_served_address(server: str, built: Path) -> None:
    status, headers, body = raw_get(server, "/feed.xml")
    assert status == 200 and headers["content-type"].startswith("application/rss+xml")
    parsed = podcastparser.parse(server + "feed.xml", io.BytesIO(body))
    urls = [e["enclosures"][0]["url"] for e in parsed["episodes"]]
    assert urls and all(u.startswith(server + "audio/") for u in urls)
    fp = feedparser.parse(body)
    assert not fp.bozo
    assert any(link.get("rel") == "self" and link.href == server + "feed.xml" for link in fp.feed.links)
    # The feed on disk is untouched: relative links, as built.
    assert 'url="audio/' in (built / "feed.xml").read_text()


@pytest.mark.parametrize(
    "host",
    ["192.168.1.20:8123", "[::1]:8123", "evil.example/../x y", "LOCALHOST:{port}", "localhost:{port}"],
)
def test_feed_links_follow_only_the_names_the_server_answers_to(server: str, host: str) -> None:
    port = server.rstrip("/").rsplit(":", 1)[1]
    host = host.format(port=port)
    status, headers, body = raw_get(server, "/feed.xml", {"Host": host})
    assert status == 200 and headers["vary"] == "Host"
    parsed = podcastparser.parse(server + "feed.xml", io.BytesIO(body))
    urls = [e["enclosures"][0]["url"] for e in parsed["episodes"]]
    expected = f"http://{host.lower()}/" if host.lower().startswith("localhost:") else server
    assert urls and all(u.startswith(expected + "audio/") for u in urls)


def test_range_requests(server: str, built: Path) -> None:
    audio = manifest(built)["chapters"][1]["audio"]
    data = (built / audio).read_bytes()
    status, headers, body = raw_get(server, "/" + audio, {"Range": "bytes=100-199"})
    assert status == 206
    assert headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert body == data[100:200]
    assert headers["content-type"] == "audio/mpeg"
    status, headers, body = raw_get(server, "/" + audio, {"Range": "bytes=-50"})
    assert status == 206 and body == data[-50:]
    status, headers, _ = raw_get(server, "/" + audio, {"Range": f"bytes={len(data) + 10}-"})
    assert status == 416 and headers["content-range"] == f"bytes */{len(data)}"
    status, headers, body = raw_get(server, "/" + audio)
    assert status == 200 and body == data and headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/audio/../../outside.txt",
        "/..%2f..%2foutside.txt",
        "//etc/passwd",
        "/%00feed.xml",
        "/.hidden",
        "/audio/.x.part",
    ],
)
def test_nothing_outside_the_folder_is_served(server: str, built: Path, path: str) -> None:
    (built.parent / "outside.txt").write_text("secret")
    (built / ".hidden").write_text("secret")
    status, _, body = raw_get(server, path)
    assert status == 404
    assert b"secret" not in body and b"root:" not in body


def test_mime_types(server: str, built: Path) -> None:
    files = manifest(built)["chapters"][1]["files"]
    expected = {
        "vtt": "text/vtt",
        "srt": "application/x-subrip",
        "chapters": "application/json+chapters",
        "html": "text/html",
    }
    for role, mime in expected.items():
        status, headers, _ = raw_get(server, "/" + files[role])
        assert status == 200 and headers["content-type"].startswith(mime)


def test_chapters_and_transcripts_are_increasing_and_inside_the_audio(built: Path) -> None:
    for chapter in manifest(built)["chapters"]:
        duration = float(ffprobe(built / chapter["audio"])["format"]["duration"])
        marks = json.loads((built / chapter["files"]["chapters"]).read_text())["chapters"]
        starts = [m["startTime"] for m in marks]
        assert starts == sorted(starts) and len(set(starts)) == len(starts) and starts[-1] < duration
        cues = [
            line.split(" --> ") for line in (built / chapter["files"]["vtt"]).read_text().splitlines() if "-->" in line
        ]

        def secs(stamp: str) -> float:
            h, m, s = stamp.split(":")
            return int(h) * 3600 + int(m) * 60 + float(s)

        times = [(secs(a), secs(b)) for a, b in cues]
        assert all(a < b for a, b in times)
        assert all(times[i][1] <= times[i + 1][0] for i in range(len(times) - 1))
        assert times[-1][1] <= duration


def test_whole_guide_files_have_chapters_in_order(built: Path) -> None:
    data = manifest(built)
    expected = []
    for chapter in data["chapters"]:
        expected.append(chapter["title"])
        expected.extend(chapter["subsections"])
    whole = data["outputs"]["mp3"][0]
    m4b = data["outputs"]["m4b"][0]
    for path in (built / whole, built / m4b):
        info = ffprobe(path)
        titles = [c["tags"]["title"] for c in info["chapters"]]
        assert titles == expected
        starts = [float(c["start_time"]) for c in info["chapters"]]
        assert starts == sorted(starts)
        total = sum(float(ffprobe(built / c["audio"])["format"]["duration"]) for c in data["chapters"])
        assert float(info["format"]["duration"]) == pytest.approx(total, abs=0.5)
    from mutagen.id3 import ID3

    tags = ID3(built / whole)
    assert len(tags.getall("CHAP")) == len(expected)
    toc = tags.getall("CTOC")
    assert len(toc) == 1 and len(toc[0].child_element_ids) == len(expected)
    assert ffprobe(built / m4b)["streams"][0]["codec_name"] == "aac"
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    bonus = [e for e in feed.entries if e.get("itunes_episodetype") == "bonus"]
    assert len(bonus) == 1 and bonus[0].enclosures[0].href == whole


def test_settings_file_beside_the_source(tmp_path: Path, fixtures: Path) -> None:
    source = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", source)
    (tmp_path / "audioguide.toml").write_text(
        'title = "Settings title"\nauthor = "A Charity"\nbase_url = "https://example.org/g/"\n'
        'engine = "fake"\ncontents = false\nowner_email = "pod@example.org"\nlocked = true\n'
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(out), "--author", "Given on the command line"])
    assert result.exit_code == 0, result.output
    assert "Settings from" in result.output and "Warning" not in result.output
    fp = feedparser.parse((out / "feed.xml").read_bytes())
    assert fp.feed.title == "Settings title"
    assert fp.feed.author == "Given on the command line"
    assert fp.feed.podcast_locked == "yes"
    assert fp.entries[0].enclosures[0].href.startswith("https://example.org/g/audio/")
    assert len(fp.entries) == 3  # contents = false


def test_bad_settings_file_is_one_clear_line(tmp_path: Path, fixtures: Path) -> None:
    source = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", source)
    (tmp_path / "audioguide.toml").write_text('titel = "typo"\n')
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "unknown setting 'titel'" in result.output


@pytest.mark.slow
def test_gpodder_subscribes_and_downloads_every_episode(server: str, built: Path, tmp_path: Path) -> None:
    gpo = shutil.which("gpo")
    assert gpo, "gPodder's gpo is a test dependency: ./scripts/test installs it"
    env = {
        **os.environ,
        "GPODDER_HOME": str(tmp_path / "home"),
        "GPODDER_DOWNLOAD_DIR": str(tmp_path / "dl"),
        "HOME": str(tmp_path),
    }

    def run(*args: str) -> str:
        result = subprocess.run([gpo, *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    run("subscribe", server + "feed.xml")
    run("update")
    episodes = run("episodes")
    run("download")
    downloaded = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "dl").rglob("*") if p.is_file()}
    data = manifest(built)
    expected = (
        {c["sha256"] for c in data["chapters"]} | {data["whole_guide"]["sha256"]}
        if "whole_guide" in data
        else {c["sha256"] for c in data["chapters"]}
    )
    assert expected <= downloaded, episodes

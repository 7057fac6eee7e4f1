"""The product end to end: the bundled guide built with the default offline voice, checked with real tools."""

from __future__ import annotations

import io
from pathlib import Path

import feedparser
import podcastparser
import pytest
from helpers import ffprobe, manifest

from audioguide.build import BuildOptions, build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    out = tmp_path_factory.mktemp("example")
    build(BuildOptions(source=None, out=out, cache_dir=shared_cache, base_url="http://127.0.0.1:8000/"))
    return out


def test_every_chapter_is_a_valid_mp3_of_plausible_length(example_build: Path) -> None:
    data = manifest(example_build)
    # The default engine, auto, speaks English with Piper's natural voice where it is installed (the
    # test set-up installs it, as ./scripts/demo does).
    assert data["engine"] == "piper"
    chapters = [c for c in data["chapters"] if c["kind"] == "chapter"]
    assert len(chapters) >= 5
    for chapter in data["chapters"]:
        info = ffprobe(example_build / chapter["audio"])
        assert info["streams"][0]["codec_name"] == "mp3"
        duration = float(info["format"]["duration"])
        assert duration == pytest.approx(chapter["duration"], abs=0.1)
        words = sum(len(s["text"].split()) for s in chapter["sentences"])
        # Speech at 100 to 250 words a minute, plus pauses.
        assert words / 250 * 60 < duration < words / 100 * 60 + 2 * len(chapter["sentences"]) + 5
        last = chapter["sentences"][-1]
        assert 0 < last["end"] < duration


def test_feed_has_one_episode_per_chapter_in_order(example_build: Path) -> None:
    data = manifest(example_build)
    raw = (example_build / "feed.xml").read_bytes()
    fp = feedparser.parse(raw)
    assert not fp.bozo
    assert [e.title for e in fp.entries][1:] == [c["title"] for c in data["chapters"] if c["kind"] == "chapter"]
    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(raw))
    by_url = {e["enclosures"][0]["url"]: e for e in parsed["episodes"]}
    for chapter in data["chapters"]:
        episode = by_url[f"http://127.0.0.1:8000/{chapter['audio']}"]
        assert episode["enclosures"][0]["file_size"] == (example_build / chapter["audio"]).stat().st_size
        assert episode["guid"] == chapter["guid"]


def test_nothing_spoken_is_web_debris(example_build: Path) -> None:
    spoken = " ".join(s["text"] for c in manifest(example_build)["chapters"] for s in c["sentences"])
    for debris in ("icon", "Click here", "http", "](", "<"):
        assert debris not in spoken

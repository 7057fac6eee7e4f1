"""Whole builds with the fake engine: exact timing arithmetic, feed, stable identities, atomicity."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import feedparser
import podcastparser
import pytest
from helpers import ffprobe, manifest, snapshot

from audioguide.build import BuildOptions, build, load_script
from audioguide.engines.fake import FakeEngine, fake_samples
from audioguide.errors import EngineError
from audioguide.pacing import Pacing
from audioguide.wav import SAMPLE_RATE


def fake_build(source: Path, out: Path, **kw: object):
    return build(BuildOptions(source=source, out=out, engine="fake", **kw))  # type: ignore[arg-type]


@pytest.fixture
def guide(tmp_path: Path, fixtures: Path) -> Path:
    target = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", target)
    return target


def test_timings_are_exact_sample_arithmetic(guide: Path, tmp_path: Path) -> None:
    """Timings follow from sentence lengths and pauses to the sample; where a chapter is cut into MP3
    segments (between sentences) a pause may grow by less than one frame, and a chapter is a whole
    number of frames long."""
    from audioguide import mp3

    pacing = Pacing()
    result = fake_build(guide, tmp_path / "out")
    for chapter in result.chapters:
        utterances = chapter.script.utterances
        position = round(pacing.lead_in * SAMPLE_RATE)
        for i, (u, t) in enumerate(zip(utterances, chapter.timings, strict=True)):
            start = round(t.start * SAMPLE_RATE)
            assert t.start == pytest.approx(start / SAMPLE_RATE, abs=1e-12)
            assert position <= start < position + (mp3.FRAME if i else 1)
            position = start + fake_samples(u.speech)
            assert t.end == pytest.approx(position / SAMPLE_RATE, abs=1e-9)
            gap = pacing.tail if i == len(utterances) - 1 else pacing.after(u.pause_after)
            position += round(gap * SAMPLE_RATE)
        samples = round(chapter.duration * SAMPLE_RATE)
        assert samples % mp3.FRAME == 0 and position <= samples < position + mp3.FRAME
        # ffprobe reads the same length from the MP3.
        probed = float(ffprobe(tmp_path / "out" / chapter.audio)["format"]["duration"])
        assert probed == pytest.approx(chapter.duration, abs=0.03)


def test_chapters_announce_where_the_listener_is(guide: Path) -> None:
    script = load_script(BuildOptions(source=guide, engine="fake"))
    chapters = [c for c in script.chapters if c.kind == "chapter"]
    assert [c.title for c in chapters] == ["Introduction", "First chapter", "Second chapter"]
    assert chapters[1].utterances[0].text == "Chapter 2 of 3."
    assert chapters[1].utterances[1].text == "First chapter."
    assert chapters[1].utterances[-1].text == "End of chapter 2. Next: Second chapter."
    assert chapters[2].utterances[-1].text == "End of chapter 3. This is the end of the guide."
    assert script.chapters[0].kind == "contents"
    assert [u.text for u in script.chapters[0].utterances][2:5] == [
        "Chapter 1: Introduction.",
        "Chapter 2: First chapter.",
        "Chapter 3: Second chapter.",
    ]
    plain = load_script(BuildOptions(source=guide, engine="fake", contents=False, signposts=False))
    assert [c.kind for c in plain.chapters] == ["chapter"] * 3
    assert not any(u.text.startswith("End of chapter") for c in plain.chapters for u in c.utterances)


def test_feed_reads_in_podcast_parsers(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = fake_build(guide, out, base_url="https://guides.example.org/tiny/")
    data = (out / "feed.xml").read_bytes()
    parsed = podcastparser.parse("https://guides.example.org/tiny/feed.xml", __import__("io").BytesIO(data))
    assert parsed["title"] == "A tiny guide"
    assert parsed["type"] == "serial"
    episodes = parsed["episodes"]
    # podcastparser sorts newest first; compare by guid order from the manifest.
    by_guid = {e["guid"]: e for e in episodes}
    assert len(episodes) == len(result.chapters) == 4
    for chapter in result.chapters:
        episode = by_guid[chapter.guid]
        enclosure = episode["enclosures"][0]
        assert enclosure["url"] == f"https://guides.example.org/tiny/{chapter.audio}"
        assert enclosure["file_size"] == (out / chapter.audio).stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert episode["total_time"] == round(chapter.duration)
        assert episode["chapters"][0]["title"] == chapter.script.title
        # podcastparser keeps one transcript URL (the last podcast:transcript) and the chapters URL.
        assert episode["transcript_url"].startswith("https://guides.example.org/tiny/audio/")
        assert episode["chapters_json_url"] == f"https://guides.example.org/tiny/{chapter.extra_files['chapters']}"
    numbered = [by_guid[c.guid].get("number") for c in result.chapters]
    assert numbered == [None, 1, 2, 3]

    fp = feedparser.parse(data)
    assert not fp.bozo, fp.get("bozo_exception")
    assert [e.title for e in fp.entries] == [
        "Contents",
        "Introduction",
        "First chapter",
        "Second chapter",
    ]
    # podcast:guid is the UUIDv5 of the feed URL without its scheme, as the namespace defines it.
    assert fp.feed.podcast_guid == str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "guides.example.org/tiny/feed.xml")
    )
    assert fp.feed.tags[0]["term"] == "Health & Fitness"
    assert fp.feed.image.href == "https://guides.example.org/tiny/cover.png"
    assert [int(e.itunes_episode) for e in fp.entries[1:]] == [1, 2, 3]


def test_relative_urls_warn(guide: Path, tmp_path: Path) -> None:
    result = fake_build(guide, tmp_path / "out")
    assert any("--base-url" in w for w in result.warnings)
    assert 'url="audio/' in (tmp_path / "out" / "feed.xml").read_text()


def test_rebuild_is_byte_identical(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_build(guide, out)
    first = snapshot(out)
    fake_build(guide, out)
    assert snapshot(out) == first


def test_editing_one_section_changes_one_enclosure(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_build(guide, out, contents=False, signposts=False)
    before = manifest(out)["chapters"]
    guide.write_text(guide.read_text().replace("The last chapter.", "The last chapter, now longer."))
    fake_build(guide, out, contents=False, signposts=False)
    after = manifest(out)["chapters"]
    assert [c["guid"] for c in before] == [c["guid"] for c in after]
    changed = [b["slug"] for b, a in zip(before, after, strict=True) if b["audio"] != a["audio"]]
    assert changed == ["second-chapter"]
    assert [b["pub_date"] for b in before] == [a["pub_date"] for a in after]  # an edit keeps every date
    # The old file of the changed chapter is gone; every file the manifest names exists.
    assert not (out / before[2]["audio"]).exists()
    for c in after:
        assert (out / c["audio"]).stat().st_size == c["bytes"]


def test_failed_build_leaves_previous_build_whole(guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    fake_build(guide, out)
    before = snapshot(out)
    guide.write_text(guide.read_text() + "\n## Third chapter\n\nBrand new words here.\n")
    calls = {"n": 0}
    real = FakeEngine.synthesize

    def flaky(self: FakeEngine, text: str, dest: Path) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise EngineError("The fake engine broke.")
        real(self, text, dest)

    monkeypatch.setattr(FakeEngine, "synthesize", flaky)
    with pytest.raises(EngineError):
        fake_build(guide, out)
    assert snapshot(out) == before


def test_mp3_tags(guide: Path, tmp_path: Path) -> None:
    result = fake_build(guide, tmp_path / "out", author="Tiny Charity")
    chapter = result.chapters[2]
    info = ffprobe(tmp_path / "out" / chapter.audio)
    tags = {k.lower(): v for k, v in info["format"]["tags"].items()}
    assert tags["title"] == "First chapter"
    assert tags["album"] == "A tiny guide"
    assert tags["artist"] == "Tiny Charity"
    assert tags["track"] == "2/3"
    stream = info["streams"][0]
    assert stream["codec_name"] == "mp3" and stream["channels"] == 1


def test_transcripts_match_timings(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = fake_build(guide, out)
    chapter = result.chapters[2]
    vtt = (out / chapter.extra_files["vtt"]).read_text()
    assert vtt.startswith("WEBVTT\n")
    cues = [line for line in vtt.splitlines() if "-->" in line]
    assert len(cues) == len(chapter.script.utterances)
    first_start = cues[0].split(" --> ")[0]
    assert first_start == "00:00:00.400"
    srt = (out / chapter.extra_files["srt"]).read_text()
    assert "00:00:00,400 --> " in srt


@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns", "Asia/Kolkata", "Europe/London"])
def test_feed_dates_are_rfc_2822_in_local_time(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import email.utils
    import time
    from datetime import datetime

    from audioguide import dates

    monkeypatch.setenv("TZ", zone)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    time.tzset()
    try:
        for moment in (0.0, 1_700_000_000.0, 1_790_000_000.0):
            local = datetime.fromtimestamp(moment).astimezone()
            text = dates.rfc2822(local)
            assert text == email.utils.formatdate(moment, localtime=True)
            assert email.utils.parsedate_to_datetime(text) == local
        now = dates.now()
        assert now.utcoffset() == datetime.now().astimezone().utcoffset() and now.microsecond == 0
    finally:
        monkeypatch.undo()
        time.tzset()

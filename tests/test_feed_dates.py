"""Feed dates, artwork and item details: the guide's order in real clients, kept across rebuilds.

Podcast apps sort by pubDate, newest first; these tests read the dates the way the apps do
(podcastparser, feedparser, and slow tests with gPodder's gpo and newsboat on a feed served on
127.0.0.1) and check that newest first is the listening order: the contents, chapters 1 to N,
then the whole guide, before and after an edit.
"""

from __future__ import annotations

import email.utils
import io
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from helpers import manifest, snapshot
from typer.testing import CliRunner

from audioguide import dates
from audioguide.build import BuildOptions, build
from audioguide.cli import app
from audioguide.errors import InputError

BASE = "https://guides.example.org/tiny/"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md}"
EPOCH_A = 1_767_225_600  # 2026-01-01 00:00 UTC
EPOCH_B = 1_780_000_000  # months later


@pytest.fixture
def guide(tmp_path: Path, fixtures: Path) -> Path:
    target = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", target)
    return target


def fake_build(source: Path, out: Path, **kw: Any) -> None:
    options: dict[str, Any] = {"engine": "fake", "base_url": BASE, "formats": ("mp3",), **kw}
    build(BuildOptions(source=source, out=out, **options))


def serial(out: Path) -> list[str]:
    """Every episode's guid in listening order: the chapters as the manifest lists them, then the whole guide."""
    data = manifest(out)
    found = [c["guid"] for c in data["chapters"]]
    if "whole_guide" in data:
        found.append(whole_guid(out))
    return found


def whole_guid(out: Path) -> str:
    items = ET.parse(out / "feed.xml").getroot().iter("item")
    return next(i.findtext("guid", "") for i in items if i.findtext(f"{ITUNES}episodeType") == "bonus")


def newest_first(out: Path) -> list[str]:
    """The guids by podcastparser's dates (gPodder's parser), newest first, as gPodder lists them.

    (podcastparser itself hands a serial feed's episodes over oldest first; gPodder's database and
    its episode list order them by date, newest first: the slow gpo test below checks that.)"""
    parsed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    return [e["guid"] for e in sorted(parsed["episodes"], key=lambda e: e["published"], reverse=True)]


def feedparser_newest_first(out: Path) -> list[str]:
    entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
    return [e.id for e in sorted(entries, key=lambda e: e.published_parsed, reverse=True)]


def pub_dates(out: Path) -> dict[str, datetime]:
    items = ET.parse(out / "feed.xml").getroot().iter("item")
    return {i.findtext("guid", ""): email.utils.parsedate_to_datetime(i.findtext("pubDate", "")) for i in items}


def edit(source: Path, old: str, new: str) -> None:
    text = source.read_text()
    assert old in text
    source.write_text(text.replace(old, new))


def test_newest_first_is_the_listening_order_before_and_after_edits(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_build(guide, out)
    order = serial(out)
    assert len(order) == 5  # contents, three chapters, the whole guide
    assert newest_first(out) == feedparser_newest_first(out) == order
    first = pub_dates(out)
    assert len(set(first.values())) == len(first)  # no two the same: no ties for an app to break its own way
    # An edit keeps every date; the edited chapter's new enclosure is what tells apps it changed.
    before = manifest(out)["chapters"]
    edit(guide, "The last chapter.", "The last chapter, now longer.")
    fake_build(guide, out)
    after = manifest(out)["chapters"]
    assert [b["audio"] == a["audio"] for b, a in zip(before, after, strict=True)] == [True, True, True, False]
    assert pub_dates(out) == first
    assert newest_first(out) == feedparser_newest_first(out) == serial(out) == order
    # A chapter added in the middle takes its place in the order; one taken away leaves no gap in it.
    edit(guide, "## Second chapter", "## A new chapter\n\nNew words here.\n\n## Second chapter")
    fake_build(guide, out)
    assert len(serial(out)) == 6
    assert newest_first(out) == feedparser_newest_first(out) == serial(out)
    assert max(pub_dates(out).values()) == max(first.values())  # still published when it was
    edit(guide, "## First chapter", "## First chapter, renamed")
    edit(guide, "## A new chapter\n\nNew words here.\n\n", "")
    fake_build(guide, out)
    assert newest_first(out) == feedparser_newest_first(out) == serial(out)
    assert len(serial(out)) == 5


@pytest.mark.parametrize("contents", [True, False])
def test_dates_are_one_step_apart_from_the_publication_time(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, contents: bool
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_A))
    out = tmp_path / "out"
    fake_build(guide, out, contents=contents)
    published = datetime.fromtimestamp(EPOCH_A, timezone.utc)
    found = pub_dates(out)
    assert [found[g] for g in serial(out)] == [published - n * dates.STEP for n in range(len(found))]
    data = manifest(out)
    assert datetime.fromisoformat(data["published"]) == published
    assert [datetime.fromisoformat(c["pub_date"]) for c in data["chapters"]] == [
        found[c["guid"]] for c in data["chapters"]
    ]
    assert {e["guid"]: datetime.fromisoformat(e["pub_date"]) for e in data["episodes"]} == found
    assert [e["guid"] for e in data["episodes"]] == serial(out)


def test_republish_moves_every_date_and_a_plain_rebuild_keeps_them(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_A))
    fake_build(guide, out)
    first = pub_dates(out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_B))
    fake_build(guide, out)
    assert pub_dates(out) == first
    fake_build(guide, out, republish=True)
    moved = pub_dates(out)
    assert set(moved) == set(first)
    shift = timedelta(seconds=EPOCH_B - EPOCH_A)
    assert all(moved[g] == first[g] + shift for g in first)
    assert newest_first(out) == serial(out)
    # And the next plain rebuild keeps the republished dates.
    fake_build(guide, out)
    assert pub_dates(out) == moved


def test_fresh_folders_are_byte_identical_with_source_date_epoch(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_A))
    formats = ("mp3", "m4b", "daisy", "epub")
    fake_build(guide, tmp_path / "one", formats=formats, cache_dir=tmp_path / "cache-one")
    time.sleep(1.1)  # a later second of the clock: only SOURCE_DATE_EPOCH may date anything
    fake_build(guide, tmp_path / "two", formats=formats, cache_dir=tmp_path / "cache-two")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert b"Thu, 01 Jan 2026 00:00:00 +0000" in one["feed.xml"]


def test_without_source_date_epoch_the_first_build_is_dated_now(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    start = datetime.now(timezone.utc).replace(microsecond=0)
    fake_build(guide, tmp_path / "out")
    end = datetime.now(timezone.utc)
    newest = max(pub_dates(tmp_path / "out").values())
    assert start <= newest <= end


@pytest.mark.parametrize("value", ["yesterday", "1.5", "-5", "١٢٣", "9" * 30])
def test_malformed_source_date_epoch_is_one_clear_line(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(guide), "-e", "fake", "--out", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: SOURCE_DATE_EPOCH")
    assert not out.exists()  # stopped before anything was made


def test_last_build_date_moves_only_when_the_feed_changes(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"

    def last_build() -> datetime:
        text = ET.parse(out / "feed.xml").getroot().findtext("channel/lastBuildDate")
        assert text
        return email.utils.parsedate_to_datetime(text)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_A))
    fake_build(guide, out)
    assert last_build() == datetime.fromtimestamp(EPOCH_A, timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_B))
    fake_build(guide, out)  # nothing changed: nor does the date, so the feed's bytes stay the same
    assert last_build() == datetime.fromtimestamp(EPOCH_A, timezone.utc)
    edit(guide, "The last chapter.", "The last chapter, edited.")
    fake_build(guide, out)
    assert last_build() == datetime.fromtimestamp(EPOCH_B, timezone.utc)
    assert datetime.fromisoformat(manifest(out)["updated"]) == last_build()
    assert max(pub_dates(out).values()) == datetime.fromtimestamp(EPOCH_A, timezone.utc)


def test_an_older_manifest_gives_its_earliest_date(guide: Path, tmp_path: Path) -> None:
    """A folder built before dates were kept: RFC 2822 text per chapter, all the first build's time but
    the edited chapter's (the order the issue saw apps break)."""
    out = tmp_path / "out"
    fake_build(guide, out)
    data = manifest(out)
    del data["published"], data["episodes"]
    first, edited = "Sun, 01 Mar 2026 09:00:00 +0000", "Mon, 02 Mar 2026 10:00:00 +0100"
    for chapter, stamp in zip(data["chapters"], [first, first, edited, "garbage"], strict=True):
        chapter["pub_date"] = stamp
    (out / "manifest.json").write_text(json.dumps(data))
    fake_build(guide, out)
    assert max(pub_dates(out).values()) == datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    assert newest_first(out) == serial(out)


T = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


def laid_out(*guids: str) -> dict[str, datetime]:
    return {g: T - i * dates.STEP for i, g in enumerate(guids)}


@pytest.mark.parametrize(
    ("before", "now", "kept"),
    [
        ("c 1 2 3 w", "c 1 2 3 w", "c 1 2 3 w"),  # an edit: every date kept
        ("c 1 2 3 w", "c 1 2 x 3 w", "c 1 2 3 w"),  # inserted: between its neighbours
        ("c 1 2 3 w", "c 1 2 3 x y w", "c 1 2 3 w"),  # two appended before the whole guide
        ("c 1 2 3 w", "c 1 3 w", "c 1 3 w"),  # one taken away
        ("c 1 2 3", "c 1 2 3 w", "c 1 2 3"),  # the whole guide asked for later: after the rest
        ("1 2 3 w", "c 1 2 3 w", "1 2 3 w"),  # the spoken contents turned on: before the rest
        ("c 1 2 3 w", "c 2 1 3 w", ""),  # moved: only fresh dates can show it
        ("c 1 2 3 w", "x y z", ""),  # nothing left to keep
    ],
)
def test_assign_keeps_dates_while_they_hold_the_order(before: str, now: str, kept: str) -> None:
    old = laid_out(*before.split())
    found = dates.assign(now.split(), old, T - timedelta(days=1))
    order = now.split()
    assert sorted(order, key=lambda g: found[g], reverse=True) == order  # newest first is the order
    assert all(found[g].microsecond == 0 for g in order)
    for guid in kept.split():
        assert found[guid] == old[guid]
    if not kept:
        assert found == {g: T - timedelta(days=1) - i * dates.STEP for i, g in enumerate(order)}


def test_assign_lays_out_afresh_when_no_second_is_left() -> None:
    old = {"a": T, "b": T - timedelta(seconds=1)}
    assert dates.assign(["a", "x", "b"], old, T) == {g: T - i * dates.STEP for i, g in enumerate("axb")}
    # Halving the gap: six insertions in one place still fit between two dates a minute apart.
    order, kept = ["a", "b"], {"a": T, "b": T - dates.STEP}
    for n in range(6):
        order.insert(1, f"n{n}")
        kept = dates.assign(order, kept, T)
        assert kept["a"] == T and kept["b"] == T - dates.STEP
        assert sorted(order, key=lambda g: kept[g], reverse=True) == order
    assert dates.assign(["a", "b"], kept, T + dates.STEP, republish=True) == {"a": T + dates.STEP, "b": T}


def test_dates_parse_and_format() -> None:
    kolkata = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 11, 25, 20, 40, tzinfo=kolkata)
    assert dates.rfc2822(moment) == "Wed, 25 Nov 2026 20:40:00 +0530"
    assert dates.parse(dates.iso(moment)) == moment
    assert dates.parse(dates.rfc2822(moment)) == moment
    for bad in ("", "2026-11-25T20:40:00", "Wed, 25 Nov 2026", None, 17, "not a date"):
        assert dates.parse(bad) is None, bad
    assert dates.now({"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert dates.now({"SOURCE_DATE_EPOCH": " 86400 "}) == datetime(1970, 1, 2, tzinfo=timezone.utc)
    with pytest.raises(InputError):
        dates.now({"SOURCE_DATE_EPOCH": "1e9"})
    assert dates.now({}).tzinfo is not None
    assert dates.publication({"published": dates.iso(moment)}, False, datetime.now(timezone.utc)) == moment
    later = moment + timedelta(days=3)
    assert dates.publication({"published": dates.iso(moment)}, True, later) == later


# --- item details, by XPath ----------------------------------------------------------------------


def test_items_have_links_titles_without_the_show_title_and_a_copyright(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_build(guide, out, copyright="© 2026 Tiny Charity")
    channel = ET.parse(out / "feed.xml").getroot().find("channel")
    assert channel is not None
    show = channel.findtext("title")
    assert show == "A tiny guide"
    assert channel.findtext("copyright") == "© 2026 Tiny Charity"
    assert email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate", "")).tzinfo is not None
    items = channel.findall("item")
    titles = [i.findtext("title", "") for i in items]
    assert titles == ["Contents", "Introduction", "First chapter", "Second chapter", "The whole guide"]
    assert [i.findtext(f"{ITUNES}title") for i in items] == titles
    assert not any(show.lower() in t.lower() for t in titles)
    links = [i.findtext("link") for i in items]
    assert links == [BASE + f"index.html#{n}" for n in range(4)] + [BASE + "index.html"]
    numbers = [c["number"] for c in manifest(out)["chapters"]]
    assert links[:4] == [BASE + f"index.html#{n}" for n in numbers]
    fp = feedparser.parse((out / "feed.xml").read_bytes())
    assert not fp.bozo and fp.feed.rights == "© 2026 Tiny Charity"
    assert [e.link for e in fp.entries] == links
    # No copyright given: no element.
    fake_build(guide, tmp_path / "plain")
    assert ET.parse(tmp_path / "plain" / "feed.xml").getroot().find("channel/copyright") is None


def test_whole_guide_episode_has_captions_and_a_transcript(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_build(guide, out)
    data = manifest(out)
    items = ET.parse(out / "feed.xml").getroot().iter("item")
    bonus = next(i for i in items if i.findtext(f"{ITUNES}episodeType") == "bonus")
    found = {t.get("type"): t.get("url", "") for t in bonus.findall(f"{PODCAST}transcript")}
    assert set(found) == {"text/vtt", "application/x-subrip", "text/html"}
    files = data["whole_guide"]["files"]
    for role, mime in (("vtt", "text/vtt"), ("srt", "application/x-subrip"), ("html", "text/html")):
        assert found[mime] == BASE + files[role]
        assert (out / files[role]).is_file() and files[role] in data["outputs"]["mp3"]
    # One cue per spoken sentence of the guide, each at its chapter's offset in the whole-guide audio.
    starts = {m["title"]: m["start"] for m in data["whole_guide"]["marks"] if m["level"] == 1}
    expected = []
    for chapter in data["chapters"]:
        offset = starts[chapter["title"]]
        expected += [(round(offset + s["start"], 3), s["text"]) for s in chapter["sentences"]]
    vtt = (out / files["vtt"]).read_text().strip().split("\n\n")[1:]
    cues = []
    for cue in filter(None, vtt):
        _, stamp, text = cue.split("\n", 2)
        h, m, s = stamp.split(" --> ")[0].split(":")
        cues.append((round(int(h) * 3600 + int(m) * 60 + float(s), 3), text))
    assert len(cues) == len(expected)
    assert all(abs(a[0] - b[0]) <= 0.002 and a[1] == b[1] for a, b in zip(cues, expected, strict=True))
    page = (out / files["html"]).read_text()
    for chapter in data["chapters"]:
        assert f"<h2>{chapter['title']}</h2>" in page
    podcastparsed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    whole = next(e for e in podcastparsed["episodes"] if e["guid"] == whole_guid(out))
    assert whole["transcript_url"].startswith(BASE + "audio/")


# --- embedded artwork -----------------------------------------------------------------------------


def test_cover_art_is_inside_every_audio_file(guide: Path, tmp_path: Path) -> None:
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4, MP4Cover

    out = tmp_path / "out"
    fake_build(guide, out, formats=("mp3", "m4b"), copyright="© 2026 Tiny")
    cover = (out / "cover.png").read_bytes()
    assert cover.startswith(b"\x89PNG")
    data = manifest(out)
    for rel in [c["audio"] for c in data["chapters"]] + [data["whole_guide"]["audio"]]:
        tags = ID3(out / rel)
        pictures = tags.getall("APIC")
        assert len(pictures) == 1, rel
        assert pictures[0].type == 3 and pictures[0].mime == "image/png" and pictures[0].data == cover
        assert tags.getall("TCOP")[0].text == ["© 2026 Tiny"]
    m4b = MP4(out / data["outputs"]["m4b"][0])
    assert m4b.tags is not None
    covr = m4b.tags["covr"]
    assert len(covr) == 1 and bytes(covr[0]) == cover and covr[0].imageformat == MP4Cover.FORMAT_PNG
    assert m4b.tags["stik"] == [2]  # media kind: audiobook
    assert m4b.tags["cprt"] == ["© 2026 Tiny"]


def test_podcast_namespace_is_the_one_the_parsers_read(guide: Path, tmp_path: Path) -> None:
    """podcastparser reads podcast:chapters and podcast:transcript only under the GitHub URI the feed
    uses; under the spec's own URI it reads neither. feedparser reads both (by prefix)."""
    out = tmp_path / "out"
    fake_build(guide, out)
    ours = (out / "feed.xml").read_bytes()
    official = ours.replace(
        b"https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
        b"https://podcastindex.org/namespace/1.0",
    )
    assert official != ours

    def podcastparser_reads(feed: bytes) -> list[bool]:
        episodes = podcastparser.parse(BASE + "feed.xml", io.BytesIO(feed))["episodes"]
        return [bool(e.get("chapters_json_url")) and bool(e.get("transcript_url")) for e in episodes]

    assert all(podcastparser_reads(ours))
    assert not any(podcastparser_reads(official))
    for feed in (ours, official):
        assert feedparser.parse(feed).feed.podcast_guid


# --- the command line -----------------------------------------------------------------------------


def test_build_json_prints_the_manifest_summary(guide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(guide), "-e", "fake", "--out", str(out), "--base-url", BASE, "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    data = manifest(out)
    assert summary["out"] == str(out) and summary["warnings"] == []
    assert summary["published"] == data["published"] and summary["updated"] == data["updated"]
    assert [c["audio"] for c in summary["chapters"]] == [c["audio"] for c in data["chapters"]]
    assert all("sentences" not in c for c in summary["chapters"])
    assert summary["duration"] == pytest.approx(sum(c["duration"] for c in data["chapters"]), abs=0.01)
    assert summary["outputs"] == data["outputs"]


def test_quiet_prints_nothing_and_verbose_tells_each_stage(guide: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    quiet = runner.invoke(app, ["build", str(guide), "-e", "fake", "--out", str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""  # even the --base-url warning
    loud = runner.invoke(app, ["build", str(guide), "-e", "fake", "--out", str(tmp_path / "v"), "--verbose"])
    assert loud.exit_code == 0, loud.output
    for stage in ("Synthesising speech", "Writing transcripts", "Writing page"):
        assert f"{stage}: started" in loud.stderr and f"{stage}: done" in loud.stderr
    assert "Warning: No --base-url" in loud.stderr
    for chapter in manifest(tmp_path / "v")["chapters"]:
        assert chapter["audio"] in loud.stdout
    both = runner.invoke(app, ["build", str(guide), "-e", "fake", "--out", str(tmp_path / "b"), "-q", "-v"])
    assert both.exit_code == 1 and both.output.startswith("Error: ") and not (tmp_path / "b").exists()


def test_copyright_from_the_settings_file(guide: Path, tmp_path: Path) -> None:
    (guide.parent / "audioguide.toml").write_text('engine = "fake"\ncopyright = "© A Charity"\n')
    result = CliRunner().invoke(app, ["build", str(guide), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert ET.parse(tmp_path / "out" / "feed.xml").getroot().findtext("channel/copyright") == "© A Charity"


# --- real clients ---------------------------------------------------------------------------------


@pytest.fixture
def served(guide: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The guide built, and its folder served on 127.0.0.1 while the test rebuilds into it."""
    from audioguide.serve import make_server

    out = tmp_path / "served"
    build(BuildOptions(source=guide, out=out, engine="fake", formats=("mp3",)))
    srv = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield out, srv.public_base + "feed.xml"  # type: ignore[attr-defined]
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


def _gpodder_order(feed_url: str, home: Path) -> list[str]:
    """gPodder's episode list (newest first, as it shows it), by guid, after an update."""
    gpo = shutil.which("gpo")
    assert gpo, "gPodder's gpo is a test dependency: ./scripts/setup --test installs it"
    env = {**os.environ, "GPODDER_HOME": str(home / "g"), "GPODDER_DOWNLOAD_DIR": str(home / "dl"), "HOME": str(home)}

    def run(*args: str) -> str:
        result = subprocess.run([gpo, *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    if not (home / "g").exists():
        run("subscribe", feed_url)
    run("update")
    lines = [line.split() for line in run("episodes", "--guid").splitlines()]
    return [parts[1] for parts in lines if len(parts) > 2 and parts[0].rstrip(".").isdigit()]


def _newsboat_order(feed_url: str, home: Path) -> list[str]:
    """newsboat's articles newest first, by the dates it read, from its cache after a headless reload."""
    newsboat = shutil.which("newsboat")
    assert newsboat, "newsboat is a test dependency: ./scripts/setup --test installs it"
    home.mkdir(exist_ok=True)
    (home / "urls").write_text(feed_url + "\n")
    (home / "config").write_text("")
    cache = home / "cache.db"
    cmd = [newsboat, "-u", str(home / "urls"), "-c", str(cache), "-C", str(home / "config"), "-x", "reload"]
    result = subprocess.run(cmd, env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT guid, pubDate FROM rss_item WHERE feedurl = ? AND deleted = 0", (feed_url,))
        found = list(rows)
    stamps = [stamp for _, stamp in found]
    assert len(set(stamps)) == len(stamps), "two articles with one date: the order would be newsboat's guess"
    return [guid for guid, _ in sorted(found, key=lambda row: row[1], reverse=True)]


@pytest.mark.slow
@pytest.mark.parametrize("client", ["gpodder", "newsboat"])
def test_real_clients_list_the_guide_in_order_before_and_after_an_edit(
    client: str, guide: Path, tmp_path: Path, served: tuple[Path, str]
) -> None:
    out, feed_url = served
    order_of = _gpodder_order if client == "gpodder" else _newsboat_order
    home = tmp_path / client
    assert order_of(feed_url, home) == serial(out)
    first = serial(out)
    edit(guide, "Some words before the first chapter.", "Some other words before the first chapter.")
    build(BuildOptions(source=guide, out=out, engine="fake", formats=("mp3",)))
    assert serial(out) == first
    assert order_of(feed_url, home) == first
    edit(guide, "## Second chapter", "## An added chapter\n\nAdded words.\n\n## Second chapter")
    build(BuildOptions(source=guide, out=out, engine="fake", formats=("mp3",)))
    assert order_of(feed_url, home) == serial(out) and len(serial(out)) == len(first) + 1

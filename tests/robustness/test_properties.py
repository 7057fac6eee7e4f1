"""Property tests: reading and scripting any text never fails badly, and what is published from it
stays well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide.errors import InputError
from audioguide.model import BuiltChapter, Timing
from audioguide.publish import feed, transcripts
from audioguide.reader import decode_source, parse
from audioguide.script import make_script

LINE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
PAGE = st.lists(
    st.one_of(
        LINE,
        st.sampled_from(
            [
                "",
                "# Title",
                "## Part & <b>bold</b>",
                "What can I do?",
                "Physiotherapy: exercise helps a lot here.",
                "a lightbulb icon",
                "<script>alert(1)</script>",
                "]]>",
                "e.g. 5-10 mg at 9am",
                "- a list item",
            ]
        ),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=150)
@given(page=PAGE, fmt=st.sampled_from(["text", "markdown", "html"]))
def test_reading_and_scripting_never_fail_badly(page: str, fmt: str) -> None:
    try:
        document = parse(page, fmt)
    except InputError:
        return
    assert document.sections and all(s.title.strip() for s in document.sections)
    script = make_script(document)
    assert script.chapters
    for chapter in script.chapters:
        assert chapter.utterances and all(u.speech.strip() for u in chapter.utterances)


@settings(max_examples=150)
@given(data=st.binary(max_size=400))
def test_decoding_any_bytes_is_text_or_a_clear_error(data: bytes) -> None:
    try:
        text = decode_source(data, "guide.txt")
    except InputError as exc:
        assert str(exc).endswith(".")
        return
    assert "\r" not in text and "\x00" not in text


@settings(max_examples=100)
@given(page=PAGE)
def test_transcripts_and_feed_stay_well_formed(page: str) -> None:
    try:
        script = make_script(parse(page, "text"))
    except InputError:
        return
    episodes = []
    for chapter in script.chapters:
        timings = [Timing(i * 2.0, i * 2.0 + 1.5) for i in range(len(chapter.utterances))]
        built = BuiltChapter(
            script=chapter,
            audio=f"audio/{chapter.slug}.mp3",
            duration=len(timings) * 2.0,
            bytes=1,
            sha256="0",
            timings=timings,
            guid=chapter.slug,
            pub_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
        )
        vtt = transcripts.webvtt(built)
        cue_lines = [line for line in vtt.split("\n\n")[1:] if line]
        assert len(cue_lines) == len(timings)
        for cue in cue_lines:
            assert cue.count(" --> ") == 1
        body = transcripts.html_transcript(built, script.title, "en")
        ET.fromstring(
            body.split("\n", 1)[1]
            .replace('<meta charset="utf-8">', "")
            .replace('<meta name="viewport" content="width=device-width, initial-scale=1">', "")
        )
        episodes.append(
            feed.Episode(
                title=chapter.title,
                description=chapter.summary,
                guid=chapter.slug,
                pub_date=built.pub_date,
                media=feed.Media(built.audio, 1, built.duration),
                chapter_marks=tuple((s, t) for t, s in transcripts.subsection_starts(built)),
            )
        )
    podcast = feed.Podcast(
        title=script.title,
        description="d",
        language="en",
        author="a",
        link="index.html",
        image_url="cover.png",
        guid="g",
        episodes=episodes,
    )
    xml = feed.render(podcast)
    root = ET.fromstring(xml)
    assert [i.findtext("title") for i in root.iter("item")] == [feed.xml_safe(c.title) for c in script.chapters]
    assert not feedparser.parse(xml).bozo


def test_cue_text_cannot_end_a_cue_early(tmp_path: Path) -> None:
    script = make_script(parse("Guide\n\nPart\n\nFirst --> second.\n\nThird & <b>fourth</b>.\n", "text"))
    chapter = script.chapters[-1]
    built = BuiltChapter(
        script=chapter,
        audio="a.mp3",
        duration=9,
        bytes=1,
        sha256="0",
        timings=[Timing(i, i + 0.5) for i in range(len(chapter.utterances))],
    )
    vtt = transcripts.webvtt(built)
    assert vtt.count(" --> ") == len(chapter.utterances)
    assert "&lt;b&gt;" in vtt or "<b>" not in vtt

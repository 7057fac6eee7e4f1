"""Transcripts and chapter lists timed from the synthesised audio: an always-on publisher, run first,
that writes four files beside each chapter's MP3 and records them in the chapter's ``extra_files``."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from ..fsutil import write_atomic
from ..i18n import direction, messages
from ..model import BuiltChapter, ChapterScript, Utterance
from . import FIRST, Published, register
from .feed import xml_safe

if TYPE_CHECKING:
    from . import PublishContext


@register("transcripts", "captions, transcript and chapter list of every chapter", always=True, order=FIRST)
def publish(ctx: PublishContext) -> Published:
    """WebVTT and SubRip captions, an HTML transcript and Podcasting 2.0 chapters beside each chapter MP3,
    recorded in the chapter's ``extra_files`` (the manifest's ``files``)."""
    for chapter in ctx.chapters:
        stem = chapter.audio.removesuffix(".mp3")
        files = {
            "vtt": (f"{stem}.vtt", webvtt(chapter)),
            "srt": (f"{stem}.srt", srt(chapter)),
            "html": (f"{stem}.html", html_transcript(chapter, ctx.script.title, ctx.script.language)),
            "chapters": (f"{stem}.chapters.json", chapters_json(chapter)),
        }
        for role, (rel, text) in files.items():
            write_atomic(ctx.out / rel, text)
            chapter.extra_files[role] = rel
    return Published([])  # the manifest lists these files with each chapter, not under outputs


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cue_text(text: str) -> str:
    # A cue may not contain "-->" or a blank line; & and < must be escaped in WebVTT.
    return " ".join(xml_safe(text).replace("-->", "→").split())


def webvtt(chapter: BuiltChapter) -> str:
    """A WebVTT file with one cue per sentence."""
    lines = ["WEBVTT", ""]
    for i, (utterance, timing) in enumerate(zip(chapter.script.utterances, chapter.timings, strict=True), 1):
        lines.append(f"s{i}")
        lines.append(f"{_stamp(timing.start, '.')} --> {_stamp(timing.end, '.')}")
        lines.append(html.escape(_cue_text(utterance.text), quote=False))
        lines.append("")
    return "\n".join(lines)


def srt(chapter: BuiltChapter) -> str:
    """A SubRip file with one cue per sentence; markup characters escaped as in WebVTT (players read
    ``<i>``, ``<font>`` and the like in SubRip too)."""
    lines: list[str] = []
    for i, (utterance, timing) in enumerate(zip(chapter.script.utterances, chapter.timings, strict=True), 1):
        text = html.escape(_cue_text(utterance.text), quote=False)
        lines += [str(i), f"{_stamp(timing.start, ',')} --> {_stamp(timing.end, ',')}", text, ""]
    return "\n".join(lines)


def subsection_starts(chapter: BuiltChapter) -> list[tuple[str, float]]:
    """(title, start in seconds) of the chapter itself and each subsection."""
    marks = [(chapter.script.title, 0.0)]
    for utterance, timing in zip(chapter.script.utterances, chapter.timings, strict=True):
        if utterance.kind == "heading" and utterance.subsection is not None:
            marks.append((chapter.script.subsections[utterance.subsection], timing.start))
    return marks


def chapters_json(chapter: BuiltChapter) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0) of the chapter's subsections."""
    doc = {
        "version": "1.2.0",
        "chapters": [{"startTime": round(start, 3), "title": title} for title, start in subsection_starts(chapter)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def html_transcript(chapter: BuiltChapter, guide_title: str, language: str) -> str:
    """A readable HTML transcript with the chapter and subsection headings."""

    def esc(text: str, quote: bool = True) -> str:
        return html.escape(xml_safe(text), quote=quote)

    body: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            body.append(f"<p>{' '.join(paragraph)}</p>")
            paragraph.clear()

    for utterance in chapter.script.utterances:
        if utterance.kind == "announce":
            continue
        if utterance.kind == "heading":
            flush()
            tag = "h2" if utterance.subsection is not None else None
            if tag:
                body.append(f"<{tag}>{esc(utterance.text.rstrip('.'))}</{tag}>")
            continue
        paragraph.append(esc(utterance.text))
        if utterance.pause_after != "sentence":
            flush()
    flush()
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(language)}" dir="{direction(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(chapter.script.title)} – {esc(guide_title)}</title>\n"
        "<style>body{font:1.25rem/1.6 system-ui,sans-serif;max-width:40rem;margin:auto;padding:1rem;"
        "color:#111;background:#fff}h1,h2{line-height:1.2}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{esc(chapter.script.title)}</h1>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def whole_guide(ctx: PublishContext, offsets: list[float]) -> BuiltChapter:
    """The guide's chapters as one chapter, each chapter's timings moved on by its offset in the
    whole-guide audio (``offsets``, seconds, one per chapter): what its transcripts are made from.
    Each chapter's title opens a subsection, so the transcript has a heading for every chapter."""
    from dataclasses import replace

    from ..model import Timing

    subsections: list[str] = []
    utterances = []
    timings: list[Timing] = []
    for chapter, offset in zip(ctx.chapters, offsets, strict=True):
        first = len(subsections)
        subsections.append(chapter.script.title)
        subsections.extend(chapter.script.subsections)
        opened = False
        for utterance, timing in zip(chapter.script.utterances, chapter.timings, strict=True):
            if utterance.kind == "heading":
                index = first if utterance.subsection is None else first + 1 + utterance.subsection
                utterance = replace(utterance, subsection=index)
                opened = opened or index == first
            utterances.append(utterance)
            timings.append(Timing(offset + timing.start, offset + timing.end))
        if not opened:  # a chapter without a spoken heading (the contents): its title still heads it
            start = offset + (chapter.timings[0].start if chapter.timings else 0.0)
            at = len(utterances) - len(chapter.script.utterances)
            utterances.insert(at, _title_utterance(chapter.script.title, first))
            timings.insert(at, Timing(start, start))
    script = ChapterScript(
        number=0,
        title=messages(ctx.script.language).text("publish.whole_guide"),
        slug=f"{ctx.script.slug}-whole-guide",
        subsections=tuple(subsections),
        utterances=tuple(utterances),
    )
    return BuiltChapter(script=script, audio="", duration=0.0, bytes=0, sha256="", timings=timings)


def _title_utterance(title: str, subsection: int) -> Utterance:
    """A heading that is shown but not spoken (it has no cue of its own in the captions)."""
    return Utterance(text=title, speech="", kind="heading", pause_after="paragraph", subsection=subsection)


def whole_guide_files(ctx: PublishContext, offsets: list[float], stem: str) -> dict[str, str]:
    """Captions (WebVTT, SubRip) and an HTML transcript of the whole guide at ``stem`` + .vtt/.srt/.html
    (relative to the build folder); their paths by role."""
    whole = whole_guide(ctx, offsets)
    spoken = BuiltChapter(
        script=replace_utterances(whole.script, [u for u in whole.script.utterances if u.speech]),
        audio="",
        duration=0.0,
        bytes=0,
        sha256="",
        timings=[t for u, t in zip(whole.script.utterances, whole.timings, strict=True) if u.speech],
    )
    files = {
        "vtt": (f"{stem}.vtt", webvtt(spoken)),
        "srt": (f"{stem}.srt", srt(spoken)),
        "html": (f"{stem}.html", html_transcript(whole, ctx.script.title, ctx.script.language)),
    }
    for rel, text in files.values():
        write_atomic(ctx.out / rel, text)
    return {role: rel for role, (rel, _) in files.items()}


def replace_utterances(script: ChapterScript, utterances: list[Utterance]) -> ChapterScript:
    """``script`` with other utterances."""
    from dataclasses import replace

    return replace(script, utterances=tuple(utterances))

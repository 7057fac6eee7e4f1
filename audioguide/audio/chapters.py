"""The build's chapter step: every chapter as a tagged MP3 from its sentences' audio.

Sentences are prepared once (limited, measured) and kept in the cache; each chapter gets one gain
from those measurements; its segments (a sentence each) are encoded unless the cache already has
them at that gain, in worker processes, longest first; then each chapter's segments are joined.
Editing one paragraph re-encodes the segments of the sentences that changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .. import mp3
from ..errors import ToolError
from ..fsutil import check, content_named, drop
from ..loudness import LIMIT_DBTP, db_to_gain
from ..model import BuiltChapter, ChapterScript, GuideScript
from ..pacing import Pacing
from ..workers import Pool, ProgressFn
from .layout import ChapterLayout, chapter_gain, first_gain, layout_chapter, over_limit
from .prepared import Prepared, prepare, prepared_path, prepared_state
from .render import Tags, assemble_chapter, render_segment, segment_key, segment_path

LANG3 = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "nl": "nld", "cy": "cym", "ga": "gle"}
"""ISO 639-2 codes for the ID3 language tag, by the guide's language."""

Job = tuple[list[tuple[Path, int, bool]], int, float, Path]
"""One segment to render: ``render_segment``'s arguments."""


@dataclass(frozen=True)
class Earlier:
    """What the previous build in the output folder made, so that an unchanged chapter keeps its file."""

    made: dict[str, dict[str, Any]]
    """The manifest record of each chapter MP3 by its recipe."""

    @classmethod
    def from_manifest(cls, previous: dict[str, Any]) -> Earlier:
        """From the earlier build's manifest (empty when there is none)."""
        chapters = [c for c in previous.get("chapters", []) if isinstance(c, dict)]
        return cls(
            made={c["recipe"]: c for c in chapters if c.get("recipe") and isinstance(c.get("audio"), str)},
        )


def prepare_cached(wav: Path, root: Path) -> Prepared:
    """The prepared form of the cached sentence ``wav``, kept in the cache folder ``root``."""
    return prepare(wav, prepared_path(root, wav))


def _render(job: Job) -> int:
    return render_segment(*job)


def make_chapters(
    script: GuideScript,
    paths: dict[str, Path],
    out: Path,
    workers: Pool,
    *,
    root: Path,
    pacing: Pacing,
    author: str,
    copyright: str | None = None,
    guide_id: uuid.UUID,
    earlier: Earlier,
    cover: Callable[[], bytes] | None = None,
    progress: ProgressFn | None,
    damaged: Counter[str] | None = None,
) -> list[BuiltChapter]:
    """Every chapter of ``script`` as a tagged MP3 in ``out/audio``, from the sentence audio at ``paths``
    (by speech text), with the cache folder ``root``, each carrying the cover art ``cover()`` returns (PNG).
    Their feed dates are given later, with the feed's (:func:`audioguide.dates.assign`).

    Every cached prepared sentence and encoded segment is checked against its checksum first; a
    damaged one is made again and counted in ``damaged`` (``"prepared"``, ``"segment"``). Each chapter
    is checked before it is handed on (:func:`check_chapter`)."""
    damaged = Counter() if damaged is None else damaged
    wavs = list(dict.fromkeys(paths.values()))
    # Sentences spoken in this build were prepared where they were spoken; older ones may not be.
    places = {w: prepared_path(root, w) for w in wavs}
    states = {w: prepared_state(places[w]) for w in wavs}
    damaged["prepared"] += sum(1 for state in states.values() if state is False)
    missing = [w for w in wavs if not states[w]]
    made = workers.map("Preparing speech", partial(prepare_cached, root=root), missing, progress)
    fresh = dict(zip(missing, made, strict=True))
    prepared = {w: fresh.get(w) or prepare(w, places[w]) for w in wavs}
    sentences = [[prepared[paths[u.speech]] for u in c.utterances] for c in script.chapters]
    layouts = [
        layout_chapter([s.samples for s in found], c.utterances, pacing)
        for c, found in zip(script.chapters, sentences, strict=True)
    ]

    def encode(gains: list[float]) -> list[list[Path]]:
        plans = []
        jobs: dict[Path, Job] = {}
        for layout, found, gain in zip(layouts, sentences, gains, strict=True):
            parts = []
            for segment in layout.segments:
                part = segment_path(root, segment_key(segment, found, gain))
                parts.append(part)
                if part in jobs:
                    continue
                state = check(part)
                if state is False:
                    damaged["segment"] += 1
                    drop(part)
                if not state:
                    items = [(found[i].path, at, over_limit(found[i], gain)) for i, at in segment.items]
                    jobs[part] = (items, segment.samples, gain, part)
            plans.append(parts)
        workers.map("Encoding audio", _render, list(jobs.values()), progress, size=lambda job: job[1])
        return plans

    # Encode at each chapter's first gain; the sentences that need limiting at it are limited (and
    # kept) on the way, and then the gain is checked with them. It seldom moves; if it does, the
    # chapter is encoded again at the right gain.
    first = [first_gain(layout, found) for layout, found in zip(layouts, sentences, strict=True)]
    plans = encode(first)
    gains = [chapter_gain(layout, found) for layout, found in zip(layouts, sentences, strict=True)]
    if gains != first:
        plans = encode(gains)
    total = sum(1 for c in script.chapters if c.kind == "chapter")
    art = cover() if cover is not None else b""
    tags = partial(_tags, script=script, author=author, total=total, cover=art, copyright=copyright)
    join: Callable[[ChapterScript, ChapterLayout, list[Path]], BuiltChapter] = partial(
        _assemble, tags=tags, out=out, guide_id=guide_id, earlier=earlier
    )
    built = [join(c, layout, parts) for c, layout, parts in zip(script.chapters, layouts, plans, strict=True)]
    for chapter, layout, found, gain in zip(built, layouts, sentences, gains, strict=True):
        check_chapter(out / chapter.audio, layout, found, gain)
    return built


def check_chapter(path: Path, layout: ChapterLayout, sentences: list[Prepared], gain_db: float) -> None:
    """A cheap check of a finished chapter file before it is published: its MP3 frames are exactly the
    ones its layout gives, and its sentences' stored true peaks (and lengths) agree with the limit at
    its gain. :class:`ToolError` if not, so that the chapter is never published."""
    import math

    data = path.read_bytes()
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        start = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    expected = sum(mp3.frames_for(s.samples) for s in layout.segments)
    try:
        found = mp3.count_frames(data[start:])
    except ToolError:
        found = -1
    limit = db_to_gain(LIMIT_DBTP)
    peaks_ok = all(
        math.isfinite(s.peak) and 0.0 <= s.peak and (s.peak * db_to_gain(gain_db) <= limit or over_limit(s, gain_db))
        for s in sentences
    )
    lengths_ok = list(layout.lengths) == [s.samples for s in sentences]
    if found != expected or not peaks_ok or not lengths_ok:
        why = f"{found} MP3 frames where {expected} were expected" if found != expected else "its measurements disagree"
        raise ToolError(
            f"The chapter file {path.name} came out wrong ({why}), so it was not published. "
            "Clear the cache with 'audioguide cache clear' and build again."
        )


def _tags(
    chapter: ChapterScript, *, script: GuideScript, author: str, total: int, cover: bytes, copyright: str | None
) -> Tags:
    return Tags(
        title=chapter.title if chapter.kind == "chapter" else f"{chapter.title}: {script.title}",
        album=script.title,
        artist=author,
        track=max(chapter.number, 0) or 0,
        total=total,
        language=LANG3.get(script.language.split("-")[0], "und"),
        cover=cover,
        copyright=copyright or "",
    )


def _assemble(
    chapter: ChapterScript,
    layout: ChapterLayout,
    parts: list[Path],
    *,
    tags: Callable[[ChapterScript], Tags],
    out: Path,
    guide_id: uuid.UUID,
    earlier: Earlier,
) -> BuiltChapter:
    """Join a chapter's segments into its MP3, or find the same MP3 the last build made."""
    tagged = tags(chapter)
    recipe = hashlib.sha256(json.dumps([[p.name for p in parts], tagged.key()]).encode()).hexdigest()
    stem, digest, size = "", "", 0
    before = earlier.made.get(recipe)
    if before:
        try:
            data = (out / before["audio"]).read_bytes()
        except OSError:
            data = b""
        if data and hashlib.sha256(data).hexdigest() == before.get("sha256"):
            stem, digest, size = Path(before["audio"]).stem, before["sha256"], len(data)

    def name_for(tmp: Path) -> str:
        nonlocal stem, digest, size
        data = tmp.read_bytes()
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        stem = f"{chapter.number:02d}-{chapter.slug}-{digest[:10]}"
        return f"{stem}.mp3"

    if not stem:
        with content_named(out / "audio", name_for) as tmp:
            assemble_chapter(parts, tmp, tagged)
    return BuiltChapter(
        script=chapter,
        audio=f"audio/{stem}.mp3",
        duration=layout.duration,
        bytes=size,
        sha256=digest,
        timings=layout.timings,
        guid=str(uuid.uuid5(guide_id, chapter.slug)),
        recipe=recipe,
    )

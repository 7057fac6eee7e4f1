"""The orchestrator: read -> script -> synthesise -> assemble and encode -> publish."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, manifest
from .audio import (
    ChapterLayout,
    Pacing,
    Prepared,
    Tags,
    assemble_chapter,
    chapter_gain,
    first_gain,
    layout_chapter,
    over_limit,
    prepare,
    prepared_path,
    render_segment,
    require_tool,
    segment_key,
    segment_path,
)
from .engines import Engine, get_engine
from .errors import EngineError, InputError, OutputError
from .fsutil import clean_stale_parts, content_named, write_atomic
from .model import BuiltChapter, ChapterScript, Document, GuideScript
from .publish import cover, feed, transcripts
from .reader import parse, read_document, strip_controls
from .script import ScriptOptions, make_script
from .speech import Lexicon
from .synth import SpeechCache, default_cache_dir

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

MAX_WORDS = 200_000
"""Longest guide built, in words: about twenty hours of speech."""

GUIDE_NAMESPACE = uuid.UUID("6f3b4b7e-2f8a-5c1d-9a57-0d1e5a7c4b21")
"""UUIDv5 namespace for audioguide's episode guids."""

ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work is done; the CLI draws bars from it."""

_LANG3 = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "nl": "nld", "cy": "cym", "ga": "gle"}


@dataclass
class BuildOptions:
    """What to build and how."""

    source: Path | str | None = None
    """The guide to read (a file or a web address); ``None`` builds the bundled example guide."""
    out: Path | None = None
    """The output folder; ``None`` means ``output/<guide-slug>``."""
    engine: str = "pyttsx3"
    """Speech engine name."""
    voice: str | None = None
    """Engine voice id."""
    rate: int | None = None
    """Speaking rate in words per minute (engine default when ``None``)."""
    base_url: str | None = None
    """Where the build will be published; makes feed URLs absolute."""
    author: str = "audioguide"
    """Who publishes the guide (feed author, ID3 artist)."""
    title: str | None = None
    """The guide's title, instead of the one read from the source."""
    description: str | None = None
    """The feed's description, instead of one made from the chapter titles."""
    language: str | None = None
    """Language tag of the guide (default: en)."""
    owner_name: str | None = None
    """itunes:owner name (Apple asks for it when a podcast is submitted)."""
    owner_email: str | None = None
    """itunes:owner email."""
    locked: bool = False
    """podcast:locked yes: ask hosting platforms not to import the feed."""
    lexicon: Path | None = None
    """A user pronunciation lexicon (TOML)."""
    contents: bool = True
    """Add a spoken contents chapter."""
    signposts: bool = True
    """End each chapter with a spoken signpost to the next."""
    cache_dir: Path | None = None
    """Sentence audio cache; ``None`` means the default cache folder."""
    pacing: Pacing = field(default_factory=Pacing)
    """Pauses between sentences, paragraphs and headings."""
    formats: tuple[str, ...] = ()
    """Extra outputs besides the chapters, feed and listening page: see :data:`FORMATS`."""
    jobs: int = 0
    """Synthesis worker processes; 0 means one per CPU core."""
    fallback_engine: str | None = None
    """Engine to build with instead when the chosen one is offline or fails."""


@dataclass
class PublishContext:
    """What a publisher gets: the finished chapters and where to write."""

    out: Path
    """The output folder (write atomically, with fsutil.write_atomic / atomic_path)."""
    script: GuideScript
    """The speech script."""
    chapters: list[BuiltChapter]
    """Every chapter, encoded, with sentence timings."""
    meta: dict[str, object]
    """Guide-level facts (title, language, author, base_url, ...), as in manifest.json."""
    options: BuildOptions
    """The build's options."""


Publisher = Callable[[PublishContext], list[str]]
"""Writes files for one output format; returns their paths relative to the output folder."""


def _publishers(names: tuple[str, ...] | None = None) -> dict[str, Publisher]:
    """Output formats by name (those in ``names``, or all). Imported lazily, so that a missing optional
    tool only hurts its format and a build loads only what it writes."""
    found: dict[str, Publisher] = {}
    for name, module, function in (
        ("page", "audioguide.publish.page", "publish"),
        ("daisy", "audioguide.publish.daisy", "publish"),
        ("epub", "audioguide.publish.epub", "publish"),
        ("mp3", "audioguide.publish.fullguide", "publish_mp3"),
        ("m4b", "audioguide.publish.fullguide", "publish_m4b"),
    ):
        if names is not None and name not in names:
            continue
        try:
            found[name] = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            continue
    return found


FORMATS = ("mp3", "m4b", "daisy", "epub")
"""Names accepted by ``--formats``: a full-guide MP3 and M4B, a DAISY 2.02 book, an EPUB 3 book."""


@dataclass
class BuildResult:
    """What a build made."""

    out: Path
    """The output folder."""
    feed: Path
    """The feed file."""
    chapters: list[BuiltChapter]
    """Every chapter, in order."""
    warnings: list[str]
    """Things the user should know (e.g. relative URLs)."""
    seconds: float
    """How long the build took."""


def example_guide_path() -> Path:
    """The bundled example guide."""
    from importlib import resources

    return Path(str(resources.files("audioguide") / "data" / "example-guide.md"))


def load_document(source: Path | str | None, max_words: int | None = None) -> Document:
    """Read ``source`` (a file, a web address, or the bundled example guide); refuse texts longer than ``max_words``."""
    if source is None:
        path = example_guide_path()
        return parse(path.read_text(encoding="utf-8"), "markdown", name=path.name)
    document = read_document(source)
    if max_words is not None:
        words = sum(len(str(b).split()) for s in document.sections for b in s.paragraphs)
        if words > max_words:
            raise InputError(
                f"{Path(source).name} has about {words:,} words, some {words / 165 / 60:.0f} hours of speech; "
                f"audioguide builds guides of up to {max_words:,} words. Split it into several guides."
            )
    return document


def load_script(options: BuildOptions, remember: bool = False, document: Document | None = None) -> GuideScript:
    """Read the source and make its speech script.

    With ``remember``, the speech text of each sentence is kept in the cache and reused next time for
    the same guide, engine, lexicon and rules: a rebuild after an edit works out only the new sentences.
    """
    document = document or load_document(options.source, MAX_WORDS)
    if options.title or options.language:
        title = " ".join(strip_controls(options.title).split()) if options.title else None
        document = replace(document, title=title or document.title, language=options.language or document.language)
    lexicon = Lexicon.builtin()
    if options.lexicon:
        lexicon = lexicon.merged(Lexicon.load(options.lexicon))
    kept = _speech_memo_path(options, lexicon, document.title or "") if remember else None
    memo: dict[str, str] = {}
    if kept is not None:
        try:
            loaded = json.loads(kept.read_text(encoding="utf-8"))
            memo = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            memo = {}
    script = make_script(
        document,
        ScriptOptions(
            contents=options.contents,
            signposts=options.signposts,
            engine=options.engine,
            lexicon=lexicon,
            memo=memo,
        ),
    )
    if kept is not None:
        now = {u.text: u.speech for c in script.chapters for u in c.utterances}
        if now != memo:
            try:
                write_atomic(kept, json.dumps(now, ensure_ascii=False, sort_keys=True))
            except (OSError, OutputError):
                pass  # a cache that can't be written only costs time
    return script


def _speech_memo_path(options: BuildOptions, lexicon: Lexicon, title: str) -> Path:
    """Where the speech text of a guide's sentences is remembered: one file per guide title, engine,
    lexicon and version of the rules that make speech text (the speech package's own files). Any
    sentence's speech text depends only on the last three; the title keeps guides apart."""
    from . import script as script_module
    from . import speech

    rules = []
    for module in sorted(Path(speech.__file__).parent.glob("*.py")) + [Path(script_module.__file__)]:
        stat = module.stat()
        rules.append(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}")
    key = hashlib.sha256(
        json.dumps([__version__, rules, title, options.engine, lexicon.fingerprint()]).encode()
    ).hexdigest()
    return Path(options.cache_dir or default_cache_dir()) / "speech-text" / f"{key[:32]}.json"


def _join(base: str | None, rel: str) -> str:
    return f"{base.rstrip('/')}/{rel}" if base else rel


def build(options: BuildOptions, progress: ProgressFn | None = None) -> BuildResult:
    """Build the guide: audio chapters, transcripts, cover, feed and manifest.

    Files are replaced atomically and the feed and manifest are written last, so an interrupted
    build leaves the previous build whole.
    """
    started = time.monotonic()
    warnings: list[str] = []
    document = load_document(options.source, MAX_WORDS)  # its own author and description fill unset options
    author = options.author if options.author != "audioguide" else document.author or options.author
    options = replace(options, author=author, description=options.description or document.description)
    script = load_script(options, remember=True, document=document)
    out = Path(options.out) if options.out else Path("output") / script.slug
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; give a folder for the build with --out.")
    _check_writable(out)
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise InputError(f"Unknown format '{unknown[0]}'. Choose from: {', '.join(FORMATS)}.")
    if {"mp3", "m4b"} & set(options.formats):
        require_tool("ffmpeg")  # the whole-guide files are joined by ffmpeg: say so before any work
    clean_stale_parts(out)
    previous = manifest.load(out) or {}
    old_chapters = [c for c in previous.get("chapters", []) if isinstance(c, dict)]
    old_dates = {c.get("sha256"): c.get("pub_date") for c in old_chapters}
    made = {c["recipe"]: c for c in old_chapters if c.get("recipe") and isinstance(c.get("audio"), str)}

    import numpy  # noqa: F401 - now, so that worker processes forked below inherit it ready to use

    try:
        engine = get_engine(options.engine, options.voice, options.rate, script.language)
        paths = _synthesise(engine, script, options, progress)
    except EngineError as exc:
        fallback = options.fallback_engine
        if not fallback or fallback == options.engine:
            raise
        warnings.append(f"{exc} Built with the {fallback} engine instead.")
        options = replace(options, engine=fallback, voice=None)
        script = load_script(options, remember=True, document=document)
        engine = get_engine(options.engine, options.voice, options.rate, script.language)
        paths = _synthesise(engine, script, options, progress)

    base = options.base_url
    if not base:
        warnings.append(
            "No --base-url given: the feed uses relative links, which podcast apps cannot follow. "
            "Give the web address the folder will be published at, or use 'audioguide serve'."
        )
    guide_id = uuid.uuid5(GUIDE_NAMESPACE, script.slug)
    now = _rfc2822(time.time())

    with _Workers(options.jobs) as workers:
        built, art = _make_chapters(
            script,
            options,
            paths,
            out,
            workers,
            guide_id=guide_id,
            old_dates=old_dates,
            now=now,
            made=made,
            progress=progress,
        )
        cover_png = art()

    cover_rel = "cover.png"
    write_atomic(out / cover_rel, cover_png)
    meta: dict[str, object] = {
        "title": script.title,
        "slug": script.slug,
        "language": script.language,
        "author": options.author,
        "engine": options.engine,
        "engine_identity": engine.identity(),
        "voice": options.voice,
        "base_url": base,
        "feed": "feed.xml",
        "cover": cover_rel,
        "generator": f"audioguide {__version__}",
    }
    publishers = _publishers(("page", *options.formats))
    outputs: dict[str, list[str]] = {}
    context = PublishContext(out=out, script=script, chapters=built, meta=meta, options=options)
    for name in (*options.formats, "page"):  # the page last, with the feed: it shows the new build
        if name not in publishers:
            if name == "page":
                continue
            raise InputError(f"The {name} format is not available in this installation.")
        if progress:
            progress(f"Writing {name}", 0, 1)
        outputs[name] = publishers[name](context)
        if progress:
            progress(f"Writing {name}", 1, 1)
    meta["outputs"] = outputs
    podcast = _podcast(script, built, options, guide_id, cover_rel, meta)
    # The feed and the manifest go last: until they are replaced, the old ones point at old files.
    write_atomic(out / "feed.xml", feed.render(podcast, generator=f"audioguide {__version__}"))
    write_atomic(out / "manifest.json", manifest.render(meta, built))
    _remove_unreferenced(out, built, [p for paths in outputs.values() for p in paths])
    return BuildResult(
        out=out, feed=out / "feed.xml", chapters=built, warnings=warnings, seconds=time.monotonic() - started
    )


def _cover_path(title: str, root: Path) -> Path:
    key = hashlib.sha256(f"{__version__}\x00{cover.SIZE}\x00{title}".encode()).hexdigest()
    return root / "covers" / f"{key}.png"


def _cover(title: str, root: Path) -> bytes:
    """The cover for ``title``, drawn once and kept in the cache (drawing takes longer than a rebuild)."""
    kept = _cover_path(title, root)
    try:
        return kept.read_bytes()
    except OSError:
        data = cover.cover_png(title)
    try:
        write_atomic(kept, data)
    except (OSError, OutputError):
        pass  # a cache that can't be written only costs time
    return data


def _rfc2822(moment: float) -> str:
    """``moment`` as an RFC 2822 date in local time, as feeds want it ("Wed, 25 Nov 2026 20:40:00 +0000")."""
    local = time.localtime(moment)
    gmtoff = (
        local.tm_gmtoff if local.tm_gmtoff is not None else -(time.altzone if local.tm_isdst > 0 else time.timezone)
    )  # platforms without tm_gmtoff
    offset = gmtoff // 60
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.tm_wday]
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[local.tm_mon - 1]
    sign = "+" if offset >= 0 else "-"
    return (
        f"{day}, {local.tm_mday:02d} {month} {local.tm_year} {local.tm_hour:02d}:{local.tm_min:02d}:"
        f"{local.tm_sec:02d} {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    )


def _quiet_worker() -> None:
    """Workers leave Ctrl+C to the main process, which stops the build cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Workers:
    """Worker processes for the build's numpy and encoding work, started when first needed.

    With one job, or too little work to be worth sharing, everything runs in this process.
    Results come back in the order of the work given, whatever order it finished in.
    """

    def __init__(self, jobs: int) -> None:
        self.size = jobs if jobs > 0 else (os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.size, mp_context=multiprocessing.get_context("fork"), initializer=_quiet_worker
            )
        return self.pool

    def later(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Start ``function(*args)`` in a worker if there are several, and return a way to get the result
        (which, with one job, does the work there and then)."""
        if self.size <= 1 or not hasattr(os, "fork"):
            return partial(function, *args)
        return self._pool().submit(function, *args).result

    def map(
        self,
        stage: str,
        function: Callable[[Any], Any],
        items: list[Any],
        progress: ProgressFn | None,
        size: Callable[[Any], float] | None = None,
    ) -> list[Any]:
        """``function`` of every item, in order. With ``size``, the biggest work is started first."""
        if not items:
            return []
        if progress:
            progress(stage, 0, len(items))
        if self.size <= 1 or len(items) < 2 or not hasattr(os, "fork"):
            found = []
            for index, item in enumerate(items, 1):
                found.append(function(item))
                if progress:
                    progress(stage, index, len(items))
            return found
        pool = self._pool()
        order = sorted(range(len(items)), key=lambda i: -size(items[i])) if size else list(range(len(items)))
        # A few pieces of work per message keeps the messages few.
        step = max(1, len(items) // (self.size * 8))
        batches = [order[i : i + step] for i in range(0, len(order), step)]
        futures = {pool.submit(_run_batch, function, [items[i] for i in batch]): batch for batch in batches}
        results: dict[int, Any] = {}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            results.update(zip(futures[future], future.result(), strict=True))
            if progress:
                progress(stage, len(results), len(items))
        return [results[i] for i in range(len(items))]


def _run_batch(function: Callable[[Any], Any], batch: list[Any]) -> list[Any]:
    return [function(item) for item in batch]


def _render(job: tuple[list[tuple[Path, int, bool]], int, float, Path]) -> int:
    return render_segment(*job)


def _make_chapters(
    script: GuideScript,
    options: BuildOptions,
    paths: dict[str, Path],
    out: Path,
    workers: _Workers,
    *,
    guide_id: uuid.UUID,
    old_dates: dict[object, object],
    now: str,
    made: dict[str, dict[str, Any]],
    progress: ProgressFn | None,
) -> tuple[list[BuiltChapter], Callable[[], bytes]]:
    """Every chapter as a tagged MP3 with its transcripts, and the cover (drawn beside the encoding).

    Sentences are prepared once (limited, measured) and kept in the cache; each chapter gets one
    gain from those measurements; its segments (a sentence each) are encoded unless the cache
    already has them at that gain, in worker processes, longest first; then each chapter's segments
    are joined. Editing one paragraph re-encodes the segments of the sentences that changed.
    """
    root = Path(options.cache_dir or default_cache_dir())
    wavs = list(dict.fromkeys(paths.values()))
    numbered = [c for c in script.chapters if c.kind == "chapter"]
    # Sentences spoken in this build were prepared where they were spoken; older ones may not be.
    places = {w: prepared_path(root, w) for w in wavs}
    missing = [w for w in wavs if not places[w].is_file()]
    fresh = dict(
        zip(missing, workers.map("Preparing speech", partial(_prepare, root=root), missing, progress), strict=True)
    )
    prepared = {w: fresh.get(w) or prepare(w, places[w]) for w in wavs}
    sentences = [[prepared[paths[u.speech]] for u in c.utterances] for c in script.chapters]
    layouts = [
        layout_chapter([s.samples for s in found], c.utterances, options.pacing)
        for c, found in zip(script.chapters, sentences, strict=True)
    ]

    def encode(gains: list[float]) -> list[tuple[ChapterScript, ChapterLayout, list[Path]]]:
        plans = []
        jobs: dict[Path, tuple[list[tuple[Path, int, bool]], int, float, Path]] = {}
        for chapter, layout, found, gain in zip(script.chapters, layouts, sentences, gains, strict=True):
            parts = []
            for segment in layout.segments:
                part = segment_path(root, segment_key(segment, found, gain))
                parts.append(part)
                if part not in jobs and not part.is_file():
                    jobs[part] = (
                        [(found[i].path, at, over_limit(found[i], gain)) for i, at in segment.items],
                        segment.samples,
                        gain,
                        part,
                    )
            plans.append((chapter, layout, parts))
        workers.map("Encoding audio", _render, list(jobs.values()), progress, size=lambda job: job[1])
        return plans

    art = (
        partial(_cover, script.title, root)
        if _cover_path(script.title, root).is_file()
        else workers.later(_cover, script.title, root)
    )
    # Encode at each chapter's first gain; the sentences that need limiting at it are limited (and
    # kept) on the way, and then the gain is checked with them. It seldom moves; if it does, the
    # chapter is encoded again at the right gain.
    first = [first_gain(layout, found) for layout, found in zip(layouts, sentences, strict=True)]
    plans = encode(first)
    gains = [chapter_gain(layout, found) for layout, found in zip(layouts, sentences, strict=True)]
    if gains != first:
        plans = encode(gains)
    built = []
    for chapter, layout, parts in plans:
        built.append(
            _assemble(
                chapter,
                layout,
                parts,
                script=script,
                options=options,
                out=out,
                total=len(numbered),
                guide_id=guide_id,
                old_dates=old_dates,
                now=now,
                made=made,
            )
        )
    return built, art


def _check_writable(out: Path) -> None:
    """Fail early, before any synthesis, when the output folder can't be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".audioguide-write-test.part"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"Cannot write to the output folder {out}: {exc.strerror or exc}.") from exc


def _synthesise(
    engine: Engine, script: GuideScript, options: BuildOptions, progress: ProgressFn | None
) -> dict[str, Path]:
    """Audio for every distinct sentence of the script, through the cache."""
    cache = SpeechCache(options.cache_dir or default_cache_dir())
    speeches = [u.speech for ch in script.chapters for u in ch.utterances]
    unique = list(dict.fromkeys(speeches))
    report = (lambda d, t: progress("Synthesising speech", d, t)) if progress else None
    # --jobs worker processes, each making its own engine from the same settings.
    factory = partial(get_engine, options.engine, options.voice, options.rate, script.language)
    after = partial(_prepare, root=cache.root)  # prepared where it was spoken, while the audio is fresh
    return dict(
        zip(
            unique,
            cache.synthesize_all(engine, unique, report, jobs=options.jobs, factory=factory, after=after),
            strict=True,
        )
    )


def _prepare(wav: Path, root: Path) -> Prepared:
    return prepare(wav, prepared_path(root, wav))


def _assemble(
    chapter: ChapterScript,
    layout: ChapterLayout,
    parts: list[Path],
    *,
    script: GuideScript,
    options: BuildOptions,
    out: Path,
    total: int,
    guide_id: uuid.UUID,
    old_dates: dict[object, object],
    now: str,
    made: dict[str, dict[str, Any]],
) -> BuiltChapter:
    """Join a chapter's segments into its MP3 (or find the same MP3 the last build made), with transcripts."""
    title = chapter.title if chapter.kind == "chapter" else f"{chapter.title}: {script.title}"
    tags = Tags(
        title=title,
        album=script.title,
        artist=options.author,
        track=max(chapter.number, 0) or 0,
        total=total,
        language=_LANG3.get(script.language.split("-")[0], "und"),
    )
    recipe = hashlib.sha256(json.dumps([[p.name for p in parts], vars(tags)]).encode()).hexdigest()
    stem, digest, size = "", "", 0
    earlier = made.get(recipe)
    if earlier:
        try:
            data = (out / earlier["audio"]).read_bytes()
        except OSError:
            data = b""
        if data and hashlib.sha256(data).hexdigest() == earlier.get("sha256"):
            stem, digest, size = Path(earlier["audio"]).stem, earlier["sha256"], len(data)

    def name_for(tmp: Path) -> str:
        nonlocal stem, digest, size
        data = tmp.read_bytes()
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        stem = f"{chapter.number:02d}-{chapter.slug}-{digest[:10]}"
        return f"{stem}.mp3"

    if not stem:
        with content_named(out / "audio", name_for) as tmp:
            assemble_chapter(parts, tmp, tags)
    built = BuiltChapter(
        script=chapter,
        audio=f"audio/{stem}.mp3",
        duration=layout.duration,
        bytes=size,
        sha256=digest,
        timings=layout.timings,
        guid=str(uuid.uuid5(guide_id, chapter.slug)),
        pub_date=str(old_dates.get(digest) or now),
        recipe=recipe,
    )
    files = {
        "vtt": (f"audio/{stem}.vtt", transcripts.webvtt(built)),
        "srt": (f"audio/{stem}.srt", transcripts.srt(built)),
        "html": (f"audio/{stem}.html", transcripts.html_transcript(built, script.title, script.language)),
        "chapters": (f"audio/{stem}.chapters.json", transcripts.chapters_json(built)),
    }
    for role, (rel, text) in files.items():
        write_atomic(out / rel, text)
        built.extra_files[role] = rel
    return built


def _podcast(
    script: GuideScript,
    built: list[BuiltChapter],
    options: BuildOptions,
    guide_id: uuid.UUID,
    cover_rel: str,
    meta: dict[str, object] | None = None,
) -> feed.Podcast:
    base = options.base_url
    feed_url = _join(base, "feed.xml") if base else None
    chapter_titles = ", ".join(c.script.title for c in built if c.script.kind == "chapter")
    podcast = feed.Podcast(
        title=script.title,
        description=options.description
        or f"{script.title}, read aloud chapter by chapter. Chapters: {chapter_titles}.",
        language=script.language,
        author=options.author,
        link=_join(base, "index.html") if base else "index.html",
        image_url=_join(base, cover_rel),
        guid=feed.podcast_guid(feed_url) if feed_url else str(guide_id),
        self_url=feed_url,
        locked=options.locked,
        owner_name=options.owner_name,
        owner_email=options.owner_email,
    )
    lang = script.language
    for chapter in built:
        rel = chapter.extra_files
        podcast.episodes.append(
            feed.Episode(
                title=chapter.script.title if chapter.script.kind == "chapter" else f"Contents of {script.title}",
                description=chapter.script.summary or chapter.script.title,
                guid=chapter.guid,
                pub_date=chapter.pub_date,
                media=feed.Media(url=_join(base, chapter.audio), bytes=chapter.bytes, duration=chapter.duration),
                number=chapter.script.number if chapter.script.kind == "chapter" else None,
                episode_type="full" if chapter.script.kind == "chapter" else "trailer",
                transcripts=(
                    feed.Transcript(_join(base, rel["vtt"]), "text/vtt", lang, "captions"),
                    feed.Transcript(_join(base, rel["srt"]), "application/x-subrip", lang, "captions"),
                    feed.Transcript(_join(base, rel["html"]), "text/html", lang),
                ),
                chapters_url=_join(base, rel["chapters"]),
                chapter_marks=tuple((start, title) for title, start in transcripts.subsection_starts(chapter)),
            )
        )
    whole = meta.get("whole_guide") if meta else None
    if isinstance(whole, dict):
        podcast.episodes.append(
            feed.Episode(
                title=f"The whole guide: {script.title}",
                description=f"All of {script.title} in one episode, with a chapter mark for every section.",
                guid=str(uuid.uuid5(guide_id, "whole-guide")),
                pub_date=max(c.pub_date for c in built),
                media=feed.Media(url=_join(base, whole["audio"]), bytes=whole["bytes"], duration=whole["duration"]),
                number=None,
                episode_type="bonus",
                chapters_url=_join(base, whole["chapters"]),
                chapter_marks=tuple((m["start"], m["title"]) for m in whole["marks"]),
            )
        )
    return podcast


def _remove_unreferenced(out: Path, built: list[BuiltChapter], others: list[str]) -> None:
    """Delete chapter files of earlier builds that the new manifest no longer names."""
    keep = {out / c.audio for c in built} | {out / p for c in built for p in c.extra_files.values()}
    keep |= {out / p for p in others}
    audio_dir = out / "audio"
    if audio_dir.is_dir():
        for path in audio_dir.iterdir():
            if path.is_file() and path not in keep:
                path.unlink(missing_ok=True)

"""The orchestrator: read -> script -> synthesise -> make chapters -> publish.

Each step is a call into the stage that does it; this module only decides the order, where files go
and what a rebuild keeps. Files are replaced atomically and the feed and manifest are written last,
so an interrupted build leaves the previous build whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

from . import __version__, dates, manifest, speech_memo
from .audio.chapters import Earlier, make_chapters, prepare_cached
from .engines import Engine, get_engine
from .errors import EngineError, InputError, OutputError
from .fsutil import clean_stale_parts, default_cache_dir, write_atomic
from .ids import guide_id
from .model import BuiltChapter, Document, GuideScript
from .options import BuildOptions
from .publish import Entry, PublishContext, chosen, cover, feed
from .reader import parse, read_document, strip_controls
from .script import ScriptOptions, make_script
from .speech import Lexicon
from .synth import SpeechCache
from .tools import require_tool
from .workers import Pool, ProgressFn, resolve_jobs

__all__ = ["BuildOptions", "BuildResult", "PublishContext", "build", "load_document", "load_script"]

MAX_WORDS = 200_000
"""Longest guide built, in words: about twenty hours of speech."""


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
    the same guide, engine, lexicon and rules (:mod:`audioguide.speech_memo`).
    """
    document = document or load_document(options.source, MAX_WORDS)
    if options.title or options.language:
        title = " ".join(strip_controls(options.title).split()) if options.title else None
        document = replace(document, title=title or document.title, language=options.language or document.language)
    lexicon = Lexicon.builtin()
    if options.lexicon:
        lexicon = lexicon.merged(Lexicon.load(options.lexicon))
    root = _cache_root(options)
    kept = speech_memo.memo_path(root, options.engine, lexicon, document.title or "") if remember else None
    memo = speech_memo.recall(kept) if kept is not None else {}
    script = make_script(
        document,
        ScriptOptions(
            contents=options.contents, signposts=options.signposts, engine=options.engine, lexicon=lexicon, memo=memo
        ),
    )
    if kept is not None:
        speech_memo.keep(kept, script, memo)
    return script


def build(options: BuildOptions, progress: ProgressFn | None = None) -> BuildResult:
    """Build the guide: audio chapters, transcripts, cover, the chosen formats, page, feed and manifest."""
    started = time.monotonic()
    moment = dates.now()  # SOURCE_DATE_EPOCH when set: a malformed one stops the build before anything is made
    warnings: list[str] = []
    document = load_document(options.source, MAX_WORDS)  # its own author and description fill unset options
    author = options.author if options.author != "audioguide" else document.author or options.author
    options = replace(options, author=author, description=options.description or document.description)
    script = load_script(options, remember=True, document=document)
    out = Path(options.out) if options.out else Path("output") / script.slug
    publishers = _prepare_output(out, options)
    previous = manifest.load(out) or {}
    earlier = Earlier.from_manifest(previous)
    published = dates.publication(previous, options.republish, moment)

    import numpy  # noqa: F401 - now, so that worker processes forked below inherit it ready to use

    try:
        engine, paths = _synthesise(script, options, progress)
    except EngineError as exc:
        if not options.fallback_engine or options.fallback_engine == options.engine:
            raise
        warnings.append(f"{exc} Built with the {options.fallback_engine} engine instead.")
        options = replace(options, engine=options.fallback_engine, voice=None)
        script = load_script(options, remember=True, document=document)
        engine, paths = _synthesise(script, options, progress)
    if not options.base_url:
        warnings.append(
            "No --base-url given: the feed uses relative links, which podcast apps cannot follow. "
            "Give the web address the folder will be published at, or use 'audioguide serve'."
        )

    root = _cache_root(options)
    with Pool(resolve_jobs(options.jobs)) as workers:
        cached = cover.cached_path(script.title, root).is_file()
        art = cache((partial if cached else workers.later)(cover.cached_png, script.title, root))
        chapters = make_chapters(
            script,
            paths,
            out,
            workers,
            root=root,
            pacing=options.pacing,
            author=options.author,
            copyright=options.copyright,
            guide_id=guide_id(script.slug),
            earlier=earlier,
            cover=art,
            progress=progress,
        )
        write_atomic(out / "cover.png", art())

    meta = {**_meta(script, options, engine), "published": dates.iso(published)}
    context = PublishContext(out=out, script=script, chapters=chapters, meta=meta, options=options, published=published)
    outputs, episodes = _publish(context, publishers, progress)
    # The feed and the manifest go last: until they are replaced, the old ones point at old files.
    generator = str(context.meta["generator"])
    before = (out / "feed.xml").read_bytes() if (out / "feed.xml").is_file() else None
    podcast = feed.dated(feed.podcast(context, episodes), dates.kept_dates(previous), published, options.republish)
    by_guid = {e.guid: e.pub_date for e in podcast.episodes}
    for chapter in chapters:
        chapter.pub_date = by_guid[chapter.guid]
    data, updated = feed.render_dated(podcast, generator, dates.parse(previous.get("updated")), before, moment)
    context.meta["updated"] = dates.iso(updated)
    context.meta["episodes"] = [{"guid": e.guid, "pub_date": dates.iso(e.pub_date)} for e in podcast.episodes]
    write_atomic(out / "feed.xml", data)
    write_atomic(out / "manifest.json", manifest.render(context.meta, chapters))
    _remove_unreferenced(out, chapters, [p for found in outputs.values() for p in found])
    return BuildResult(
        out=out, feed=out / "feed.xml", chapters=chapters, warnings=warnings, seconds=time.monotonic() - started
    )


def _cache_root(options: BuildOptions) -> Path:
    return Path(options.cache_dir or default_cache_dir())


def _prepare_output(out: Path, options: BuildOptions) -> list[Entry]:
    """Check, before any synthesis, that the output folder can be written and the formats asked for can
    be made; clear what an interrupted build left half-written. Returns the publishers to run."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; give a folder for the build with --out.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".audioguide-write-test.part"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"Cannot write to the output folder {out}: {exc.strerror or exc}.") from exc
    publishers = chosen(options.formats)
    for tool in dict.fromkeys(t for entry in publishers for t in entry.tools):
        require_tool(tool)  # e.g. the whole-guide files are joined by ffmpeg: say so before any work
    clean_stale_parts(out)
    return publishers


def _synthesise(
    script: GuideScript, options: BuildOptions, progress: ProgressFn | None
) -> tuple[Engine, dict[str, Path]]:
    """The engine, and audio for every distinct sentence of the script, through the cache."""
    make_engine = partial(get_engine, options.engine, options.voice, options.rate, script.language)
    engine = make_engine()
    cache = SpeechCache(_cache_root(options))
    unique = list(dict.fromkeys(u.speech for ch in script.chapters for u in ch.utterances))
    report = (lambda d, t: progress("Synthesising speech", d, t)) if progress else None
    # --jobs worker processes, each making its own engine from the same settings; each sentence is
    # prepared where it was spoken, while the audio is fresh.
    after = partial(prepare_cached, root=cache.root)
    made = cache.synthesize_all(engine, unique, report, jobs=options.jobs, factory=make_engine, after=after)
    return engine, dict(zip(unique, made, strict=True))


def _meta(script: GuideScript, options: BuildOptions, engine: Engine) -> dict[str, object]:
    """The guide-level facts of the manifest, which publishers read."""
    return {
        "title": script.title,
        "slug": script.slug,
        "language": script.language,
        "author": options.author,
        "engine": options.engine,
        "engine_identity": engine.identity(),
        "voice": options.voice,
        "base_url": options.base_url,
        "feed": "feed.xml",
        "cover": "cover.png",
        "generator": f"audioguide {__version__}",
    }


def _publish(
    context: PublishContext, publishers: list[Entry], progress: ProgressFn | None
) -> tuple[dict[str, list[str]], tuple[feed.Episode, ...]]:
    """Run the publishers in order; their files by name (also put in the manifest), and their episodes."""
    outputs: dict[str, list[str]] = {}
    episodes: list[feed.Episode] = []
    for entry in publishers:
        if progress:
            progress(f"Writing {entry.name}", 0, 1)
        found = entry.publish(context)
        if found.paths:
            outputs[entry.name] = list(found.paths)
        episodes.extend(found.episodes)
        context.meta.update(found.manifest)
        if progress:
            progress(f"Writing {entry.name}", 1, 1)
    context.meta["outputs"] = outputs
    return outputs, tuple(episodes)


def _remove_unreferenced(out: Path, built: list[BuiltChapter], others: list[str]) -> None:
    """Delete chapter files of earlier builds that the new manifest no longer names."""
    keep = {out / c.audio for c in built} | {out / p for c in built for p in c.extra_files.values()}
    keep |= {out / p for p in others}
    audio_dir = out / "audio"
    if audio_dir.is_dir():
        for path in audio_dir.iterdir():
            if path.is_file() and path not in keep:
                path.unlink(missing_ok=True)

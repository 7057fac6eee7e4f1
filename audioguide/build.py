"""The orchestrator: read -> script -> synthesise -> make chapters -> publish.

Each step is a call into the stage that does it; this module only decides the order, where files go
and what a rebuild keeps.

Whole-build publishing: a build holds the output folder's lock (``.audioguide/lock``) and writes
everything into a staging folder inside it (``.audioguide/staging``), which starts as hard links to
the files the previous build published, so that unchanged files cost nothing. Only when the whole
set is made and checked is it switched in: the list of moves is written first (``switch.json``), then
the files are moved into place (the feed and the manifest last) and the files that no build
references any more are removed. A build stopped before the switch leaves the published set as it
was; one stopped during the switch has it finished by the next build, before anything else.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, partial
from pathlib import Path

from . import __version__, dates, manifest, speech_memo, staging
from .audio.chapters import Earlier, make_chapters, prepare_cached
from .config import base_url_warning, clean_text
from .engines import Engine, get_engine, resolve_engine
from .errors import EngineError, InputError, OutputError
from .fsutil import check, clean_stale_parts, default_cache_dir, drop, folder_lock, write_atomic
from .i18n import LanguageChoice, messages, release_detector, resolve_language
from .ids import guide_id
from .model import BuiltChapter, Document, GuideScript
from .options import BuildOptions
from .publish import Entry, PublishContext, chosen, cover, feed
from .reader import parse, read_document, strip_controls
from .script import ScriptOptions, make_script
from .speech import Lexicon
from .synth import SpeechCache
from .tools import require_tool
from .workers import Pool, ProgressFn, cores, resolve_jobs

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


def guide_language(document: Document, option: str | None = None, settings: str | None = None) -> LanguageChoice:
    """The guide's language and where it came from: ``option`` (--language) > ``settings``
    (audioguide.toml) > the front matter > the source's own ``<html lang>`` (or document properties) >
    detection from its text > English."""
    declared = document.language if document.language_declared else None
    front = declared if document.reader == "markdown" else None
    html = declared if document.reader == "html" else None
    properties = declared if document.reader not in ("markdown", "html") else None
    return resolve_language(
        option=option,
        settings=settings,
        front_matter=front,
        html_lang=html,
        properties=properties,
        text=_sample_text(document),
    )


def _sample_text(document: Document, limit: int = 6000) -> str:
    """The guide's own words, enough of them for detection."""
    parts: list[str] = []
    size = 0
    for section in document.sections:
        for block in (section.title, *section.paragraphs):
            text = block if isinstance(block, str) else " ".join([block.caption, *block.header])
            parts.append(text)
            size += len(text)
            if size > limit:
                return " ".join(parts)
    return " ".join(parts)


def settle(
    options: BuildOptions, document: Document, choice: LanguageChoice | None = None
) -> tuple[BuildOptions, Document, str]:
    """The options with the guide's language (``choice``, when the caller has already decided it) and a
    concrete engine and voice ("auto" resolved for that language), the document in that language, and
    why that engine was chosen."""
    choice = choice or guide_language(document, option=options.language)
    document = replace(document, language=choice.tag)
    engine, voice, why = resolve_engine(options.engine, options.voice, choice.tag)
    return replace(options, language=choice.tag, engine=engine, voice=voice), document, why


def load_script(
    options: BuildOptions,
    remember: bool = False,
    document: Document | None = None,
    damaged: Counter[str] | None = None,
) -> GuideScript:
    """Read the source and make its speech script.

    With ``remember``, the speech text of each sentence is kept in the cache and reused next time for
    the same guide, engine, lexicon and rules (:mod:`audioguide.speech_memo`).
    """
    document = document or load_document(options.source, MAX_WORDS)
    # The language: --language/audioguide.toml, else the source's own if it is a language tag, else
    # detected, else English; engine "auto" made concrete for it.
    options, document, _ = settle(options, document)
    # Titles become file tags and feed text: no control or bidirectional formatting characters.
    sections = tuple(replace(s, title=clean_text(s.title) or s.title) for s in document.sections)
    title = clean_text(strip_controls(options.title or document.title or "")) or None
    document = replace(document, title=title, sections=sections)
    lexicon = Lexicon.builtin()
    if options.lexicon:
        lexicon = lexicon.merged(Lexicon.load(options.lexicon))
    root = _cache_root(options)
    kept = (
        speech_memo.memo_path(root, options.engine, lexicon, document.title or "", document.language)
        if remember
        else None
    )
    if kept is not None and check(kept) is False and damaged is not None:
        damaged["speech-text"] += 1
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
    choice = guide_language(document, option=options.language)
    if choice.source == "detected":
        warnings.extend(choice.notes)  # the document's own language tag was overruled or unreadable
    options, document, _ = settle(options, document, choice)
    release_detector()  # the language is settled: its model's memory goes back before any speaking
    damaged: Counter[str] = Counter()
    script = load_script(options, remember=True, document=document, damaged=damaged)
    warnings.extend(script.warnings)  # a speech rule that failed on a sentence: it is read as written
    out = Path(options.out) if options.out else Path("output") / script.slug
    publishers = _prepare_output(out, options)
    with folder_lock(out / staging.STATE / "lock", out):
        clean_stale_parts(out)  # only now: another build's half-written files are its own
        staging.recover(out)
        previous = staging.published(out)
        stage = out / staging.STATE / "staging"
        try:
            linked = staging.link_published(out, stage, previous)
            result = _build_into(stage, script, options, publishers, progress, warnings, damaged, moment)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)  # nothing of it was published (and the next build clears any rest)
            raise
        staging.switch(out, stage, staging.made_files(stage, result, linked), previous)
    if sum(damaged.values()):
        warnings.append(_damage_line(damaged))
    return BuildResult(
        out=out, feed=out / "feed.xml", chapters=result.chapters, warnings=warnings, seconds=time.monotonic() - started
    )


def _build_into(
    out: Path,
    script: GuideScript,
    options: BuildOptions,
    publishers: list[Entry],
    progress: ProgressFn | None,
    warnings: list[str],
    damaged: Counter[str],
    moment: datetime,
) -> staging.Made:
    """Make the whole build in the folder ``out`` (the staging folder)."""
    previous = manifest.load(out) or {}  # the staging folder starts with the published files
    earlier = Earlier.from_manifest(previous)
    published = dates.publication(previous, options.republish, moment)

    import numpy  # noqa: F401 - now, so that worker processes forked below inherit it ready to use

    try:
        engine, paths = _synthesise(script, options, progress, damaged)
    except EngineError as exc:
        if not options.fallback_engine or options.fallback_engine == options.engine:
            raise
        warnings.append(f"{exc} Built with the {options.fallback_engine} engine instead.")
        name, voice, _ = resolve_engine(options.fallback_engine, None, script.language)
        options = replace(options, engine=name, voice=voice, language=script.language)
        script = load_script(options, remember=True, damaged=damaged)
        engine, paths = _synthesise(script, options, progress, damaged)
    if options.jobs > cores():
        warnings.append(f"--jobs {options.jobs} is more than the {cores()} CPU cores here: using {cores()}.")
    if base_url_warning(options.base_url):
        warnings.append(str(base_url_warning(options.base_url)))
    if not options.base_url:
        warnings.append(
            "No --base-url given: the feed uses relative links, which podcast apps cannot follow. "
            "Give the web address the folder will be published at, or use 'audioguide serve'."
        )

    root = _cache_root(options)
    with Pool(resolve_jobs(options.jobs)) as workers:
        subtitle = messages(script.language).text("publish.cover_subtitle")
        kept = cover.cached_path(script.title, root, subtitle)
        state = check(kept)
        if state is False:
            damaged["cover"] += 1
            drop(kept)
        art = cache((partial if state else workers.later)(cover.cached_png, script.title, root, subtitle))
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
            damaged=damaged,
        )
        write_atomic(out / "cover.png", art())

    meta = {**_meta(script, options, engine), "published": dates.iso(published)}
    context = PublishContext(out=out, script=script, chapters=chapters, meta=meta, options=options, published=published)
    outputs, episodes = _publish(context, publishers, progress)
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
    return staging.Made(chapters, [p for found in outputs.values() for p in found])


_KINDS = {
    "sentence": ("sentence", "sentences"),
    "prepared": ("prepared sentence", "prepared sentences"),
    "segment": ("encoded segment", "encoded segments"),
    "speech-text": ("speech text list", "speech text lists"),
    "cover": ("cover", "covers"),
}


def _damage_line(damaged: Counter[str]) -> str:
    """One line saying what the cache had damaged, e.g. "2 cached sentences were damaged and have been made again"."""
    parts = [f"{n} {_KINDS[k][n != 1]}" for k, n in damaged.items() if n > 0 and k in _KINDS]
    total = sum(damaged.values())
    what = parts[0] if len(parts) == 1 else f"{total} files ({', '.join(parts)})"
    verbs = "was damaged and has" if total == 1 else "were damaged and have"
    return f"{what[0].upper()}{what[1:]} in the cache {verbs} been made again."


def _cache_root(options: BuildOptions) -> Path:
    return Path(options.cache_dir or default_cache_dir())


def _prepare_output(out: Path, options: BuildOptions) -> list[Entry]:
    """Check, before any synthesis, that the output folder can be written and the formats asked for can
    be made. Returns the publishers to run."""
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
    return publishers


def _synthesise(
    script: GuideScript, options: BuildOptions, progress: ProgressFn | None, damaged: Counter[str]
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
    damaged["sentence"] += cache.stats.damaged
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

"""The command line: parse options, call the library, turn its errors into one clear line."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .errors import AudioguideError
from .model import Block

app = typer.Typer(
    name="audioguide",
    help=(
        "Turn written health guidance into accessible audio: narrated chapters, a podcast feed "
        "with transcripts, and more.\n\nRun 'audioguide build' with no arguments to build the "
        "bundled example guide into output/."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEBUG = {"on": False}


class Stopped(BaseException):
    """A stop signal (SIGTERM, SIGHUP) arrived: handled like Ctrl+C, exit 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOP: dict[str, int] = {}
"""The stop signal that arrived, if any."""


def _on_stop_signal(signum: int, frame: object) -> None:
    STOP["signal"] = signum
    raise Stopped(signum)


def _check_stop() -> None:
    """Raise :class:`Stopped` again if a stop signal came while Python was running a finaliser, where
    an exception is reported and dropped: the build then still stops, at its next progress step."""
    if "signal" in STOP:
        raise Stopped(STOP["signal"])


def _handle_stop_signals() -> None:
    """SIGTERM and SIGHUP stop a command as Ctrl+C does: one line, and exit 143 or 129."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), _on_stop_signal)
            except ValueError:  # not the main thread (a test runner): leave signals alone
                return


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _formats_help() -> str:
    """``--formats`` help from the publisher registry. A publisher that fails to import is named here
    and fails any build; help itself still works."""
    from .publish import formats_help

    try:
        return formats_help()
    except ImportError as exc:
        return f"Extra outputs, comma-separated. (This installation is broken: {exc}.)"


def _engine_help() -> str:
    """``--engine`` help, with what "auto" picks for an English guide on this machine and why."""
    text = (
        "Speech engine. Default: auto, which picks Piper's natural voice when one for the guide's "
        "language is installed (pip install 'audioguide[piper]'), else espeak-ng through pyttsx3 "
        "with a voice of that language. Others: pyttsx3, piper, gtts (online). "
        "'audioguide engines --language xx' shows what auto picks for a language."
    )
    try:
        from .engines import choose_auto

        choice = choose_auto("en")
    except Exception:  # help must always work; the build itself says what is wrong
        return text
    picked = f"auto picks {choice.engine}" if choice.engine else "auto finds no engine"
    return f"{text} Here, for English, {picked}: {choice.reason}"


@contextmanager
def _friendly_errors() -> Iterator[None]:
    """One line and a non-zero exit for every failure; a traceback only with --debug."""
    try:
        yield
    except AudioguideError as exc:
        if DEBUG["on"]:
            raise
        _err(f"Error: {exc}")
        raise typer.Exit(1) from None
    except BrokenPipeError:  # whoever read our output went away (`| head`): nothing more to say
        raise typer.Exit(1) from None
    except OSError as exc:  # a full disk, a file too large, a folder taken away ...
        if DEBUG["on"]:
            raise
        where = f" {exc.filename}" if exc.filename else " a file"
        _err(
            f"Error: could not write{where}: {exc.strerror or exc}. The previous build in the output "
            "folder is still whole; free some space or choose another folder with --out, and run again."
        )
        raise typer.Exit(1) from None
    except (KeyboardInterrupt, Stopped) as exc:
        _err("Stopped. Files already in the output folder are unchanged; run the same command to carry on.")
        raise typer.Exit(128 + exc.signum if isinstance(exc, Stopped) else 130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # the promise is: never a traceback
        if DEBUG["on"]:
            raise
        _err(
            f"Error: something unexpected went wrong ({type(exc).__name__}: {exc}). "
            "Run again with --debug for details, and please report it."
        )
        raise typer.Exit(70) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audioguide {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    """audioguide command line."""
    DEBUG["on"] = debug


LanguageOpt = Annotated[
    Optional[str],
    typer.Option(
        "--language",
        "-l",
        help=(
            "The guide's language as a BCP 47 tag (en-GB, es, cy, ar). Default: the guide's own "
            "(front matter, <html lang>), else detected from its text; 'audioguide sections' shows which."
        ),
        show_default=False,
    ),
]

SourceArg = Annotated[
    Optional[str],
    typer.Argument(
        help=(
            "The guide to read: a PDF, Word (.docx), EPUB, HTML, Markdown or text file, or a web address "
            "(https://...). Leave it out for the bundled example guide."
        ),
        show_default=False,
    ),
]


def _source(source: Optional[str]) -> Path | str | None:
    """A web address stays as written; anything else is a file path."""
    from .reader import is_url

    if source is None or is_url(source):
        return source
    return Path(source)


def _progress(
    quiet: bool = False, verbose: bool = False
) -> tuple[Callable[[str, int, int], None], Callable[[], None], Callable[[str], None]]:
    """A progress callback drawing rich bars on stderr (none when ``quiet``; with ``verbose`` also a
    line as each stage starts and ends), a function to close them, and one to print a line on stderr
    above the bars."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True, highlight=False)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=quiet or not console.is_terminal,
    )
    tasks: dict[str, Any] = {}
    began: dict[str, float] = {}
    finished: set[str] = set()
    bars.start()

    def say(line: str) -> None:
        console.print(line, markup=False, soft_wrap=True)

    def update(stage: str, done: int, total: int) -> None:
        _check_stop()
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
            began[stage] = time.monotonic()
            if verbose:
                say(f"{stage}: started ({total} to do)")
        bars.update(tasks[stage], completed=done, total=total)
        if verbose and done >= total and stage not in finished:
            finished.add(stage)
            say(f"{stage}: done, {total} in {time.monotonic() - began[stage]:.1f} s")

    return update, bars.stop, say


@app.command()
def build(
    source: SourceArg = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Output folder. Default: output/<guide-name>/.")
    ] = None,
    engine: Annotated[
        Optional[str],
        typer.Option(
            "--engine",
            "-e",
            help=_engine_help(),
        ),
    ] = None,
    voice: Annotated[
        Optional[str],
        typer.Option(
            "--voice",
            help="Voice id for the engine, or the path of any Piper .onnx voice. See 'audioguide voices'.",
        ),
    ] = None,
    language: LanguageOpt = None,
    rate: Annotated[
        Optional[int],
        typer.Option(
            "--rate",
            help="Speaking rate in words per minute, 80 to 400. Default: 165 for pyttsx3, a little slower than usual.",
        ),
    ] = None,
    base_url: Annotated[
        Optional[str],
        typer.Option(
            "--base-url",
            help=(
                "Web address the output folder will be published at; "
                "makes the feed's links absolute so podcast apps can follow them."
            ),
        ),
    ] = None,
    author: Annotated[
        Optional[str],
        typer.Option("--author", help="Who publishes the guide; shown in podcast apps. Default: audioguide."),
    ] = None,
    title: Annotated[
        Optional[str], typer.Option("--title", help="Title of the guide, instead of the one in the source.")
    ] = None,
    lexicon: Annotated[
        Optional[Path], typer.Option("--lexicon", help='A TOML file of pronunciations: word = "respelling".')
    ] = None,
    contents: Annotated[
        Optional[bool],
        typer.Option(
            "--contents/--no-contents", help="Start with a spoken list of chapters. Default: on.", show_default=False
        ),
    ] = None,
    signposts: Annotated[
        Optional[bool],
        typer.Option(
            "--signposts/--no-signposts",
            help="End each chapter by saying which chapter comes next. Default: on.",
            show_default=False,
        ),
    ] = None,
    cache_dir: Annotated[
        Optional[Path], typer.Option("--cache-dir", help="Where synthesised sentences are kept between builds.")
    ] = None,
    formats: Annotated[
        Optional[str],
        typer.Option(
            "--formats",
            help=_formats_help(),
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            help="Worker processes to run at once (at most one per CPU core). Default: one per CPU core.",
        ),
    ] = None,
    locked: Annotated[
        Optional[bool],
        typer.Option(
            "--locked/--unlocked",
            help="Mark the feed podcast:locked, asking other hosting platforms not to import it. Default: unlocked.",
            show_default=False,
        ),
    ] = None,
    fallback_engine: Annotated[
        Optional[str],
        typer.Option(
            "--fallback-engine",
            help=(
                "If the chosen engine can't be used (for example gtts without internet), "
                "build with this one instead, e.g. pyttsx3."
            ),
        ),
    ] = None,
    pauses: Annotated[
        Optional[str],
        typer.Option(
            "--pauses",
            help=(
                "Pauses in seconds, e.g. sentence=0.6,paragraph=1.2: sentence (between sentences, default 0.45), "
                "paragraph (after a paragraph, 0.9), heading (before a subheading, 1.4), lead_in and tail (at the "
                "start and end of each chapter, 0.4 and 1.2: together the pause between chapters)."
            ),
        ),
    ] = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help="Settings file. Default: audioguide.toml beside the source, if there is one."),
    ] = None,
    copyright: Annotated[
        Optional[str],
        typer.Option(
            "--copyright", help="A copyright notice for the feed and the audio files, e.g. '© 2026 A Charity'."
        ),
    ] = None,
    republish: Annotated[
        bool,
        typer.Option(
            "--republish",
            help=(
                "Give every episode a new date, so podcast apps show the guide as new. Without it a rebuild "
                "keeps the dates (apps still fetch a changed chapter: its file name changes)."
            ),
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say as each stage starts and ends, and list every file made.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a summary of the build (from manifest.json) as JSON instead.")
    ] = False,
) -> None:
    """Build narrated MP3 chapters, transcripts, a listening page and a podcast feed from a guide.

    Settings can also come from audioguide.toml beside the source (or --config FILE): title, author,
    language, description, base_url, engine, voice, rate, lexicon, formats, owner_name, owner_email,
    locked, contents, signposts, jobs, fallback_engine, copyright, and a [pauses] table. Options given
    here win over the file.

    Episode dates follow the guide's order (newest first: the contents, chapters 1 to N, the whole
    guide) and stay the same on every rebuild unless --republish; set SOURCE_DATE_EPOCH for a
    reproducible build.
    """
    from .build import build as run_build
    from .config import resolve
    from .errors import InputError

    with _friendly_errors():
        if quiet and verbose:
            raise InputError("Choose --quiet or --verbose, not both.")
        given = {
            "engine": engine,
            "voice": voice,
            "language": language,
            "rate": rate,
            "base_url": base_url,
            "author": author,
            "title": title,
            "lexicon": lexicon,
            "contents": contents,
            "signposts": signposts,
            "jobs": jobs,
            "locked": locked,
            "fallback_engine": fallback_engine,
            "copyright": copyright,
            "formats": formats,
        }
        options = resolve(_source(source), config=config, given=given, pauses=pauses, out=out, cache_dir=cache_dir)
        options = replace(options, republish=republish)
        found = options.settings_file
        update, stop, say = _progress(quiet=quiet, verbose=verbose)
        try:
            if verbose and found:
                say(f"Settings from {found}")
            result = run_build(options, progress=update)
        finally:
            stop()
        _report(result, found, quiet=quiet, verbose=verbose, as_json=as_json)


def _report(result: Any, found: Path | None, *, quiet: bool, verbose: bool, as_json: bool) -> None:
    """What a finished build prints: warnings on stderr (not with --quiet), then the summary, as text or
    JSON (the JSON also with --quiet: it was asked for)."""
    from .manifest import load, summary

    if not quiet:
        for warning in result.warnings:
            _err(f"Warning: {warning}")
    page = result.out / "index.html"
    if as_json:
        # The manifest's paths are relative to "out", as in manifest.json.
        doc = {
            "out": str(result.out),
            **summary(load(result.out) or {}),
            "warnings": list(result.warnings),
            "seconds": round(result.seconds, 3),
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if quiet:
        return
    minutes = sum(c.duration for c in result.chapters) / 60
    if found:
        typer.echo(f"Settings from {found}")
    if verbose:
        data = load(result.out) or {}
        typer.echo(f"Published {data.get('published')}; feed last changed {data.get('updated')}")
        for chapter in result.chapters:
            typer.echo(f"  {chapter.audio}  {chapter.duration:.1f} s  {chapter.script.title}")
            for rel in sorted(chapter.extra_files.values()):
                typer.echo(f"  {rel}")
        for name, paths in dict(data.get("outputs") or {}).items():
            for rel in paths:
                typer.echo(f"  {rel}  ({name})")
    typer.echo(f"Built {len(result.chapters)} chapters ({minutes:.1f} minutes of audio) in {result.out}")
    typer.echo(f"Podcast feed: {result.feed}")
    if page.exists():
        typer.echo(f"Listening page: {page}")


@app.command()
def sections(
    source: SourceArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of an outline.")] = False,
    language: LanguageOpt = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help="Settings file. Default: audioguide.toml beside the source, if there is one."),
    ] = None,
) -> None:
    """Show the chapters and subsections a build would narrate, and the guide's language, without making audio."""
    from .build import guide_language, load_document
    from .config import resolve
    from .fsutil import unique_slugs
    from .script import name_untitled
    from .speech import split_sentences

    with _friendly_errors():
        options = resolve(_source(source), config=config)  # the settings file is checked as a build would check it
        document = load_document(_source(source))
        if options.title:
            document = replace(document, title=options.title)
        choice = guide_language(document, option=language, settings=options.language)
        document = name_untitled(replace(document, language=choice.tag))
        slugs = unique_slugs([s.title for s in document.sections])
        rows: list[dict[str, Any]] = [
            {
                "title": s.title,
                "level": s.level,
                "slug": slug,
                "words": sum(len(_block_text(p).split()) for p in s.paragraphs),
                "sentences": sum(
                    len(split_sentences(p)) if isinstance(p, str) else len(p.rows) + bool(p.caption)
                    for p in s.paragraphs
                ),
            }
            for s, slug in zip(document.sections, slugs, strict=True)
        ]
        if as_json:
            payload = {
                "title": document.title,
                "language": choice.tag,
                "language_source": choice.source,
                "language_confidence": choice.confidence,
                "language_notes": list(choice.notes),
                "reader": document.reader,
                "sections": [{k: r[k] for k in ("title", "level", "slug", "words")} for r in rows],
            }
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        typer.echo(document.title or "(untitled guide)")
        typer.echo(f"  (read by the {document.reader or 'markdown'} reader; language {choice.tag})")
        typer.echo(f"  Language: {choice.describe()}")
        for note in choice.notes:
            typer.echo(f"  Note: {note}")
        chapter = 0
        for row in rows:
            if row["level"] <= 1:
                chapter += 1
                typer.echo(f"  {chapter}. {row['title']}  ({row['words']} words)")
            else:
                typer.echo(f"       - {row['title']}  ({row['words']} words)")


@app.command()
def script(
    source: SourceArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: every chapter with its sentences.")] = False,
    engine: Annotated[
        Optional[str],
        typer.Option(
            "--engine", "-e", help="The engine the script is for. Default: the settings file's, or auto (as build)."
        ),
    ] = None,
    language: LanguageOpt = None,
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="A TOML file of pronunciations.")] = None,
    contents: Annotated[
        Optional[bool],
        typer.Option("--contents/--no-contents", help="Include the spoken contents.", show_default=False),
    ] = None,
    signposts: Annotated[
        Optional[bool],
        typer.Option("--signposts/--no-signposts", help="Include end-of-chapter signposts.", show_default=False),
    ] = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help="Settings file. Default: audioguide.toml beside the source, if there is one."),
    ] = None,
) -> None:
    """Print exactly what each chapter will say, for proofreading (with the settings a build would use)."""
    from .build import load_script
    from .config import resolve

    with _friendly_errors():
        given = {
            "engine": engine,
            "language": language,
            "lexicon": lexicon,
            "contents": contents,
            "signposts": signposts,
        }
        guide = load_script(resolve(_source(source), config=config, given=given))
        for warning in guide.warnings:
            _err(f"Warning: {warning}")
        if as_json:
            payload = {
                "title": guide.title,
                "language": guide.language,
                "chapters": [
                    {
                        "number": c.number,
                        "kind": c.kind,
                        "title": c.title,
                        "slug": c.slug,
                        "subsections": list(c.subsections),
                        "utterances": [
                            {"kind": u.kind, "text": u.text, "speech": u.speech, "pause_after": u.pause_after}
                            for u in c.utterances
                        ],
                    }
                    for c in guide.chapters
                ],
            }
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for chapter in guide.chapters:
            label = "Contents" if chapter.kind == "contents" else f"Chapter {chapter.number}: {chapter.title}"
            typer.echo(f"=== {label}")
            for u in chapter.utterances:
                typer.echo(f"  {u.speech}")
            typer.echo("")


@app.command()
def engines(
    language: Annotated[
        str, typer.Option("--language", "-l", help="Say what auto picks for this language (a BCP 47 tag).")
    ] = "en",
) -> None:
    """List the speech engines, whether each works here, and why not; and what the default, auto, picks."""
    from .engines import ENGINES, choose_auto, engine_names
    from .i18n import language_name, parse_tag

    with _friendly_errors():
        tag = parse_tag(language, "the --language option")
        choice = choose_auto(tag)
        picked = f"picks {choice.engine}" if choice.engine else "finds nothing"
        voice = f" (voice {choice.voice})" if choice.voice else ""
        typer.echo(f"{'auto':8} {'the default':14} {'':8} For {language_name(tag)} it {picked}{voice}: {choice.reason}")
        for name in engine_names():
            cls = ENGINES[name]
            reason = cls.unavailable_reason()
            state = "available" if reason is None else "not available"
            where = "offline" if cls.offline else "online"
            typer.echo(f"{name:8} {state:14} {where:8} {cls.summary}")
            if reason:
                typer.echo(f"{'':8} why not: {reason}")


@app.command()
def voices(
    engine: Annotated[
        str, typer.Option("--engine", "-e", help="Engine whose voices to list. Default: what auto picks.")
    ] = "auto",
    language: Annotated[
        Optional[str], typer.Option("--language", "-l", help="Only voices for this language, e.g. en, cy, es-MX.")
    ] = None,
) -> None:
    """List the voices an engine offers; pass one to 'build --voice'. With --language, the voices that speak it."""
    from .engines import get_engine, resolve_engine
    from .i18n import base_language, parse_tag

    with _friendly_errors():
        tag = parse_tag(language, "the --language option") if language else None
        if engine == "auto":
            engine, _, why = resolve_engine("auto", None, tag or "en")
            typer.echo(f"auto picks {engine}: {why}")
        found = get_engine(engine, language=tag or "en").voices()
        if tag:
            base = base_language(tag)
            found = [
                v
                for v in found
                if any(lang.lower() == tag.lower() or base_language(lang) == base for lang in v.languages)
            ]
            if not found:
                typer.echo(f"The {engine} engine has no voice for {tag} here.")
        for v in found:
            typer.echo(f"{v.id:28} {v.name}  [{', '.join(v.languages)}]")


@app.command()
def serve(
    folder: Annotated[
        Optional[Path],
        typer.Argument(
            help="A build folder (with feed.xml). Default: the newest build in output/.", show_default=False
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on (0 picks a free one).")
    ] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help=(
                "Address to listen on. The default lets only this computer in; "
                "use 0.0.0.0 to let phones on your network subscribe."
            ),
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve a build over HTTP and print the feed address to give a podcast app."""
    from .errors import InputError
    from .serve import default_folder, make_server

    with _friendly_errors():
        chosen = folder or default_folder()
        if chosen is None:
            raise InputError("There is no build in output/ yet. Build one first with: audioguide build")
        server = make_server(chosen, host=host, port=port)
        base = server.public_base
        typer.echo(f"Serving {chosen} at {base}")
        typer.echo(f"Podcast feed: {base}feed.xml")
        typer.echo(f"Listening page: {base}index.html")
        if host in ("0.0.0.0", "::", ""):
            from .publish.subscribe import qr_terminal

            typer.echo("Point a phone's camera at this code to open the listening page and subscribe:")
            typer.echo(qr_terminal(f"{base}index.html"))
        typer.echo("Press Ctrl+C to stop.")
        try:
            server.serve_forever()
        except (KeyboardInterrupt, Stopped):
            typer.echo("Stopped serving.")
        finally:
            server.server_close()


@app.command()
def cache(
    action: Annotated[
        str, typer.Argument(help="info: where the sentence cache is and how big; clear: empty it.")
    ] = "info",
    cache_dir: Annotated[
        Optional[Path],
        typer.Option("--cache-dir", help="The cache folder. Default: $AUDIOGUIDE_CACHE or ~/.cache/audioguide."),
    ] = None,
) -> None:
    """Show or clear the cache of synthesised and encoded sentences (builds refill it as needed)."""
    from .errors import InputError
    from .synth import SpeechCache, default_cache_dir

    with _friendly_errors():
        store = SpeechCache(cache_dir or default_cache_dir())
        if action == "info":
            info = store.info()
            typer.echo(f"Folder:    {info.folder}")
            typer.echo(f"Sentences: {info.sentences}")
            typer.echo(f"Size:      {info.bytes / 1_000_000:.1f} MB")
        elif action == "clear":
            removed = store.clear()
            typer.echo(f"Removed {removed} sentences from {store.root}")
        else:
            raise InputError(f"Unknown cache action '{action}'. Use: audioguide cache info, or audioguide cache clear.")


def _block_text(block: Block) -> str:
    """A paragraph, or a table's caption, headers and cells, as words to count."""
    if isinstance(block, str):
        return block
    return " ".join([block.caption, *block.header, *(cell for row in block.rows for cell in row)])


def main() -> None:
    """Entry point of the console script (and ``python -m audioguide``)."""
    _handle_stop_signals()
    app(prog_name="audioguide")


if __name__ == "__main__":
    main()

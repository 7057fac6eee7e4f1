"""Synthesis through a content-addressed cache: one WAV per sentence, made once, in parallel processes.

The cache key of a sentence is the engine's identity (engine, version, voice, rate) and the speech
text (which already carries the lexicon's respellings), so editing one paragraph re-synthesises only
its sentences, and a build that was stopped resumes where it stopped: every finished sentence is
already in the cache, written atomically.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .engines import Engine
from .errors import AudioguideError, EngineError
from .fsutil import atomic_path, check, default_cache_dir, drop, seal
from .wav import canonicalise_wav, plain_wav, wav_samples
from .workers import Pool, resolve_jobs

__all__ = ["SpeechCache", "cache_key", "default_cache_dir", "resolve_jobs"]

DEFAULT_TIMEOUT = 120.0
"""Seconds one sentence may take before its worker is killed and the sentence tried again."""

EngineFactory = Callable[[], Engine]
"""Makes an engine inside a worker process (each worker needs its own: pyttsx3 is not thread-safe)."""


def cache_key(engine_identity: str, speech: str) -> str:
    """The cache key of one sentence: everything that changes its sound.

    ``engine_identity`` names the engine, its version, voice and rate; ``speech`` is the text the
    engine is given, after numbers, abbreviations and the lexicon's respellings.
    """
    return hashlib.sha256(f"{engine_identity}\x00{speech}".encode()).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    """What the sentence cache holds."""

    folder: Path
    """Where it is."""
    sentences: int
    """How many sentences have audio."""
    bytes: int
    """Total size on disk of the sentences and the work made from them (prepared sentences, encoded segments)."""


@dataclass
class SynthesisStats:
    """What the last :meth:`SpeechCache.synthesize_all` did."""

    hits: int = 0
    """Sentences found in the cache."""
    misses: int = 0
    """Sentences synthesised."""
    retries: int = 0
    """Sentences tried again after their worker hung or died."""
    damaged: int = 0
    """Cached sentences found damaged (different from their checksum) and made again."""


def _synthesize_one(engine: Engine, speech: str, target: Path) -> None:
    """Speak ``speech`` into the cache file ``target``, atomically, as canonical mono WAV.

    Engines handle their own quirks (pyttsx3 retries its occasional empty recording); an engine
    that still hands back no audio is reported. The file's checksum is kept beside it.
    """
    with atomic_path(target) as tmp:
        engine.synthesize(speech, tmp)
        if not (tmp.exists() and tmp.stat().st_size > 0):
            raise EngineError(f"The {engine.name} engine made no audio for: {_short(speech, 60)}")
        canonicalise_wav(tmp)
        if wav_samples(tmp) == 0 and speech.strip():
            raise EngineError(f"The {engine.name} engine made no audio for: {_short(speech, 60)}")
    seal(target)


def _usable(target: Path) -> bool | None:
    """Whether the cached sentence ``target`` can be used: ``True`` when it matches its checksum,
    ``False`` when it is damaged (and is removed), ``None`` when it is not there. A sentence an older
    version cached, without a checksum, is kept (and sealed) when it is a whole WAV file."""
    state = check(target)
    if state is None and target.is_file():
        plain = plain_wav(target)
        if plain is not None and plain[0] > 0:
            try:
                seal(target)
            except OSError:
                return None
            return True
        drop(target)
        return False
    if state is False:
        drop(target)
    return state


class SpeechCache:
    """Sentence audio on disk, named by :func:`cache_key`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.stats = SynthesisStats()
        """Counts from the last :meth:`synthesize_all`."""

    def path(self, key: str) -> Path:
        """Where the audio for ``key`` lives."""
        return self.root / "speech" / key[:2] / f"{key}.wav"

    def _derived(self) -> list[Path]:
        """Folders of work made from the sentences: prepared sentences, encoded segments, covers and
        remembered speech text (and the chapter files older versions kept)."""
        return [p for p in self.root.glob("prepared-*") if p.is_dir()] + [
            p
            for p in (self.root / "segments", self.root / "covers", self.root / "speech-text", self.root / "chapters")
            if p.is_dir()
        ]

    def info(self) -> CacheInfo:
        """How many sentences the cache holds and how much space they and the work made from them take."""
        count = size = 0
        speech = self.root / "speech"
        if speech.is_dir():
            for path in speech.glob("*/*.wav"):
                try:
                    size += path.stat().st_size
                except OSError:
                    continue
                count += 1
        for folder in self._derived():
            for path in folder.rglob("*"):
                try:
                    size += path.stat().st_size if path.is_file() else 0
                except OSError:
                    continue
        return CacheInfo(folder=self.root, sentences=count, bytes=size)

    def clear(self) -> int:
        """Delete every cached sentence and everything made from them (and any half-written file);
        return how many sentences went."""
        import shutil

        removed = 0
        speech = self.root / "speech"
        if speech.is_dir():
            for path in speech.glob("*/*"):
                if path.is_file():
                    removed += path.suffix == ".wav"
                    path.unlink(missing_ok=True)
            for folder in speech.iterdir():
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
        for folder in self._derived():
            shutil.rmtree(folder, ignore_errors=True)
        return removed

    def synthesize_all(
        self,
        engine: Engine,
        speeches: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
        *,
        jobs: int = 1,
        factory: EngineFactory | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        after: Callable[[Path], object] | None = None,
    ) -> list[Path]:
        """Make sure every text in ``speeches`` has audio; return the paths in order.

        Each cached sentence is checked against its checksum; a damaged one is made again (and counted
        in :attr:`stats`).

        With ``jobs`` above 1 and a ``factory``, missing sentences are spoken by that many worker
        processes, each with its own engine from ``factory``; a sentence that takes longer than
        ``timeout`` seconds has its worker killed and is tried once more, then reported as an
        :class:`EngineError`. With one job the engine speaks in this process, without a deadline.
        Online engines speak one sentence at a time (the service's limits).
        ``after`` is called with each new sentence's cache path where it was made (in the worker), for
        work that belongs with the fresh audio.
        The result never depends on scheduling: each sentence's audio lands at its own cache path.
        """
        identity = engine.identity()
        targets = [self.path(cache_key(identity, speech)) for speech in speeches]
        todo: dict[Path, str] = {}
        damaged = 0
        seen: set[Path] = set()
        for speech, target in zip(speeches, targets, strict=True):
            if target in seen:
                continue
            seen.add(target)
            usable = _usable(target)
            damaged += usable is False
            if not usable:
                todo[target] = speech
        total = len(speeches)
        hits = total - sum(1 for t in targets if t in todo)
        self.stats = SynthesisStats(hits=hits, misses=len(todo), damaged=damaged)
        done = hits
        if progress:
            progress(done, total)

        def finished(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        counts = Counter(targets)
        workers = min(resolve_jobs(jobs), len(todo))
        if workers <= 1 or factory is None or not engine.offline:
            for target, speech in todo.items():
                _synthesize_one(engine, speech, target)
                if after is not None:
                    after(target)
                finished(counts[target])
        else:
            name = f"The {engine.name} engine"

            def spoken(target: Path, _: object) -> None:
                finished(counts[target])

            def wrap(exc: BaseException, speech: str | None) -> BaseException:
                if isinstance(exc, AudioguideError):
                    return exc
                where = f" on \u201c{_short(speech)}\u201d" if speech else ""
                return EngineError(f"{name} failed{where}: {exc}")

            with Pool(
                workers,
                fresh=engine.fresh_process(),
                setup=partial(_speaker, factory, after),
                timeout=timeout,
                name=name,
                unit="sentence",
                advice="Try again, or try another engine or voice.",
                error=EngineError,
                wrap=wrap,
            ) as pool:
                # Longest first, so that the workers finish together rather than one waiting on a long last sentence.
                tasks = [
                    pool.submit(_speak, str(target), speech, label=speech, on_done=partial(spoken, target))
                    for target, speech in sorted(todo.items(), key=lambda item: -len(item[1]))
                ]
                pool.wait(tasks)
                self.stats.retries = pool.retries
        return targets


# ---- worker processes ----------------------------------------------------------------------------


def _speaker(factory: EngineFactory, after: Callable[[Path], object] | None) -> tuple[Engine, Any]:
    """A synthesis worker's set-up: its own engine (and what to do with each new sentence)."""
    return factory(), after


def _speak(state: tuple[Engine, Callable[[Path], object] | None], target: str, speech: str) -> str:
    engine, after = state
    _synthesize_one(engine, speech, Path(target))
    if after is not None:
        after(Path(target))
    return target


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"

"""Synthesis through a content-addressed cache: one WAV per sentence, made once, in parallel processes.

The cache key of a sentence is the engine's identity (engine, version, voice, rate) and the speech
text (which already carries the lexicon's respellings), so editing one paragraph re-synthesises only
its sentences, and a build that was stopped resumes where it stopped: every finished sentence is
already in the cache, written atomically.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engines import Engine
from .errors import AudioguideError, EngineError
from .fsutil import atomic_path, default_cache_dir
from .wav import canonicalise_wav, wav_samples
from .workers import quiet_worker, resolve_jobs, start_method

__all__ = ["SpeechCache", "cache_key", "default_cache_dir", "resolve_jobs"]

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

DEFAULT_TIMEOUT = 120.0
"""Seconds one sentence may take before its worker is killed and the sentence tried again."""
START_TIMEOUT = 120.0
"""Seconds a worker process may take to start its engine (loading a voice model, say)."""

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


def _synthesize_one(engine: Engine, speech: str, target: Path) -> None:
    """Speak ``speech`` into the cache file ``target``, atomically, as canonical mono WAV.

    Engines handle their own quirks (pyttsx3 retries its occasional empty recording); an engine
    that still hands back no audio is reported.
    """
    with atomic_path(target) as tmp:
        engine.synthesize(speech, tmp)
        if tmp.exists() and tmp.stat().st_size > 0:
            canonicalise_wav(tmp)
            if wav_samples(tmp) > 0 or not speech.strip():
                return
        raise EngineError(f"The {engine.name} engine made no audio for: {_short(speech, 60)}")


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
        for speech, target in zip(speeches, targets, strict=True):
            if target not in todo and not target.exists():
                todo[target] = speech
        total = len(speeches)
        hits = total - sum(1 for t in targets if t in todo)
        self.stats = SynthesisStats(hits=hits, misses=len(todo))
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
            pool = _Pool(factory, workers, timeout, engine.name, _context(engine), after)
            # Longest first, so that the workers finish together rather than one waiting on a long last sentence.
            work = sorted(todo.items(), key=lambda item: -len(item[1]))
            pool.run(work, lambda target: finished(counts[target]))
            self.stats.retries = pool.retries
        return targets


# ---- worker processes ----------------------------------------------------------------------------


def _context(engine: Engine) -> Any:
    """How to start this engine's workers (:func:`audioguide.workers.start_method`): a fresh process
    when the engine says a forked copy of this one could deadlock (:meth:`Engine.fresh_process`)."""
    return start_method(fresh=engine.fresh_process())


def _worker_main(conn: Connection, factory: EngineFactory, after: Callable[[Path], object] | None = None) -> None:
    """A worker: make an engine, then speak sentences into the cache until told to stop."""
    quiet_worker()  # the parent handles Ctrl-C and stops the workers
    try:
        engine = factory()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        _send(conn, ("failed", None, exc))
        return
    conn.send(("ready", None, None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        target, speech = job
        try:
            _synthesize_one(engine, speech, Path(target))
            if after is not None:
                after(Path(target))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            _send(conn, ("error", target, exc))
            continue
        conn.send(("done", target, None))


def _send(conn: Connection, message: tuple[str, Any, BaseException]) -> None:
    kind, target, exc = message
    try:
        conn.send((kind, target, exc))
    except Exception:  # an exception that can't be pickled: send its words
        conn.send((kind, target, EngineError(str(exc) or type(exc).__name__)))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    job: tuple[Path, str] | None = None
    started: float = 0.0


class _Pool:
    """A few worker processes, each fed one sentence at a time, with a deadline per sentence."""

    def __init__(
        self,
        factory: EngineFactory,
        size: int,
        timeout: float,
        engine_name: str,
        context: Any,
        after: Callable[[Path], object] | None = None,
    ) -> None:
        self.factory = factory
        self.after = after
        self.size = size
        self.timeout = timeout
        self.engine_name = engine_name
        self.retries = 0
        self.context = context
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.factory, self.after), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process=process, conn=parent, started=time.monotonic())
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                worker.process.kill()
        worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)

    def run(self, jobs: list[tuple[Path, str]], on_done: Callable[[Path], None]) -> None:
        from multiprocessing.connection import wait as ready

        queue = deque(jobs)
        attempts: dict[Path, int] = {}
        remaining = len(jobs)
        try:
            for _ in range(self.size):
                self._start()
            while remaining:
                for worker in self.workers:
                    if worker.ready and worker.job is None and queue:
                        worker.job = queue.popleft()
                        worker.started = time.monotonic()
                        worker.conn.send((str(worker.job[0]), worker.job[1]))
                now = time.monotonic()
                deadlines = [
                    w.started + (self.timeout if w.ready else max(START_TIMEOUT, self.timeout))
                    for w in self.workers
                    if w.job is not None or not w.ready
                ]
                wait_for = max(0.0, min(deadlines) - now) if deadlines else 1.0
                for conn in ready([w.conn for w in self.workers], timeout=min(wait_for, 1.0)):
                    worker = next(w for w in self.workers if w.conn is conn)
                    try:
                        kind, target, exc = worker.conn.recv()
                    except (EOFError, OSError):
                        self._lost(worker, queue, attempts, "stopped unexpectedly")
                        continue
                    if kind == "ready":
                        worker.ready = True
                    elif kind == "failed":
                        raise self._as_error(exc, None)
                    elif kind == "error":
                        raise self._as_error(exc, worker.job[1] if worker.job else None)
                    elif kind == "done":
                        worker.job = None
                        remaining -= 1
                        on_done(Path(target))
                now = time.monotonic()
                for worker in list(self.workers):
                    if worker.ready and worker.job is not None and now - worker.started > self.timeout:
                        self._lost(worker, queue, attempts, f"took longer than {self.timeout:g} seconds")
                    elif not worker.ready and now - worker.started > max(START_TIMEOUT, self.timeout):
                        raise EngineError(
                            f"The {self.engine_name} engine did not start within "
                            f"{max(START_TIMEOUT, self.timeout):g} seconds."
                        )
        finally:
            for worker in list(self.workers):
                self._stop(worker, kill=remaining > 0)

    def _lost(self, worker: _Worker, queue: deque[tuple[Path, str]], attempts: dict[Path, int], why: str) -> None:
        """A worker hung or died: kill it, start another, and retry its sentence once."""
        job = worker.job
        was_ready = worker.ready
        self._stop(worker, kill=True)
        if not was_ready:
            raise EngineError(f"The {self.engine_name} engine {why} while starting up.")
        if job is not None:
            attempts[job[0]] = attempts.get(job[0], 0) + 1
            if attempts[job[0]] > 1:
                raise EngineError(
                    f"The {self.engine_name} engine {why} on this sentence, twice, and was stopped: "
                    f"\u201c{_short(job[1])}\u201d. Try again, or try another engine or voice."
                )
            self.retries += 1
            queue.appendleft(job)
        self._start()

    def _as_error(self, exc: BaseException | None, speech: str | None) -> AudioguideError:
        if isinstance(exc, AudioguideError):
            return exc
        where = f" on \u201c{_short(speech)}\u201d" if speech else ""
        return EngineError(f"The {self.engine_name} engine failed{where}: {exc}")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"

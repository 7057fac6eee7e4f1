"""Worker processes: one pool, with one rule for how its processes start, for every parallel job of
a build: speaking sentences (each worker with its own engine), preparing them, encoding segments and
drawing the cover.

Each worker takes one job at a time. A job that passes its deadline, or a worker that dies, has its
worker killed and replaced and the job tried once more; a second time is an error. Results come back
in the order the work was given, whatever order it finished in.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work is done; the CLI draws bars from it."""

START_TIMEOUT = 120.0
"""Seconds a worker process may take to start (loading a voice model, say)."""


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int) -> int:
    """How many worker processes ``--jobs`` means: 0 is one per CPU core, and more than the cores are
    capped at them (more processes than cores only make a build slower)."""
    return min(jobs, cores()) if jobs > 0 else cores()


def die_with_parent(parent: int | None = None) -> None:
    """Have Linux kill this process when its parent ends, however it ends (SIGKILL included):
    ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. Called in each worker and in each external program's child
    before it starts (``preexec_fn``). ``parent`` is the pid the caller expects as parent: if it has
    already gone, this process ends at once. Elsewhere than Linux, does nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def child_setup() -> Callable[[], None]:
    """A ``preexec_fn`` for :mod:`subprocess` that makes the program die with this process."""
    return partial(die_with_parent, os.getpid())


def start_method(fresh: bool = False) -> BaseContext:
    """How to start workers: fork where it is safe and cheap (Linux), since the workers then start at
    once and inherit the parent's set-up; otherwise, or when ``fresh`` (a native library in this
    process could deadlock in a forked copy of it), a fresh interpreter."""
    import multiprocessing  # here: a build with nothing to share out doesn't load it

    if not fresh and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def quiet_worker(parent: int | None = None) -> None:
    """Workers leave Ctrl+C to the main process, which stops the build cleanly; a stop signal simply
    ends them; and they end with the main process, however it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    die_with_parent(parent)


Wrap = Callable[[BaseException, "str | None"], BaseException]
"""Turns an exception a job (or the workers' set-up, label ``None``) raised into the one raised here."""


def _as_is(exc: BaseException, label: str | None) -> BaseException:
    return exc


@dataclass
class Task:
    """One job given to the pool."""

    function: Callable[..., Any]
    """Called in a worker as ``function(state, *args)``, ``state`` being what the pool's set-up made."""
    args: tuple[Any, ...]
    label: str | None = None
    """What the job is, for messages (a sentence's text)."""
    on_done: Callable[[Any], object] | None = None
    """Called here with the result as soon as it comes back."""
    done: bool = False
    result: Any = None
    attempts: int = 0


@dataclass
class _Worker:
    process: Any
    conn: Connection
    started: float
    ready: bool = False
    task: Task | None = None


@dataclass
class Pool:
    """Worker processes, started when work is given and stopped on leaving the ``with`` block.

    ``size`` 1 (or less) runs :meth:`map` and :meth:`later` work in this process. ``setup`` is run
    once in each worker (making its engine, say) and its result handed to every job there. A job has
    ``timeout`` seconds (``None``: no limit). Errors name the workers as ``name`` and end with ``advice``.
    """

    size: int
    fresh: bool = False
    """Start workers in a fresh interpreter even where fork is allowed (:func:`start_method`)."""
    setup: Callable[[], Any] | None = None
    timeout: float | None = None
    name: str = "A worker process"
    unit: str = "job"
    """What one job is called in messages ("sentence")."""
    advice: str = "Please report this."
    error: type[Exception] = RuntimeError
    """The exception the pool raises for its own failures (a worker that hangs, dies or won't start)."""
    wrap: Wrap = _as_is
    retries: int = 0
    """Jobs tried again after their worker hung or died."""
    workers: list[_Worker] = field(default_factory=list)
    queue: deque[Task] = field(default_factory=deque)
    context: Any = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def shared(self) -> bool:
        """Whether work goes to worker processes."""
        return self.size > 1

    def submit(
        self,
        function: Callable[..., Any],
        *args: Any,
        label: str | None = None,
        on_done: Callable[[Any], object] | None = None,
    ) -> Task:
        """Queue ``function(state, *args)`` for a worker; :meth:`wait` for it."""
        task = Task(function, args, label, on_done)
        self.queue.append(task)
        return task

    def wait(self, tasks: Iterable[Task]) -> None:
        """Run the pool until every task in ``tasks`` is done (others given meanwhile carry on too)."""
        waiting = [t for t in tasks if not t.done]
        while waiting:
            self._step()
            waiting = [t for t in waiting if not t.done]

    def later(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Start ``function(*args)`` in a worker if there are several, and return a way to get the result
        (which, with one job, does the work there and then)."""
        if not self.shared:
            return partial(function, *args)
        task = self.submit(_plain, function, *args)

        def result() -> Any:
            self.wait([task])
            return task.result

        return result

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
        if not self.shared or len(items) < 2:
            found = []
            for index, item in enumerate(items, 1):
                found.append(function(item))
                if progress:
                    progress(stage, index, len(items))
            return found
        order = sorted(range(len(items)), key=lambda i: -size(items[i])) if size else list(range(len(items)))
        # A few pieces of work per message keeps the messages few.
        step = max(1, len(items) // (self.size * 8))
        results: dict[int, Any] = {}

        def done(batch: list[int], found: list[Any]) -> None:
            results.update(zip(batch, found, strict=True))
            if progress:
                progress(stage, len(results), len(items))

        tasks = []
        for start in range(0, len(order), step):
            batch = order[start : start + step]
            tasks.append(self.submit(_batch, function, [items[i] for i in batch], on_done=partial(done, batch)))
        self.wait(tasks)
        return [results[i] for i in range(len(items))]

    def close(self) -> None:
        """Stop every worker: politely when it is idle, else (work left, an error) at once."""
        for worker in list(self.workers):
            self._stop(worker, kill=worker.task is not None or not worker.ready)
        self.queue.clear()

    # ---- the supervisor --------------------------------------------------------------------------

    def _start(self) -> None:
        if self.context is None:
            self.context = start_method(self.fresh)
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.setup, os.getpid()), daemon=True)
        process.start()
        child.close()
        self.workers.append(_Worker(process=process, conn=parent, started=time.monotonic()))

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

    def _limits(self, worker: _Worker) -> float | None:
        if not worker.ready:
            return max(START_TIMEOUT, self.timeout or 0.0)
        return self.timeout if worker.task is not None else None

    def _step(self) -> None:
        from multiprocessing.connection import wait as ready

        busy = sum(1 for w in self.workers if w.task is not None)
        while len(self.workers) < min(self.size, busy + len(self.queue)):
            self._start()
        for worker in self.workers:
            if worker.ready and worker.task is None and self.queue:
                worker.task = self.queue.popleft()
                worker.started = time.monotonic()
                worker.conn.send((worker.task.function, worker.task.args))
        now = time.monotonic()
        deadlines = [w.started + limit for w in self.workers if (limit := self._limits(w)) is not None]
        wait_for = min(1.0, max(0.0, min(deadlines) - now)) if deadlines else 1.0
        for conn in ready([w.conn for w in self.workers], timeout=wait_for):
            worker = next(w for w in self.workers if w.conn is conn)
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                self._lost(worker, "stopped unexpectedly")
                continue
            if kind == "ready":
                worker.ready = True
            elif kind == "failed":
                raise self.wrap(payload, None)
            elif kind == "error":
                raise self.wrap(payload, worker.task.label if worker.task else None)
            elif kind == "done" and worker.task is not None:
                task, worker.task = worker.task, None
                task.done, task.result = True, payload
                if task.on_done is not None:
                    task.on_done(payload)
        now = time.monotonic()
        for worker in list(self.workers):
            limit = self._limits(worker)
            if limit is None or now - worker.started <= limit:
                continue
            if not worker.ready:
                raise self.error(f"{self.name} did not start within {limit:g} seconds.")
            self._lost(worker, f"took longer than {limit:g} seconds")

    def _lost(self, worker: _Worker, why: str) -> None:
        """A worker hung or died: kill it and retry its job once (a new worker starts for it)."""
        task, was_ready = worker.task, worker.ready
        self._stop(worker, kill=True)
        if not was_ready:
            raise self.error(f"{self.name} {why} while starting up.")
        if task is not None:
            task.attempts += 1
            if task.attempts > 1:
                what = f": \u201c{_short(task.label)}\u201d" if task.label else ""
                raise self.error(f"{self.name} {why} on this {self.unit}, twice, and was stopped{what}. {self.advice}")
            self.retries += 1
            self.queue.appendleft(task)


def _plain(state: object, function: Callable[..., Any], *args: Any) -> Any:
    return function(*args)


def _batch(state: object, function: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [function(item) for item in items]


def _worker_main(conn: Connection, setup: Callable[[], Any] | None, parent: int | None = None) -> None:
    """A worker: run the set-up, then jobs, one at a time, until told to stop."""
    quiet_worker(parent)
    try:
        state = setup() if setup is not None else None
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        _send(conn, "failed", exc)
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, args = job
        try:
            result = function(state, *args)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            _send(conn, "error", exc)
            continue
        conn.send(("done", result))


def _send(conn: Connection, kind: str, exc: BaseException) -> None:
    try:
        conn.send((kind, exc))
    except Exception:  # an exception that can't be pickled: send its words
        conn.send((kind, RuntimeError(str(exc) or type(exc).__name__)))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"

"""Worker processes: the one rule for how they start, and the pool the build's numpy and encoding work uses.

Synthesis (:mod:`audioguide.synth`) runs its own supervised workers, since it must kill a hung engine
and retry its sentence, but it starts them by the same rule, :func:`start_method`.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work is done; the CLI draws bars from it."""


def resolve_jobs(jobs: int) -> int:
    """How many worker processes ``--jobs`` means: 0 is one per CPU core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def start_method(fresh: bool = False) -> BaseContext:
    """How to start workers: fork where it is safe and cheap (Linux), since the workers then start at
    once and inherit the parent's set-up; otherwise, or when ``fresh`` (a native library in this
    process could deadlock in a forked copy of it), a fresh interpreter."""
    import multiprocessing  # here: a build with nothing to share out doesn't load it

    if not fresh and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def quiet_worker() -> None:
    """Workers leave Ctrl+C to the main process, which stops the build cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Workers:
    """Worker processes for the build's numpy and encoding work, started when first needed.

    With one job, or too little work to be worth sharing, everything runs in this process.
    Results come back in the order of the work given, whatever order it finished in. Work given to
    workers must be picklable (module-level functions, :func:`functools.partial` of them).
    """

    def __init__(self, jobs: int) -> None:
        self.size = resolve_jobs(jobs)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _shared(self) -> bool:
        return self.size > 1 and hasattr(os, "fork")

    def _pool(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.size, mp_context=start_method(), initializer=quiet_worker)
        return self.pool

    def later(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Start ``function(*args)`` in a worker if there are several, and return a way to get the result
        (which, with one job, does the work there and then)."""
        if not self._shared():
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
        if not self._shared() or len(items) < 2:
            found = []
            for index, item in enumerate(items, 1):
                found.append(function(item))
                if progress:
                    progress(stage, index, len(items))
            return found
        from concurrent.futures import as_completed

        pool = self._pool()
        order = sorted(range(len(items)), key=lambda i: -size(items[i])) if size else list(range(len(items)))
        # A few pieces of work per message keeps the messages few.
        step = max(1, len(items) // (self.size * 8))
        batches = [order[i : i + step] for i in range(0, len(order), step)]
        futures = {pool.submit(_run_batch, function, [items[i] for i in batch]): batch for batch in batches}
        results: dict[int, Any] = {}
        for future in as_completed(futures):
            results.update(zip(futures[future], future.result(), strict=True))
            if progress:
                progress(stage, len(results), len(items))
        return [results[i] for i in range(len(items))]


def _run_batch(function: Callable[[Any], Any], batch: list[Any]) -> list[Any]:
    return [function(item) for item in batch]

"""The one worker pool: order kept, errors passed on as raised, a dead worker replaced and its job
retried once, and the one rule for how workers start."""

from __future__ import annotations

import errno
import os
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from audioguide.workers import Pool, start_method


def square(x: int) -> int:
    return x * x


def pid_of(_: object) -> int:
    return os.getpid()


def full_disk(x: int) -> int:
    if x == 3:
        raise OSError(errno.ENOSPC, "No space left on device", f"/tmp/{x}")
    return x


def dies_once(marker: Path, x: int) -> int:
    """Kills its worker the first time it runs for ``x == 2`` (the marker file remembers)."""
    if x == 2 and not marker.exists():
        marker.write_text("died")
        os._exit(3)
    return x + 100


def always_dies(x: int) -> int:
    os._exit(4)


def test_map_keeps_the_order_and_reports_progress() -> None:
    seen: list[tuple[str, int, int]] = []
    items = list(range(40))
    with Pool(2) as pool:
        found = pool.map("Squaring", square, items, lambda *a: seen.append(a), size=lambda x: x % 7)
        pids = set(pool.map("Where", pid_of, list(range(20)), None))
    assert found == [x * x for x in items]
    assert seen[0] == ("Squaring", 0, 40) and seen[-1] == ("Squaring", 40, 40)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # the work ran in worker processes


def test_one_job_runs_here() -> None:
    with Pool(1) as pool:
        # A lambda can't be sent to a worker: with one job nothing is.
        assert pool.map("Here", lambda x: (x, os.getpid()), [1, 2], None) == [(1, os.getpid()), (2, os.getpid())]
        assert pool.later(lambda: os.getpid())() == os.getpid()
        assert pool.workers == []


def test_later_runs_beside_other_work() -> None:
    with Pool(2) as pool:
        result = pool.later(pid_of, None)
        assert pool.map("Squaring", square, [1, 2, 3], None) == [1, 4, 9]
        assert result() != os.getpid()


def test_an_error_in_a_job_is_raised_as_it_was() -> None:
    with Pool(2) as pool, pytest.raises(OSError) as caught:
        pool.map("Writing", full_disk, list(range(8)), None)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == "/tmp/3"
    assert pool.workers == []  # stopped on the way out


def test_a_dead_worker_is_replaced_and_its_job_tried_again(tmp_path: Path) -> None:
    with Pool(2) as pool:
        found = pool.map("Trying", partial(dies_once, tmp_path / "marker"), list(range(6)), None)
    assert found == [x + 100 for x in range(6)]
    assert pool.retries == 1


def test_a_job_that_kills_its_worker_twice_is_an_error() -> None:
    with Pool(2, name="The encoder", unit="segment") as pool, pytest.raises(RuntimeError) as caught:
        pool.map("Dying", always_dies, [1, 2], None)
    assert "The encoder stopped unexpectedly on this segment, twice" in str(caught.value)


def nap(state: object, seconds: float) -> None:
    time.sleep(seconds)


def test_a_job_past_its_deadline_is_stopped_and_tried_once_more() -> None:
    started = time.monotonic()
    with Pool(2, timeout=0.3, unit="nap") as pool, pytest.raises(RuntimeError) as caught:
        pool.wait([pool.submit(nap, 30.0, label="a long nap")])
    assert "took longer than 0.3 seconds on this nap, twice, and was stopped: \u201ca long nap\u201d" in str(
        caught.value
    )
    assert pool.retries == 1 and time.monotonic() - started < 10


def test_how_workers_start() -> None:
    assert start_method(fresh=True).get_start_method() == "spawn"
    expected = "fork" if sys.platform.startswith("linux") else "spawn"
    assert start_method().get_start_method() == expected


def test_a_fresh_pool_uses_fresh_interpreters() -> None:
    with Pool(2, fresh=True) as pool:
        assert pool.map("Squaring", square, [2, 3], None) == [4, 9]
        assert pool.context.get_start_method() == "spawn"

"""Two stages overlapped: the first stage of the next item runs while the second stage of this one does."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from celflow.realtime.two_stages import WORKER_NAME, two_stages


def test_the_next_items_first_stage_runs_while_this_items_second_stage_does():
    """Run one after the other, the second stage of item 1 would wait in vain for item 2's first stage."""
    started = {n: threading.Event() for n in range(1, 5)}

    def first(n):
        started[n].set()
        return n

    def second(n):
        return n == 4 or started[n + 1].wait(timeout=5)

    assert list(two_stages(range(1, 5), first, second)) == [True] * 4


def test_results_come_in_order_with_the_first_stage_on_its_own_thread():
    main = threading.get_ident()
    results = list(two_stages(range(20), lambda n: (n, threading.get_ident()), lambda got: (got[0] * 2, got[1])))
    assert [n for n, _ in results] == [2 * n for n in range(20)]
    assert all(thread != main for _, thread in results)


def test_an_error_in_the_first_stage_reaches_the_reader_after_the_items_before_it():
    def first(n):
        if n == 3:
            raise ValueError("frame 3 is broken")
        return n

    done = []
    with pytest.raises(ValueError, match="frame 3 is broken"):
        for n in two_stages(range(10), first, lambda n: n):
            done.append(n)
    assert done == [0, 1, 2]


def test_a_reader_that_stops_early_leaves_no_worker_and_reads_little_ahead():
    read = []

    def source():
        for n in itertools.count():
            read.append(n)
            yield n

    results = two_stages(source(), lambda n: n, lambda n: n)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    results.close()
    assert not any(thread.name == WORKER_NAME for thread in threading.enumerate())
    assert len(read) <= 6


def test_the_first_stage_starts_an_item_only_once_the_reader_took_the_one_before():
    """A live frame waiting, painted, for a busy second stage grows stale: the next frame is read and painted only
    when the second stage has taken the last one, so a frame is at most one stage behind the camera."""
    finished, ahead = [], []

    def first(n):
        ahead.append(n - (finished[-1] if finished else -1))
        return n

    def second(n):
        time.sleep(0.02)
        finished.append(n)
        return n

    assert list(two_stages(range(8), first, second)) == list(range(8))
    assert max(ahead) <= 2

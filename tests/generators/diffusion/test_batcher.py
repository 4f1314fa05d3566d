"""Dynamic batching on its own: who shares a call, how long a lone request waits, where errors go."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from celflow.generators.diffusion.batcher import MicroBatcher


def test_requests_share_a_call_only_when_their_keys_agree():
    calls = []
    batcher = MicroBatcher(lambda items: calls.append(items) or [item * 10 for item in items], size=2, wait_s=30)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda item: batcher.submit(item % 2, item), range(4)))
    assert results == [0, 10, 20, 30]
    assert sorted(sorted(items) for items in calls) == [[0, 2], [1, 3]]


def test_a_lone_request_runs_alone_once_the_wait_is_over():
    batcher = MicroBatcher(lambda items: [len(items)], size=3, wait_s=0.05)
    started = time.monotonic()
    assert batcher.submit("key", "photo") == 1
    assert 0.05 <= time.monotonic() - started < 5


def test_an_error_in_the_shared_call_reaches_every_request():
    def run(items):
        raise RuntimeError(f"CUDA out of memory with {len(items)} images")

    batcher = MicroBatcher(run, size=3, wait_s=30)
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(batcher.submit, "key", item) for item in range(3)]
    for future in futures:
        with pytest.raises(RuntimeError, match="out of memory with 3 images"):
            future.result()

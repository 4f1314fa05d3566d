"""Dynamic batching, as inference servers do it: concurrent requests that agree on a key share one call.

The flow keeps one Prefect task per photo (its cache, its retries); only the GPU call is shared. There is no
thread of its own: a batch's first caller waits for others, then runs the batch for all of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field


@dataclass
class _Batch:
    items: list = field(default_factory=list)
    results: Future = field(default_factory=Future)


class MicroBatcher:
    """Up to `size` concurrent `submit`s with one key go to a single `run(items) -> results` call.

    A batch's first request waits up to `wait_s` for others, and on while an earlier batch holds the runner
    (batches run one at a time). An error in `run` is raised to every request of the batch, as a Future does.
    """

    def __init__(self, run: Callable[[list], list], size: int, wait_s: float) -> None:
        self._run, self._size, self._wait_s = run, size, wait_s
        self._open: dict[Hashable, _Batch] = {}
        self._changed = threading.Condition()
        self._running = threading.Lock()

    def submit(self, key: Hashable, item):
        """`run`'s result for `item`, once the batch that took it has run."""
        with self._changed:
            batch = self._open.get(key)
            leads = batch is None
            if leads:
                batch = self._open[key] = _Batch()
            index = len(batch.items)
            batch.items.append(item)
            if len(batch.items) == self._size:
                self._close(key, batch)
        if leads:
            self._lead(key, batch)
        return batch.results.result()[index]

    def _close(self, key: Hashable, batch: _Batch) -> None:
        """No more requests join `batch`; the caller holds `_changed`."""
        if self._open.get(key) is batch:
            del self._open[key]
            self._changed.notify_all()

    def _lead(self, key: Hashable, batch: _Batch) -> None:
        try:
            with self._changed:
                self._changed.wait_for(lambda: self._open.get(key) is not batch, timeout=self._wait_s)
            with self._running:
                with self._changed:
                    self._close(key, batch)
                results = self._run(batch.items)
        except BaseException as error:
            with self._changed:
                self._close(key, batch)
            batch.results.set_exception(error)
        else:
            batch.results.set_result(results)

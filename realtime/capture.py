"""A capture thread between a source and the loop, with a bounded queue.

Live sources keep only the newest frame (a late frame is worth less than a fresh one); files block the
reader instead, so no frame is ever dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator

from celflow.realtime.records import Frame
from celflow.realtime.sources import Source

log = logging.getLogger(__name__)

_END = object()
FILE_QUEUE_DEPTH = 8  # decoded frames ahead of the loop: enough to hide decode jitter, bounded in memory


class Capture:
    """Iterate frames read on a background thread; `dropped` counts stale live frames thrown away."""

    def __init__(self, source: Source, live: bool | None = None) -> None:
        self.source = source
        self.live = source.live if live is None else live
        self.dropped = 0
        self._queue: queue.Queue = queue.Queue(maxsize=1 if self.live else FILE_QUEUE_DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name=f"capture {source.name}", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[Frame]:
        while True:
            item = self._queue.get()
            if item is _END:
                log.info("%s: %s", self.source.name, self.source.end_reason or "stopped")
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop reading and wait for the thread, e.g. when the user quits before the source ends."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()

    def _read(self) -> None:
        try:
            for frame in self.source.frames():
                if self._stop.is_set():
                    return
                if self.live:
                    self._put_newest(frame)
                else:
                    self._put_waiting(frame)
        except BaseException as error:  # handed to the loop's thread, which raises it
            self._put_waiting(error)
        self._put_waiting(_END)

    def _put_newest(self, frame: Frame) -> None:
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            try:
                self._queue.get_nowait()
                self.dropped += 1
            except queue.Empty:
                pass
            self._queue.put_nowait(frame)

    def _put_waiting(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

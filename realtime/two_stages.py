"""Two stages of a stream overlapped on two cores: the next frame's first stage runs while this frame's second
stage does, so a frame costs the slower stage's time instead of both stages' added.

Written out here: `concurrent.futures`' `Executor.map` submits every input at once (3.14's `buffersize` bounds
that, but reads the next input on the reader's thread: a live loop would wait for the camera's next frame before
finishing the frame it holds). Here a worker thread reads the input and runs the first stage, and reads the next
item only once the reader has taken the last result: a live frame is read when there is a stage free to work on
it, not painted early to wait, growing stale, behind a busy second stage. The stages' libraries (onnxruntime,
mediapipe, OpenCV, numpy) release the GIL while they work.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")
Middle = TypeVar("Middle")
Result = TypeVar("Result")

WORKER_NAME = "celflow first stage"
_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def two_stages(
    items: Iterable[Item], first: Callable[[Item], Middle], second: Callable[[Middle], Result]
) -> Iterator[Result]:
    """`second(first(item))` for each of `items`, in order: `items` are read and `first` runs on a worker thread,
    `second` on the reader's. An error in `first` (or in reading `items`) is raised to the reader after the
    results before it; a reader that stops early stops the worker, which then reads no further."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    taken = threading.Semaphore(0)  # released as the reader takes a value: the worker then reads the next item
    stop = threading.Event()

    def hand_over(value: object) -> bool:
        """Hand `value` to the reader and wait until it takes it; False when the reader stopped first."""
        handoff.put(value)
        while not taken.acquire(timeout=0.05):
            if stop.is_set():
                return False
        return True

    def work() -> None:
        try:
            for item in items:
                if stop.is_set() or not hand_over(first(item)):
                    return
        except BaseException as error:  # handed to the reader's thread, which raises it
            hand_over(_Failed(error))
            return
        hand_over(_END)

    worker = threading.Thread(target=work, name=WORKER_NAME, daemon=True)
    worker.start()
    try:
        while True:
            value = handoff.get()
            taken.release()
            if value is _END:
                return
            if isinstance(value, _Failed):
                raise value.error
            yield second(value)
    finally:
        stop.set()
        worker.join()

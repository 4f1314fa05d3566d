"""Offline conversion: stylize every frame of a video file into an H.264 MP4 that keeps its timing and sound."""

from __future__ import annotations

import itertools
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from celflow.realtime.segments import (
    frames_in,
    join_segments,
    load_state,
    plan_segments,
    save_state,
    segment_path,
    work_folder,
    write_segment,
)
from celflow.realtime.video import VideoError, clock_goes_back, probe_video

SEGMENT_SECONDS = 30.0  # a kill loses at most this much work; each segment costs one seek and one file


@dataclass(frozen=True)
class ConvertReport:
    """What one conversion wrote and how fast it ran (`frames` counts only frames stylized by this run)."""

    output: Path
    frames: int
    seconds: float
    width: int
    height: int
    audio: Literal["copied", "transcoded", "none"]
    resumed_frames: int = 0

    @property
    def fps(self) -> float:
        return self.frames / self.seconds


@runtime_checkable
class Resumable(Protocol):
    """A stylize function that remembers earlier frames (who is who, which character each person wears)."""

    def __call__(self, rgb: np.ndarray) -> np.ndarray: ...

    def state(self) -> object:
        """Its memory of the frames so far, picklable."""

    def restore(self, state: object) -> None: ...


def finished_segments(folder: Path, paths: list[Path], stylize: Callable[[np.ndarray], np.ndarray]) -> int:
    """How many segments, from the first, an earlier run finished; a `Resumable` stylize is restored to the
    state it had after the last of them, and a segment whose state was not saved counts as unfinished."""
    done = len(list(itertools.takewhile(Path.is_file, paths)))
    if not isinstance(stylize, Resumable):
        return done
    saved = load_state(folder)
    if saved is None or saved.after_segment >= done:
        return 0
    stylize.restore(saved.state)
    return saved.after_segment + 1


def convert_video(
    src: Path,
    dst: Path,
    stylize: Callable[[np.ndarray], np.ndarray],
    progress: bool = True,
    segment_seconds: float = SEGMENT_SECONDS,
) -> ConvertReport:
    """Write `src` with every frame passed through `stylize` (RGB → RGB, same size) to the MP4 `dst`.

    Segments are kept in a hidden folder beside `dst` until all are done, then joined without re-encoding
    and renamed onto `dst`: a failed or killed run never leaves half a file at `dst`, and running the same
    command again resumes from the last finished segment; a `Resumable` stylize resumes with the state it had
    there, so people keep their ids and characters across the interruption.
    """
    src, dst = Path(src), Path(dst)
    if dst.suffix.lower() != ".mp4":
        raise VideoError(f"{dst}: output must be an .mp4 file")
    if dst.resolve() == src.resolve():
        raise VideoError(f"{dst}: output would overwrite its own input")
    started = time.perf_counter()
    info = probe_video(src)
    restarts = clock_goes_back(src)
    if restarts is not None:  # its frames could be neither placed in time nor found again by a resumed run
        raise VideoError(f"{src}: its clock starts again after {restarts:.1f} s (recordings joined end to end): "
                         "convert each recording on its own")
    plan = plan_segments(src, info, segment_seconds)
    folder = work_folder(dst, plan)
    paths = [segment_path(folder, number) for number in range(plan.segments)]
    done = finished_segments(folder, paths, stylize)
    resumed = sum(frames_in(path) for path in paths[:done])
    frames = 0
    # tqdm's ETA counts only this run's pace, so resumed frames do not make it optimistic; a line logged meanwhile
    # (a corrupt frame skipped, a size change) is printed above the bar, not into it
    bar = tqdm(total=info.frames, initial=resumed, unit="frame", desc=src.name, disable=not progress)
    with logging_redirect_tqdm(loggers=[logging.getLogger("celflow")]), bar:
        for number in range(done, plan.segments):
            frames += write_segment(src, paths[number], info, plan, number, stylize, bar.update)
            if isinstance(stylize, Resumable):
                save_state(folder, number, stylize.state())
    audio = join_segments(src, paths, dst)
    shutil.rmtree(folder)
    return ConvertReport(
        output=dst,
        frames=frames,
        seconds=time.perf_counter() - started,
        width=info.width - info.width % 2,
        height=info.height - info.height % 2,
        audio=audio,
        resumed_frames=resumed,
    )

"""A video from the page through the same path as `celflow convert --model STUDENT --strength S`, with the share
of frames done reported to the page."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from celflow.core.defaults import AUTO_BACKEND
from celflow.realtime.build import FrameByFrame, build_pipeline
from celflow.realtime.characters import CastMember
from celflow.realtime.offline import convert_video
from celflow.realtime.video import probe_video
from celflow.studio.catalogue import Student
from celflow.studio.jobs import Job


class CountingFrames:
    """The convert stylize function, counting frames into the job as it goes."""

    def __init__(self, stylize: FrameByFrame, job: Job, total: int | None) -> None:
        self._stylize, self._job, self._total, self._done = stylize, job, total, 0

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        result = self._stylize(rgb)
        self._done += 1
        if self._total:
            self._job.progress = min(self._done / self._total, 0.99)
        self._job.message = f"frame {self._done}" + (f" of {self._total}" if self._total else "")
        return result


def convert_upload(job: Job, src: Path, dst: Path, student: Student, strength: float, backend: str = AUTO_BACKEND) -> str:
    """Stylise every frame of `src` into the MP4 `dst` (sound kept); the upload is removed either way."""
    try:
        info = probe_video(src)
        rate = float(info.rate)
        pipeline = build_pipeline(
            [CastMember(student.name, student.location)], "full-frame", frame_rate=rate, track=False,
            backend=backend, strength=strength,
        )
        convert_video(src, dst, CountingFrames(FrameByFrame(pipeline, rate), job, info.frames), progress=False)
    finally:
        src.unlink(missing_ok=True)
    return dst.name

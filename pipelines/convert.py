"""The `convert` flow: a video → the same video stylised by an ONNX student, sound kept."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from celflow.export.runtime import OnnxStylizer
from celflow.realtime.convert import ConvertReport, convert_video


@task(name="convert-video")
def convert_task(src: Path, dst: Path, model: Path, progress: bool) -> ConvertReport:
    return convert_video(src, dst, OnnxStylizer(model), progress=progress)


@flow(name="convert")
def convert_flow(src: Path, dst: Path, model: Path, progress: bool = True) -> ConvertReport:
    """Stylise every frame of `src` with the student in `model` and write an H.264 MP4 to `dst`."""
    return convert_task(Path(src), Path(dst), Path(model), progress)

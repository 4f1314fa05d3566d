"""The `convert` flow: a video → the same video stylised by one or more ONNX students, sound kept; for deployments
and the demo (`celflow convert` runs the same conversion in-process, without a Prefect server)."""

from __future__ import annotations

from pathlib import Path

from celflow.realtime.build import ConvertOptions, convert_file
from celflow.realtime.characters import CastMember
from celflow.realtime.offline import ConvertReport
from prefect import flow, task


@task(name="convert-video")
def convert_task(
    src: Path, dst: Path, characters: list[CastMember], options: ConvertOptions, progress: bool
) -> ConvertReport:
    return convert_file(src, dst, characters, options, progress)


@flow(name="convert")
def convert_flow(
    src: Path,
    dst: Path,
    characters: list[CastMember] | Path,
    progress: bool = True,
    options: ConvertOptions = ConvertOptions(),
) -> ConvertReport:
    """Stylise every frame of `src` (whole frame, or each person in their character) into an H.264 MP4.

    `characters` may be a single ONNX file: one character, named after the file; `options` as `celflow convert`
    takes them (realtime.build.ConvertOptions).
    """
    if isinstance(characters, Path):
        characters = [CastMember(characters.stem, characters)]
    return convert_task(Path(src), Path(dst), characters, options, progress)

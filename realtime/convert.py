"""Offline conversion: stylize every frame of a video file into an H.264 MP4 that keeps its timing and sound."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import numpy as np
from tqdm import tqdm

from celflow.atomic import atomic_path
from celflow.realtime.audio import carry_audio
from celflow.realtime.h264 import H264Writer
from celflow.realtime.video import VideoError, open_video, probe_video, upright_rgb


@dataclass(frozen=True)
class ConvertReport:
    """What one conversion wrote and how fast it ran."""

    output: Path
    frames: int
    seconds: float
    width: int
    height: int
    audio: Literal["copied", "transcoded", "none"]

    @property
    def fps(self) -> float:
        return self.frames / self.seconds


def convert_video(
    src: Path, dst: Path, stylize: Callable[[np.ndarray], np.ndarray], progress: bool = True
) -> ConvertReport:
    """Write `src` with every frame passed through `stylize` (RGB → RGB, same size) to the MP4 `dst`.

    The MP4 is written beside `dst` and renamed onto it at the end, so a conversion that fails or is killed
    never leaves half a file at `dst`.
    """
    src, dst = Path(src), Path(dst)
    if dst.suffix.lower() != ".mp4":
        raise VideoError(f"{dst}: output must be an .mp4 file")
    if dst.resolve() == src.resolve():
        raise VideoError(f"{dst}: output would overwrite its own input")
    started = time.perf_counter()
    info = probe_video(src)
    frames = 0
    with (
        open_video(src) as source,
        atomic_path(dst) as tmp,
        # faststart puts the index first, so a browser plays the file before it has all of it
        av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as output,
        tqdm(total=info.frames, unit="frame", desc=src.name, disable=not progress) as bar,
    ):
        video_in = source.streams.best("video")
        video_in.thread_type = "AUTO"
        audio_in = source.streams.best("audio")
        video_out = H264Writer(output, info)
        audio_out = carry_audio(output, audio_in) if audio_in is not None else None
        for packet in source.demux([stream for stream in (video_in, audio_in) if stream is not None]):
            if packet.stream.type == "audio":
                audio_out.write(packet)
                continue
            for frame in video_in.decode(packet):
                rgb = upright_rgb(frame)
                styled = stylize(rgb)
                if styled.shape != rgb.shape or styled.dtype != np.uint8:
                    raise ValueError(f"stylize returned {styled.dtype} {styled.shape} for {rgb.shape} of {src}")
                video_out.write(styled, frame.pts)
                frames += 1
                bar.update()
        video_out.flush()
        if audio_out is not None:
            audio_out.flush()
    return ConvertReport(
        output=dst,
        frames=frames,
        seconds=time.perf_counter() - started,
        width=video_out.width,
        height=video_out.height,
        audio=audio_out.mode if audio_out is not None else "none",
    )

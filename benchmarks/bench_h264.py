"""What the H.264 encoder's settings cost a conversion: CPU, memory, file size and picture, on stylized frames.

Run: .venv/bin/python benchmarks/bench_h264.py [--frames 150] [--side 1920]
Converts bench_realtime's 1920×1080 scene (three real portraits drifting over a real photo) with `celflow convert`'s
defaults, then encodes that stylized clip again, once per encoder setting, each in a fresh process: the settings
`convert` writes with today (realtime/h264.py), the preset's own (x264's sub-pixel motion search, subme 1), and
ultrafast for scale. Each row: encoder CPU per frame (the process's CPU, all threads, less a process that only
decodes the same frames), peak resident memory above that process, file size, and PSNR against the frames
encoded (all rows measured side by side in this one run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from celflow.cli.native_stderr import drop_native_noise
from celflow.realtime.h264 import JOINABLE_H264_OPTIONS

SETTINGS = {
    "celflow's (realtime/h264.py)": JOINABLE_H264_OPTIONS,
    "superfast, sub-pixel search (subme 1)": {k: v for k, v in JOINABLE_H264_OPTIONS.items() if k != "x264-params"},
    "ultrafast": {**JOINABLE_H264_OPTIONS, "preset": "ultrafast"},
}


def encode(clip: Path, out: Path, options: dict[str, str] | None) -> dict[str, float]:
    """Decode `clip` and, unless `options` is None, encode each frame with them into `out`: CPU and peak memory."""
    started = time.process_time()
    frames = 0
    with av.open(str(clip)) as source, av.open(str(out), "w") as output:
        stream = source.streams.video[0]
        encoder = output.add_stream("libx264", rate=stream.average_rate, options=options) if options else None
        if encoder is not None:
            encoder.width, encoder.height, encoder.pix_fmt = stream.width, stream.height, "yuv420p"
        for frame in source.decode(stream):
            picture = frame.reformat(format="yuv420p")
            frames += 1
            if encoder is not None:
                picture.pts = None
                output.mux(encoder.encode(picture))
        if encoder is not None:
            output.mux(encoder.encode(None))
    return {"frames": frames, "cpu_s": time.process_time() - started, "peak_mb": peak_resident_mb()}


def peak_resident_mb() -> float:
    """This process's peak resident memory since it started: VmHWM (getrusage's maximum is inherited from the
    parent across fork and exec on Linux, so a child started by a large parent would report the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def psnr(reference: Path, encoded: Path) -> float:
    """PSNR of the whole clip: its mean squared error over every frame."""
    from skimage.metrics import mean_squared_error  # here: the encoding processes measure their memory without it

    with av.open(str(reference)) as first, av.open(str(encoded)) as second:
        errors = [
            mean_squared_error(a.to_ndarray(format="rgb24"), b.to_ndarray(format="rgb24"))
            for a, b in zip(first.decode(video=0), second.decode(video=0), strict=True)
        ]
    return float(10 * np.log10(255**2 / np.mean(errors)))


def in_fresh_process(clip: Path, out: Path, options: dict[str, str] | None) -> dict[str, float]:
    command = [sys.executable, __file__, "--encode", str(clip), str(out), json.dumps(options)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def stylized_clip(work: Path, frames: int, side: int) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_realtime import hd_scene, write_clip

    from celflow.realtime.build import ConvertOptions, convert_file
    from celflow.realtime.characters import find_character

    scene = hd_scene(width=side, height=side * 9 // 16)
    photo_clip = write_clip(work / "scene.mp4", scene, repeat=max(1, frames // 30))
    out = work / "stylized.mp4"
    convert_file(photo_clip, out, [find_character("default")], ConvertOptions(), progress=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150, help="frames of the clip (a multiple of 30)")
    parser.add_argument("--side", type=int, default=1920, help="the clip's width (16:9)")
    parser.add_argument("--encode", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.encode:
        clip, out, options = args.encode
        print(json.dumps(encode(Path(clip), Path(out), json.loads(options))))
        return
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        clip = stylized_clip(work, args.frames, args.side)
        decoding = in_fresh_process(clip, work / "none.mp4", None)
        print(f"{decoding['frames']} stylized frames of {args.side} px wide (`celflow convert`'s defaults); decoding "
              f"alone {1000 * decoding['cpu_s'] / decoding['frames']:.1f} ms CPU a frame, {decoding['peak_mb']:.0f} MB")
        print("encoder settings                       | CPU ms a frame | peak MB above decoding | file KB | PSNR dB")
        for name, options in SETTINGS.items():
            out = work / "encoded.mp4"
            run = in_fresh_process(clip, out, options)
            cpu = 1000 * (run["cpu_s"] - decoding["cpu_s"]) / run["frames"]
            print(f"{name:<39}| {cpu:14.1f} | {run['peak_mb'] - decoding['peak_mb']:22.0f} | "
                  f"{out.stat().st_size // 1024:7d} | {psnr(clip, out):7.2f}", flush=True)


if __name__ == "__main__":
    main()

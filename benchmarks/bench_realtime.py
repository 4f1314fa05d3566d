"""End-to-end speed, delay, tracking and memory of the real-time engine on this machine.

Run: .venv/bin/python benchmarks/bench_realtime.py [--long-minutes 10] [--parts live crossing 1080p long pedestrians]
    [--pedestrians vtest.avi]
Prints, for 1, 3 and 6 people on 640×480 (real portraits over a real photo, see celflow.realtime.scenes: one person
alone as a webcam frames them, face wide enough for the teacher's line art; groups smaller, some of their faces not):
frames/s and p50/p95 capture→picture latency from a camera paced at 30 frames/s (live mode: stale frames
are dropped), plus unpaced throughput, and full frames of 640×480 and 1280×720; ID switches on a clip where two
people cross; peak resident memory; full-frame conversion speed of a 1920×1080 clip; and the memory growth and
sound duration of converting a long clip (default 10 minutes). The student is the one that draws: the base
student shipped with celflow (`--student` for another folder), exported to ONNX with the line art it carries,
and every live and conversion figure is measured with that line art drawn and, beside it, with
`--no-line-art`, and with the loop's two stages overlapped on two threads (as `live` runs it) beside the loop on one
thread; a conversion also with its frames read and tracked ahead on a third thread (as `convert` runs it). The
pedestrians part converts a real clip of people walking per person (`--pedestrians`, e.g. vtest.avi of Debian's
opencv-doc: 768×576, 3–7 people seen from afar). Each live run happens in a fresh process that loads only what
`celflow live` loads (no torch), so its peak resident memory is what a user's live session holds. All figures
come from real runs; nothing is assumed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import psutil

from celflow.cli.native_stderr import drop_native_noise
from celflow.core.defaults import CONVERT_MAX_SIDE, STUDENT_ONNX_FILE
from celflow.realtime.build import ConvertOptions, FrameByFrame, build_pipeline, conversion_pipeline, convert_file
from celflow.realtime.capture import Capture
from celflow.realtime.characters import CastMember
from celflow.realtime.detect import FaceDetector
from celflow.realtime.engine import run_loop
from celflow.realtime.offline import ConvertReport, convert_video
from celflow.realtime.records import Frame
from celflow.realtime.scenes import (
    crossing_scene,
    crowd_scene,
    real_background,
    real_portraits,
    score_tracking,
    webcam_scene,
)
from celflow.realtime.sources import VideoSource
from celflow.realtime.tracking import AUTO as AUTO_DETECTION
from celflow.realtime.tracking import PersonTracker
from celflow.realtime.video import probe_video
from celflow.realtime.working_size import AUTO, FULL

BASE_STUDENT = Path(__file__).resolve().parent.parent / "core" / "students" / "default"
CAMERA_FPS = 30.0
SCENE_FRAMES = 150
PEOPLE = (1, 3, 6)
TARGET_FPS = {1: 30.0, 3: 20.0, 6: 30.0}
PARTS = ["live", "crossing", "1080p", "long", "pedestrians"]
LONG_LOOPS = ["one-thread", "overlapped", "command"]
# a conversion's loops, side by side: one frame at a time, the two stages overlapped, and as shipped (frames read
# and tracked ahead on a third thread)
CONVERT_LOOPS = ("one thread", "overlapped", "read ahead")
LONG_LOOP_NAMES = {"one-thread": "one thread", "overlapped": "read ahead"}
SAMPLE_RATE = 44100


class PacedSource:
    """Decodes a clip at a camera's pace, each frame stamped when 'captured', as a webcam delivers them.

    Frames are decoded one by one, not held in memory, so resident memory is the engine's, not the clip's.
    """

    live = True
    name = "paced camera"
    end_reason = ""

    def __init__(self, clip: Path, fps: float) -> None:
        self._clip, self.rate = clip, fps

    def frames(self) -> Iterator[Frame]:
        started = time.perf_counter()
        for frame in VideoSource(str(self._clip)).frames():
            delay = started + frame.index / self.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            yield Frame(frame.index, frame.index / self.rate, frame.rgb, time.perf_counter())
        self.end_reason = "clip replayed"


class PeakMemory:
    """Highest resident memory of this process (or `process`), sampled every 50 ms on a thread (all samples kept, in
    order)."""

    def __init__(self, process: psutil.Process | None = None) -> None:
        self._process = process or psutil.Process()
        self.peak = self._process.memory_info().rss
        self.samples = [self.peak]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.samples.append(self._process.memory_info().rss)
            except psutil.NoSuchProcess:  # a command measured from outside has ended
                return
            self.peak = max(self.peak, self.samples[-1])


def drawing_student(student: Path, onnx_path: Path) -> Path:
    """The student folder exported to ONNX, with the line art it carries in the file's metadata."""
    from celflow.export.onnx_export import export_onnx  # only the exporting parent loads torch

    return export_onnx(student, onnx_path).onnx_path


LiveFigures = tuple[float, float, float, int, float, tuple[float, ...], "int | None"]


def live_run(
    cast: list[CastMember], clip: Path, mode: str, paced: bool, line_art: bool, overlapped: bool,
    working_side: int | str | None = None,
) -> LiveFigures:
    """(frames/s, p50 ms, p95 ms, frames dropped, peak resident MB, median ms of each stage, the long side most
    frames were drawn at when `working_side` is set) of the whole loop, camera-paced or not."""
    with PeakMemory() as memory:
        pipeline = build_pipeline(cast, mode, frame_rate=CAMERA_FPS, line_art=line_art, working_side=working_side)
        capture = Capture(PacedSource(clip, CAMERA_FPS if paced else 1e9), live=paced)
        report = run_loop(capture, pipeline, overlapped=overlapped)
    drawn_at = pipeline.working_size.drawn_at if pipeline.working_size is not None else None
    return (
        report.fps, report.latency_p50_ms, report.latency_p95_ms, capture.dropped, memory.peak / 2**20,
        report.stage_p50_ms, drawn_at,
    )


def in_fresh_process(
    cast: list[CastMember], clip: Path, mode: str, paced: bool, line_art: bool, overlapped: bool,
    working_side: int | str | None = None,
) -> LiveFigures:
    """`live_run` in a new process that loads only what `celflow live` loads (no torch), like a user's session."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
        return pool.submit(live_run, cast, clip, mode, paced, line_art, overlapped, working_side).result()


def long_conversion(
    cast: list[CastMember], clip: Path, out: Path, loop: str
) -> tuple[int, float, float, float, list[float]]:
    """(frames, frames/s, MB above the size before converting, MB of growth from the first tenth of the run
    to its end, MB above the start at each tenth) of converting `clip` (full frame, with the line art), in a fresh
    process: what a user's conversion holds."""
    with PeakMemory() as memory:
        report = conversion(clip, out, cast[:1], ConvertOptions(), loop)
    early = memory.samples[: max(1, len(memory.samples) // 10)]
    tenths = [(memory.samples[round(i * (len(memory.samples) - 1) / 10)] - memory.samples[0]) / 2**20 for i in range(11)]
    growth = (memory.peak - max(early)) / 2**20
    return report.frames, report.fps, (memory.peak - memory.samples[0]) / 2**20, growth, tenths


def command_conversion(
    clip: Path, out: Path, frames: int, options: tuple[str, ...] = ()
) -> tuple[float, float, list[float]]:
    """(frames/s by the wall clock, MB of growth from the first tenth of the run to its end, resident MB at each
    tenth) of `celflow convert CLIP OUT [options]` run as a user runs it: its own process, the command's own
    start-up (and its one malloc arena, cli/malloc_arenas.py) included, memory sampled from outside."""
    started = time.perf_counter()
    command = [str(Path(sys.executable).parent / "celflow"), "convert", str(clip), str(out), *options]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakMemory(psutil.Process(child.pid)) as memory:
        if child.wait() != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}")
    seconds = time.perf_counter() - started
    samples = [rss for rss in memory.samples[1:] if rss > 0]  # not the one before it ran, nor the ended process's 0
    early = samples[: max(1, len(samples) // 10)]
    tenths = [samples[round(i * (len(samples) - 1) / 10)] / 2**20 for i in range(11)]
    return frames / seconds, (max(samples) - max(early)) / 2**20, tenths


def conversion(
    clip: Path, out: Path, cast: list[CastMember], options: ConvertOptions, loop: str
) -> ConvertReport:
    """`celflow convert` of `clip` through `convert_file` ("read ahead": as shipped, frames read and tracked on a
    third thread), or the same pipeline with only its two stages overlapped ("overlapped": the previous loop), or
    fed one frame at a time ("one thread": a stylize function without a stream)."""
    if loop == "read ahead":
        return convert_file(clip, out, cast, options, progress=False)
    rate = float(probe_video(clip).rate)
    frame_by_frame = FrameByFrame(conversion_pipeline(cast, options, rate), rate, read_ahead=False)
    return convert_video(clip, out, frame_by_frame if loop == "overlapped" else frame_by_frame.__call__, progress=False)


def write_clip(path: Path, frames: list[np.ndarray], repeat: int, fps: int = 30) -> Path:
    """H.264 MP4 of `frames` looped `repeat` times, with an AAC tone lasting exactly as long as the video."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as output:
        video = output.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "23"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = output.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        samples_per_frame = SAMPLE_RATE // fps
        written = 0
        for index in range(repeat * len(frames)):
            output.mux(video.encode(av.VideoFrame.from_ndarray(frames[index % len(frames)], format="rgb24")))
            t = (written + np.arange(samples_per_frame)) / SAMPLE_RATE
            chunk = av.AudioFrame.from_ndarray((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts, chunk.time_base = SAMPLE_RATE, written, Fraction(1, SAMPLE_RATE)
            output.mux(audio.encode(chunk))
            written += samples_per_frame
        output.mux(video.encode(None))
        output.mux(audio.encode(None))
    return path


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return sum(frame.samples for frame in container.decode(stream)) / stream.rate


def hd_scene(frames: int = 30, width: int = 1920, height: int = 1080) -> list[np.ndarray]:
    """1920×1080 frames (or smaller, the same scene scaled): the three real portraits, enlarged, drifting to and
    fro across the real background."""
    background = real_background(1920, 1080)
    portraits = [cv2.resize(portrait, (450, 540)) for portrait in real_portraits()]
    scene = []
    for i in range(frames):
        frame = background.copy()
        for n, portrait in enumerate(portraits):
            x = 150 + 560 * n + 6 * (29 - abs(29 - i % 58))  # back and forth: the frame's edge is 174 px away
            frame[380:920, x : x + 450] = portrait
        scene.append(frame if width == 1920 else cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA))
    return scene


def print_live_figures(cast: list[CastMember], crowd_clips: dict[int, Path], hd_clip: Path) -> None:
    print(f"person-only mode, {len(cast)} characters, face detection --detect-every auto (as live), "
          f"{psutil.cpu_count()} cores")
    print("scene           | line art | loop       | camera 30 fps: FPS  p50 ms  p95 ms  dropped | paint / finish ms "
          "| unpaced FPS | target")
    peaks = []
    scenes = [
        (f"{count} people 640×480", clip, "person-only", TARGET_FPS.get(count), None)
        for count, clip in crowd_clips.items()
    ]
    scenes += [
        ("full frame 640×480", crowd_clips[1], "full-frame", 30.0, None),
        ("full frame 1280×720", hd_clip, "full-frame", 30.0, None),
        ("1280×720 auto", hd_clip, "full-frame", 30.0, AUTO),  # live's default: --max-side auto
    ]
    for name, clip, mode, target, working_side in scenes:
        for line_art in (True, False):
            for overlapped in (False, True):  # today's loop, then the new one, side by side
                paced = in_fresh_process(cast, clip, mode, True, line_art, overlapped, working_side)
                fps, p50, p95, dropped, peak, (paint, finish), drawn_at = paced
                unpaced = in_fresh_process(cast, clip, mode, False, line_art, overlapped, working_side)
                throughput, unpaced_peak = unpaced[0], unpaced[4]
                peaks += [peak, unpaced_peak]
                verdict = f"≥ {target:.0f} FPS: {'met' if fps >= target - 0.5 else 'NOT met'}" if target else "-"
                if drawn_at is not None:
                    verdict += f" (drawn {drawn_at} px long, scaled back up)"
                print(
                    f"{name:<16}| {'drawn' if line_art else 'off':>8} | "
                    f"{'overlapped' if overlapped else 'one thread':<10} | {fps:18.1f} {p50:7.1f} {p95:7.1f} "
                    f"{dropped:8d} | {paint:7.1f} / {finish:6.1f} | {throughput:11.1f} | {verdict}",
                    flush=True,
                )
    print(f"peak resident memory of a live process: {max(peaks):.0f} MB (target ≤ 1024 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-minutes", type=float, default=10.0, help="length of the long-conversion clip")
    parser.add_argument("--hd-frames", type=int, default=60, help="frames of the 1920×1080 clip")
    parser.add_argument("--hd-command-frames", type=int, default=600,
                        help="frames of the 1920×1080 clip `celflow convert` converts as a user runs it")
    parser.add_argument("--student", type=Path, default=BASE_STUDENT, help="student folder (default: the shipped one)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=PARTS, help="which parts to run (default: all)")
    parser.add_argument("--long-loops", nargs="+", choices=LONG_LOOPS, default=LONG_LOOPS,
                        help="the long conversion's runs: one thread, overlapped (as `convert` runs it, frames read "
                             "ahead; both in a fresh process through the API), the `celflow convert` command "
                             "(default: all)")
    parser.add_argument("--pedestrians", type=Path, help="a real clip of people walking, converted per person "
                        "(the pedestrians part; e.g. vtest.avi of Debian's opencv-doc)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        model = drawing_student(args.student, work / STUDENT_ONNX_FILE)
        cast = [CastMember(name, model) for name in ("anna", "ben")]
        detector = FaceDetector()
        if "live" in args.parts:
            crowd_clips = {
                count: write_clip(work / f"crowd{count}.mp4", [shot.rgb for shot in scene], 1)
                for count in PEOPLE
                for scene in [
                    webcam_scene(detector, SCENE_FRAMES) if count == 1 else crowd_scene(detector, count, SCENE_FRAMES)
                ]
            }
            hd_720 = write_clip(work / "hd720.mp4", hd_scene(SCENE_FRAMES, 1280, 720), repeat=1)
            print_live_figures(cast, crowd_clips, hd_720)

        if "crossing" in args.parts:
            crossing = crossing_scene(detector, frames=90)
            for every in (1, AUTO_DETECTION):  # every frame, and live's default
                tracker = PersonTracker(detector, detect_every=every, frame_rate=CAMERA_FPS)
                tracked = [tracker(Frame(i, i / CAMERA_FPS, shot.rgb, 0.0)) for i, shot in enumerate(crossing)]
                score = score_tracking(crossing, tracked)
                print(f"crossing clip (2 people, 90 frames), --detect-every {every}: {score.id_switches} ID switches "
                      f"(target 0), recall {score.recall:.2f}, precision {score.precision:.2f}")

        hd_clip = write_clip(work / "hd.mp4", hd_scene(), repeat=max(1, args.hd_frames // 30)) if "1080p" in args.parts else None
        for max_side in (FULL, CONVERT_MAX_SIDE) if hd_clip is not None else ():
            for line_art in (True, False):
                for loop in CONVERT_LOOPS:
                    options = ConvertOptions(max_side=max_side, line_art=line_art)
                    report = conversion(hd_clip, work / "hd_out.mp4", cast[:1], options, loop)
                    how = "at full size (--max-side full)" if max_side == FULL else f"drawn at --max-side {max_side}"
                    lines = "line art drawn" if line_art else "--no-line-art"
                    print(f"1920×1080 full-frame conversion {how}, {lines}, {loop}: {report.frames} frames at "
                          f"{report.fps:.2f} frames/s (target ≥ 12), audio {report.audio}", flush=True)
        if hd_clip is not None:
            frames = 30 * max(1, args.hd_command_frames // 30)
            long_hd = write_clip(work / "hd_long.mp4", hd_scene(), repeat=frames // 30)
            fps, _, tenths = command_conversion(long_hd, work / "hd_command.mp4", frames)
            print(f"1920×1080 clip of {frames} frames, `celflow convert` as a user runs it (defaults: --max-side "
                  f"{CONVERT_MAX_SIDE}, line art drawn): {fps:.2f} frames/s by the wall clock, start-up included "
                  f"(target ≥ 12); resident at most {max(tenths):.0f} MB at its tenths; sound {audio_seconds(long_hd):.2f} s in, "
                  f"{audio_seconds(work / 'hd_command.mp4'):.2f} s out", flush=True)

        if "long" in args.parts:
            small = [np.ascontiguousarray(shot.rgb[::2, ::2]) for shot in crowd_scene(detector, 3, frames=60)]
            repeat = round(args.long_minutes * 60 * 30 / len(small))
            long_clip = write_clip(work / "long.mp4", small, repeat=repeat)
            context = multiprocessing.get_context("spawn")
            if "command" in args.long_loops:
                fps, growth, tenths = command_conversion(long_clip, work / "long_command.mp4", repeat * len(small))
                print(f"{args.long_minutes:g}-minute 320×240 clip ({repeat * len(small)} frames), `celflow convert` as "
                      f"a user runs it, at {fps:.1f} frames/s by the wall clock (start-up included): memory growth "
                      f"from its first tenth to the end {growth:.1f} MB (target ≤ 50; resident MB at each tenth "
                      f"{', '.join(f'{mb:.0f}' for mb in tenths)})", flush=True)
            for loop in [LONG_LOOP_NAMES[loop] for loop in args.long_loops if loop != "command"]:
                with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
                    run = pool.submit(long_conversion, cast, long_clip, work / "long_out.mp4", loop)
                    frames, fps, above_start, growth, tenths = run.result()
                source_sound, output_sound = audio_seconds(long_clip), audio_seconds(work / "long_out.mp4")
                print(f"{args.long_minutes:g}-minute 320×240 clip ({frames} frames, line art drawn), {loop}, at "
                      f"{fps:.1f} frames/s, fresh process: memory growth from its first tenth to the end {growth:.1f} MB "
                      f"(target ≤ 50; peak {above_start:.1f} MB above the process before converting; at each tenth "
                      f"{', '.join(f'{mb:.0f}' for mb in tenths)} MB), sound {source_sound:.2f} s in, "
                      f"{output_sound:.2f} s out", flush=True)
        if "pedestrians" in args.parts:
            if args.pedestrians is None:
                print("pedestrians: skipped, no --pedestrians CLIP given (vtest.avi of Debian's opencv-doc)")
            else:
                options = ConvertOptions(mode="per-person")
                for loop in CONVERT_LOOPS:
                    report = conversion(args.pedestrians, work / "pedestrians.mp4", cast[:1], options, loop)
                    print(f"{args.pedestrians.name}, per-person, {loop}: {report.frames} frames at {report.fps:.2f} "
                          f"frames/s", flush=True)
                fps, _, tenths = command_conversion(
                    args.pedestrians, work / "pedestrians_command.mp4", report.frames, ("--mode", "per-person")
                )
                print(f"{args.pedestrians.name}, `celflow convert --mode per-person` as a user runs it: {fps:.2f} "
                      f"frames/s by the wall clock, start-up included (target ≥ 25); resident at most "
                      f"{max(tenths):.0f} MB at its tenths (target ≤ 500)", flush=True)
        print(f"latency and FPS are medians/totals of single runs; rerun on a quiet machine for final figures "
              f"(load average now {', '.join(f'{v:.1f}' for v in psutil.getloadavg())})")


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()

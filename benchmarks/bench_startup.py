"""How long `celflow stylize`, `convert` and `live` keep a user waiting before the student draws its first frame.

Run: .venv/bin/python benchmarks/bench_startup.py [--rounds 5]
Each round runs every command in a fresh process, as a user would, on the demo clip (convert, live without a window)
or a 512-px portrait (stylize), with the shipped base student exported to ONNX, and `stylize` also by the
character's name (`--character default`: the ONNX file that ships beside the student's weights). The time is from
the process's creation (interpreter start and every import included) to the end of the student's first run, read by
wrapping onnxruntime's `InferenceSession.run`; the process then exits. Beside each, the same command with all of
mediapipe imported first, as celflow did before it imported only the graphs it opens: the two are interleaved in one
run, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from celflow.pipelines.demo_photos import demo_clip_path

REPO = Path(__file__).resolve().parent.parent
BASE_STUDENT = REPO / "core" / "students" / "default"
PORTRAIT = REPO / "core" / "samples" / "grace_hopper.jpg"
TARGET_S = 3.0
# Run by each fresh process: the CLI itself, with the student's first run timed from the process's creation.
WRAPPER = """
import os, sys, time
import psutil
start = psutil.Process().create_time()
if {whole_mediapipe}:
    import mediapipe
import onnxruntime
first = onnxruntime.InferenceSession.run
def timed(self, *args, **kwargs):
    outputs = first(self, *args, **kwargs)
    with open({report!r}, "w") as report:
        report.write(str(time.time() - start))
    os._exit(0)
onnxruntime.InferenceSession.run = timed
from celflow.cli import main
sys.argv = ["celflow", *{argv!r}]
main()
"""


def commands(student: Path, work: Path) -> dict[str, list[str]]:
    clip = str(demo_clip_path())
    return {
        "stylize": ["stylize", str(PORTRAIT), "--model", str(student), "--out", str(work / "stylized")],
        "stylize default": ["stylize", str(PORTRAIT), "--character", "default", "--out", str(work / "by_name")],
        "convert": ["convert", clip, str(work / "converted.mp4"), "--model", str(student)],
        "live": ["live", "--source", clip, "--characters", f"webtoon={student}", "--no-window"],
    }


def seconds_to_first_frame(argv: list[str], whole_mediapipe: bool, report: Path) -> float:
    report.unlink(missing_ok=True)
    code = WRAPPER.format(whole_mediapipe=whole_mediapipe, report=str(report), argv=argv)
    subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300, check=False)
    if not report.exists():
        raise RuntimeError(f"celflow {' '.join(argv)} ended before its student ran")
    return float(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="fresh processes per command and variant")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        from celflow.export.onnx_export import export_onnx  # only this parent process loads torch

        student = export_onnx(BASE_STUDENT, work / "student.onnx").onnx_path
        times: dict[tuple[str, bool], list[float]] = {}
        for _ in range(args.rounds):
            for name, argv in commands(student, work).items():
                for whole in (True, False):
                    times.setdefault((name, whole), []).append(
                        seconds_to_first_frame(argv, whole, work / "first_frame.txt")
                    )
    print(f"seconds from the command to the student's first frame (median, min–max of {args.rounds} fresh processes)")
    print(f"{'command':<16}{'all of mediapipe imported (before)':>38}{'only its graphs (now)':>26}{'target':>9}")
    for name in ("stylize", "stylize default", "convert", "live"):
        cells = []
        for whole in (True, False):
            found = times[(name, whole)]
            cells.append(f"{statistics.median(found):.2f} ({min(found):.2f}–{max(found):.2f})")
        print(f"{name:<16}{cells[0]:>38}{cells[1]:>26}{'≤ ' + str(TARGET_S):>9}")


if __name__ == "__main__":
    main()

"""The `demo` flow: real photos → pairs → student → ONNX → stylised video, with a contact sheet and a summary.

Everything runs offline on CPU with the built-in character; a rerun into the same folder resumes
(pairs already made are kept, training continues from its checkpoint).
"""

from __future__ import annotations

import logging
from pathlib import Path

from celflow.core.atomic import write_text_atomic
from celflow.core.character import load_character
from celflow.core.defaults import AUTO_BACKEND, DEFAULT_CHARACTER, STUDENT_ONNX_FILE
from celflow.core.image_files import write_image
from celflow.export.backends import choose_backend
from celflow.pipelines.contact_sheet import contact_sheet
from celflow.pipelines.convert import convert_flow
from celflow.pipelines.demo_photos import (
    HELDOUT_PEOPLE,
    DemoPhotos,
    demo_clip_path,
    write_demo_photos,
)
from celflow.pipelines.export import export_flow
from celflow.pipelines.generate import generate_flow
from celflow.pipelines.heldout_report import HeldoutComparison, compare_with_teacher
from celflow.pipelines.look_report import LookSummary
from celflow.pipelines.train import train_flow
from celflow.realtime.build import ConvertOptions
from celflow.student.base import fine_tuning
from celflow.student.train import TrainConfig
from prefect import flow, task
from pydantic import BaseModel, ConfigDict

DEMO_CHARACTER = DEFAULT_CHARACTER

log = logging.getLogger(__name__)  # one line per stage on the terminal; Prefect's task lines go to the log file


class DemoSettings(BaseModel):
    """Sizes of the demo run; the defaults take about eight minutes on two CPU cores (seven of them training)."""

    model_config = ConfigDict(frozen=True)

    variants_per_portrait: int = 50
    clip_every: int = 4
    max_side: int = 384
    # the cosine schedule spans `steps`, about what 2 cores train in 7 minutes, so the rate has decayed by the
    # time the 7-minute cap stops training (a cap far inside the schedule would stop it at its peak rate)
    train: TrainConfig = TrainConfig(steps=2500, max_minutes=7.0)
    sheet_rows: int = 6
    progress: bool = True
    heldout_people: tuple[str, ...] = HELDOUT_PEOPLE  # never trained on: every held-out figure is on their photos
    # fine-tune the base student shipped with celflow (it has learnt to draw from many people) rather than
    # start from random weights, which in the demo's minutes learn a smoothed photo
    from_base: bool = True


def quick_settings() -> DemoSettings:
    """A demo that checks an install in a few minutes: few photos, small pairs, a minute of training at most.

    Its figures say nothing about quality; its short EMA lets the few steps it takes show in the student.
    """
    return DemoSettings(
        variants_per_portrait=4,
        clip_every=20,
        max_side=256,
        train=TrainConfig(steps=30, batch_size=4, crop_size=64, max_minutes=1.0, checkpoint_every=10, ema_decay=0.9),
        sheet_rows=3,
    )


class DemoSummary(BaseModel):
    """What the demo made and how the student compares with its teacher (held-out photos, same machine)."""

    model_config = ConfigDict(frozen=True)

    pairs: int
    rejected: int
    heldout_pairs: int
    heldout_people: tuple[str, ...]
    training_steps: int
    training_seconds: float
    ssim_vs_teacher: float
    psnr_vs_teacher: float
    line_f1_vs_teacher: float
    closer_to_teacher: int  # held-out photos whose student output is more like the teacher's than like the photo
    network_ssim_vs_teacher: float  # the network alone (no line art, no warp) vs the drawing it learns
    network_line_f1_vs_teacher: float
    look_teacher: LookSummary | None
    look_student: LookSummary | None
    teacher_ms_per_frame: float
    student_ms_per_frame: float
    speedup: float
    onnx_max_abs_diff: float
    video_frames: int
    video_fps: float
    files: dict[str, str]

    def looks(self) -> list[tuple[str, LookSummary]]:
        return [(who, look) for who, look in (("teacher", self.look_teacher), ("student", self.look_student)) if look]

    def as_markdown(self) -> str:
        return "\n".join(
            [
                "| celflow demo | |",
                "|---|---|",
                f"| pairs made (rejected) | {self.pairs} ({self.rejected}) |",
                f"| training | {self.training_steps} steps in {self.training_seconds:.0f} s |",
                f"| held-out SSIM / PSNR / line F1 vs teacher | {self.ssim_vs_teacher:.3f} / {self.psnr_vs_teacher:.1f} dB / "
                f"{self.line_f1_vs_teacher:.3f} ({self.heldout_pairs} photos of {' and '.join(self.heldout_people)}, "
                "people never trained on) |",
                f"| student closer to the teacher than to the photo | {self.closer_to_teacher} of {self.heldout_pairs} |",
                f"| the network alone (no line art, no face warp) vs the drawing before the warp: SSIM / line F1 | "
                f"{self.network_ssim_vs_teacher:.3f} / "
                f"{self.network_line_f1_vs_teacher:.3f} |",
                *[f"| {label} | {value} |" for who, look in self.looks() for label, value in look.rows(who)],
                f"| teacher ms/frame | {self.teacher_ms_per_frame:.1f} |",
                "| student ms/frame (ONNX on CPU, face mesh, person mask, line art, face warp) | "
                f"{self.student_ms_per_frame:.1f} "
                f"({self.speedup:.1f}× faster) |",
                f"| ONNX vs torch max abs diff | {self.onnx_max_abs_diff:.1e} |",
                f"| video | {self.video_frames} frames at {self.video_fps:.1f} frames/s |",
                *[f"| {name} | {path} |" for name, path in self.files.items()],
            ]
        )


def training_config(settings: DemoSettings) -> TrainConfig:
    """The demo's TrainConfig, starting from the shipped base student (at the fine-tuning rate) when there is one."""
    if not settings.from_base or settings.train.init_from is not None:
        return settings.train
    return fine_tuning(settings.train)


@task(name="demo-photos")
def demo_photos_task(
    photos_dir: Path, variants_per_portrait: int, clip_every: int, heldout_people: tuple[str, ...]
) -> DemoPhotos:
    return write_demo_photos(photos_dir, variants_per_portrait, clip_every, heldout_people=heldout_people)


@task(name="compare-with-teacher")
def compare_task(heldout_pairs: Path, onnx_path: Path, backend: str) -> HeldoutComparison:
    return compare_with_teacher(heldout_pairs, onnx_path, load_character(DEMO_CHARACTER), backend)


@flow(name="demo")
def demo_flow(out_dir: Path = Path("celflow-demo"), settings: DemoSettings = DemoSettings()) -> DemoSummary:
    """generate → train → export → convert on real photos and a real clip, all written under `out_dir`."""
    out_dir = Path(out_dir)
    photos = demo_photos_task(
        out_dir / "photos", settings.variants_per_portrait, settings.clip_every, settings.heldout_people
    )
    people = " and ".join(photos.heldout_people)
    log.info("photos: %d for training, %d held out (%s, never trained on)", photos.train_count, photos.heldout_count, people)
    common = dict(character=DEMO_CHARACTER, max_side=settings.max_side, progress=settings.progress)
    manifest = generate_flow(photos.train_dir, out_dir / "pairs", **common)
    heldout = generate_flow(photos.heldout_dir, out_dir / "heldout_pairs", **common)
    trained = train_flow(out_dir / "pairs", out_dir / "student", training_config(settings), out_dir / "heldout_pairs")
    exported = export_flow(out_dir / "student", out_dir / STUDENT_ONNX_FILE)
    log.info("export: %s (max abs diff vs torch %.1e)", exported.onnx_path, exported.max_abs_diff)
    # chosen (and said) once: the comparison and the clip then run on it without saying it again
    backend = choose_backend(AUTO_BACKEND, exported.onnx_path).value
    comparison = compare_task(out_dir / "heldout_pairs", exported.onnx_path, backend)
    log.info("compare with the teacher: %d held-out photos of %s", comparison.pairs, people)
    sheet_path = out_dir / "contact_sheet.png"
    write_image(sheet_path, contact_sheet(comparison.rows[: settings.sheet_rows], ("photo", "teacher", "student")))
    video = convert_flow(
        demo_clip_path(), out_dir / "demo_clip_webtoon.mp4", exported.onnx_path, settings.progress,
        ConvertOptions(backend=backend),
    )
    summary = DemoSummary(
        pairs=len(manifest.pairs),
        rejected=len(manifest.rejected) + len(heldout.rejected),
        heldout_pairs=comparison.pairs,
        heldout_people=photos.heldout_people,
        training_steps=trained.steps,
        training_seconds=round(trained.seconds, 1),
        ssim_vs_teacher=round(comparison.ssim, 4),
        psnr_vs_teacher=round(comparison.psnr, 2),
        line_f1_vs_teacher=round(comparison.line_f1, 4),
        closer_to_teacher=comparison.closer_to_teacher,
        network_ssim_vs_teacher=round(comparison.network_ssim, 4),
        network_line_f1_vs_teacher=round(comparison.network_line_f1, 4),
        look_teacher=comparison.look_teacher,
        look_student=comparison.look_student,
        teacher_ms_per_frame=round(comparison.teacher_ms, 1),
        student_ms_per_frame=round(comparison.student_ms, 2),
        speedup=round(comparison.speedup, 1),
        onnx_max_abs_diff=exported.max_abs_diff,
        video_frames=video.frames,
        video_fps=round(video.fps, 1),
        files={
            "pairs": str(out_dir / "pairs"),
            "student checkpoint": str(out_dir / "student"),
            "onnx model": str(exported.onnx_path),
            "stylised video": str(video.output),
            "contact sheet": str(sheet_path),
        },
    )
    write_text_atomic(out_dir / "summary.json", summary.model_dump_json(indent=2))
    write_text_atomic(out_dir / "summary.md", summary.as_markdown() + "\n")
    return summary

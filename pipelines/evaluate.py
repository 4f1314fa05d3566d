"""The `evaluate` flow: a trained student vs its teacher on held-out pairs and, optionally, on a real clip;
and whether each still looks like the people in the photos (identity, skin tone) and like a drawing.

Writes `evaluation.json` (means and per-pair scores, flicker), `contact_sheet.png` (photo | teacher |
student) and publishes a Prefect markdown artifact with the summary table.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import cv2
import numpy as np
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from pydantic import BaseModel, ConfigDict

from celflow.core.atomic import write_text_atomic
from celflow.core.character import Character, load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.image_files import write_image
from celflow.core.pair_folder import read_manifest, read_pair
from celflow.generators.pair import PairMaker, PairRejected
from celflow.pipelines.contact_sheet import contact_sheet
from celflow.pipelines.look_report import LOOK_SAMPLE, LookSummary, pair_images, summarise_look
from celflow.realtime.video import read_frames
from celflow.student.checkpoint import load_student
from celflow.student.evaluate import EvaluationReport, evaluate_model, score_pair
from celflow.student.flicker import clip_flicker
from celflow.student.stylize import stylize_with_student

REPORT_FILE = "evaluation.json"
SHEET_FILE = "contact_sheet.png"


class ClipFlicker(BaseModel):
    """Mean warping error (0–255) between consecutive stylised frames, over the frames the teacher could stylise."""

    model_config = ConfigDict(frozen=True)

    clip: Path
    frames: int
    frames_teacher_rejected: int
    student: float
    teacher: float


class Evaluation(BaseModel):
    model_config = ConfigDict(frozen=True)

    model_dir: Path
    heldout: EvaluationReport
    flicker: ClipFlicker | None
    files: dict[str, str]
    look_teacher: LookSummary | None = None
    look_student: LookSummary | None = None

    def as_markdown(self) -> str:
        held = self.heldout
        rows = [
            "| celflow evaluate | student vs teacher |",
            "|---|---|",
            f"| held-out pairs | {held.pairs} |",
            f"| PSNR / SSIM / MS-SSIM | {held.psnr:.2f} dB / {held.ssim:.4f} / {held.ms_ssim:.4f} |",
            f"| line F1 | {held.edge_f1:.4f} |",
            f"| pairs where the student is closer to the teacher than to the photo | {held.closer_to_teacher} of {held.pairs} |",
        ]
        if held.alpha_iou is not None:
            rows.append(f"| alpha IoU vs person masks | {held.alpha_iou:.4f} |")
        if self.flicker:
            f = self.flicker
            rows.append(f"| flicker on {f.clip.name} ({f.frames} frames) student / teacher | {f.student:.2f} / {f.teacher:.2f} |")
        for who, look in (("teacher", self.look_teacher), ("student", self.look_student)):
            if look is not None:
                rows += [f"| {label} | {value} |" for label, value in look.rows(who)]
        rows += [f"| {name} | [{path}]({Path(path).resolve().as_uri()}) |" for name, path in self.files.items()]
        return "\n".join(rows)


def teacher_frames(frames: list[np.ndarray], character: Character) -> list[np.ndarray | None]:
    """The full teacher run on each frame on its own, None where it rejects the frame (e.g. no face)."""
    maker = PairMaker(character, max_faces=1)
    stylised: list[np.ndarray | None] = []
    try:
        for frame in frames:
            try:
                stylised.append(maker(frame)[0].target)
            except PairRejected:
                stylised.append(None)
    finally:
        maker.close()
    return stylised


def measure_flicker(model_dir: Path, clip: Path, frames: list[np.ndarray], character: Character) -> ClipFlicker:
    """Student and per-frame teacher on consecutive `frames` of `clip`, compared on the same frame pairs."""
    model, _ = load_student(model_dir)
    teacher = teacher_frames(frames, character)
    student = [stylize_with_student(model, frame) if t is not None else None for frame, t in zip(frames, teacher)]
    return ClipFlicker(
        clip=clip,
        frames=len(frames),
        frames_teacher_rejected=sum(t is None for t in teacher),
        student=round(clip_flicker(frames, student), 3),
        teacher=round(clip_flicker(frames, teacher), 3),
    )


def heldout_sheet(model_dir: Path, pairs_dir: Path, rows: int) -> np.ndarray:
    """photo | teacher | student for the first `rows` held-out pairs."""
    model, _ = load_student(model_dir)
    images = []
    for pair_dir in read_manifest(pairs_dir).pair_dirs(pairs_dir)[:rows]:
        photo, target = read_pair(pair_dir)
        images.append((photo, target, score_pair(model, pair_dir)[1]))
    return contact_sheet(images, ("photo", "teacher", "student"))


@task(name="score-heldout")
def score_task(model_dir: Path, pairs_dir: Path) -> EvaluationReport:
    model, _ = load_student(model_dir)
    return evaluate_model(model, read_manifest(pairs_dir).pair_dirs(pairs_dir))


@task(name="look")
def look_task(model_dir: Path, pairs_dir: Path, character: str) -> tuple[LookSummary | None, LookSummary | None]:
    """Identity, skin tone, strokes and flat share of the teacher's targets and the student's outputs, on the
    first LOOK_SAMPLE held-out pairs."""
    model, _ = load_student(model_dir)
    teacher, student = [], []
    for pair_dir in read_manifest(pairs_dir).pair_dirs(pairs_dir)[:LOOK_SAMPLE]:
        photo, target, mask = pair_images(pair_dir)
        teacher.append((photo, target, mask))
        student.append((photo, stylize_with_student(model, photo), mask))
    geometry = load_character(character).geometry
    return summarise_look(teacher, geometry), summarise_look(student, geometry)


@task(name="contact-sheet")
def sheet_task(model_dir: Path, pairs_dir: Path, sheet_path: Path, rows: int) -> Path:
    write_image(sheet_path, heldout_sheet(model_dir, pairs_dir, rows))
    return sheet_path


def clip_frames_scaled(clip: Path, max_frames: int, scale: float) -> list[np.ndarray]:
    """The first `max_frames` frames, resized by `scale` (small clips: the teacher needs faces of a minimum size)."""
    frames = islice(read_frames(clip), max_frames)
    if scale == 1.0:
        return list(frames)
    return [cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) for frame in frames]


@task(name="clip-flicker")
def flicker_task(model_dir: Path, clip: Path, character: str, max_frames: int, scale: float) -> ClipFlicker:
    return measure_flicker(model_dir, clip, clip_frames_scaled(clip, max_frames, scale), load_character(character))


@flow(name="evaluate")
def evaluate_flow(
    model_dir: Path,
    heldout_pairs: Path,
    out_dir: Path,
    clip: Path | None = None,
    character: str = DEFAULT_CHARACTER,
    max_frames: int = 60,
    clip_scale: float = 1.0,
    sheet_rows: int = 6,
) -> Evaluation:
    """Score the student on `heldout_pairs`; with `clip`, compare its flicker with the per-frame teacher's."""
    model_dir, heldout_pairs, out_dir = Path(model_dir), Path(heldout_pairs), Path(out_dir)
    heldout = score_task(model_dir, heldout_pairs)
    sheet = sheet_task(model_dir, heldout_pairs, out_dir / SHEET_FILE, sheet_rows)
    flicker = flicker_task(model_dir, Path(clip), character, max_frames, clip_scale) if clip else None
    look_teacher, look_student = look_task(model_dir, heldout_pairs, character)
    report_path = out_dir / REPORT_FILE
    evaluation = Evaluation(
        model_dir=model_dir,
        heldout=heldout,
        flicker=flicker,
        look_teacher=look_teacher,
        look_student=look_student,
        files={"model": str(model_dir), "contact sheet": str(sheet), "report": str(report_path)},
    )
    write_text_atomic(report_path, evaluation.model_dump_json(indent=2))
    create_markdown_artifact(key="student-evaluation", markdown=evaluation.as_markdown(), description="celflow evaluate")
    return evaluation

"""How the exported student compares with its teacher on held-out photos: quality, speed, and a contact sheet.

The student is scored as `celflow stylize` runs it: the network, then the line art drawn from a face mesh and
a person mask and the faces warped to the character (see core/line_art.py); the network alone is scored beside
it against what it learns (the drawing before the face warp), so the two parts can be told apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np
from celflow.core.character import Character
from celflow.core.defaults import AUTO_BACKEND
from celflow.core.pair_folder import read_manifest, read_pair
from celflow.export.runtime import OnnxStylizer
from celflow.generators.pair import PairMaker
from celflow.generators.quality import PairRejected
from celflow.pipelines.look_report import (
    LOOK_SAMPLE,
    LookSummary,
    pair_images,
    summarise_look,
)
from celflow.realtime.still import open_photo_stylizer
from celflow.student.metrics import edge_f1, psnr, ssim


@dataclass(frozen=True)
class HeldoutComparison:
    pairs: int
    ssim: float
    psnr: float
    teacher_ms: float
    student_ms: float  # the whole student step: network and line art
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    line_f1: float
    closer_to_teacher: int  # photos whose student output is more like the teacher's drawing than like the photo
    network_ssim: float  # the network alone, without the line art and the warp, vs the drawing it learns
    network_line_f1: float
    look_teacher: LookSummary | None
    look_student: LookSummary | None

    @property
    def speedup(self) -> float:
        return self.teacher_ms / self.student_ms


def _timed(function, image: np.ndarray) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    result = function(image)
    return result, (time.perf_counter() - started) * 1000


def compare_with_teacher(
    pairs_dir: Path, onnx_path: Path, character: Character, backend: str = AUTO_BACKEND
) -> HeldoutComparison:
    """Run the full teacher (face mesh, person mask, cel shading, warp) and the ONNX student (on `backend`) on the
    same photos."""
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)
    if not pair_dirs:
        raise ValueError(f"{pairs_dir}: no held-out pairs to compare on")
    student = open_photo_stylizer(Path(onnx_path), backend=backend)
    network = OnnxStylizer(onnx_path)
    teacher = PairMaker(character)
    scores, teacher_ms, student_ms, rows, line_f1, closer, alone, masks = [], [], [], [], [], 0, [], []
    try:
        for pair_dir in pair_dirs:
            photo, target, mask = pair_images(pair_dir)
            student(photo)  # warm-up: the first call pays for memory planning
            stylised, ms = _timed(student, photo)
            student_ms.append(ms)
            try:
                teacher_ms.append(_timed(teacher, photo)[1])
            except PairRejected:  # a crop of a group photo, which the teacher drew whole: no time for this window
                pass
            scores.append((ssim(stylised, target), psnr(stylised, target)))
            line_f1.append(edge_f1(stylised, target))
            closer += ssim(stylised, target) > ssim(stylised, photo)
            drawn_by_network = network(photo)
            learnt = read_pair(pair_dir, learnt=True)[1]
            alone.append((ssim(drawn_by_network, learnt), edge_f1(drawn_by_network, learnt)))
            rows.append((photo, target, stylised))
            masks.append(mask)
    finally:
        teacher.close()
        student.close()
    looked_at = list(zip(rows, masks))[:LOOK_SAMPLE]
    return HeldoutComparison(
        pairs=len(pair_dirs),
        ssim=float(np.mean([s for s, _ in scores])),
        psnr=float(np.mean([p for _, p in scores])),
        teacher_ms=median(teacher_ms) if teacher_ms else float("nan"),
        student_ms=median(student_ms),
        rows=rows,
        line_f1=float(np.mean(line_f1)),
        closer_to_teacher=closer,
        network_ssim=float(np.mean([s for s, _ in alone])),
        network_line_f1=float(np.mean([f for _, f in alone])),
        look_teacher=summarise_look(((p, t, m) for (p, t, _), m in looked_at), character.geometry),
        look_student=summarise_look(((p, s, m) for (p, _, s), m in looked_at), character.geometry),
    )

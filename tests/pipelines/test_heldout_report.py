"""compare_with_teacher: the demo's held-out figures, on pairs whatever photo they were cut from."""

from __future__ import annotations

import math

import cv2
import numpy as np

from celflow.core.character import load_character
from celflow.core.image_files import SAMPLE_PHOTOS, write_image
from celflow.core.pair_folder import INPUT_FILE, Manifest, read_pair, write_manifest
from celflow.pipelines.generate import generate_pair
from celflow.pipelines.heldout_report import compare_with_teacher

BASE_STUDENT_ONNX = SAMPLE_PHOTOS.parent / "students" / "default" / "student.onnx"


def test_a_held_out_pair_the_teacher_cannot_draw_on_its_own_is_still_scored(tmp_path, hopper):
    """A person crop of a group photo was drawn whole and cut out; on its own it may hold no face the teacher can
    draw (a neighbour's face cut in half at its edge), and timing the teacher on it must not end the comparison."""
    photos, pairs = tmp_path / "photos", tmp_path / "pairs"
    photos.mkdir()
    write_image(photos / "hopper.png", hopper)
    character = load_character("default")
    (record,) = generate_pair(photos / "hopper.png", photos, pairs, character, max_side=512, max_faces=4)
    write_manifest(pairs, Manifest(character="default", pairs=[record], rejected=[]))
    photo, _ = read_pair(pairs / record.pair_id)
    faceless = cv2.resize(hopper[300:, :120], photo.shape[1::-1])  # her sleeve and the flag: no face in it
    write_image(pairs / record.pair_id / INPUT_FILE, faceless)

    comparison = compare_with_teacher(pairs, BASE_STUDENT_ONNX, character)

    assert comparison.pairs == 1 and 0.0 < comparison.ssim <= 1.0
    assert math.isnan(comparison.teacher_ms) and comparison.student_ms > 0
    assert np.isfinite(comparison.line_f1)

"""The line-art record: written beside a student, read back, removed when the pairs no longer carry one."""

from __future__ import annotations

import pytest
from celflow.core.character import FaceGeometry
from celflow.core.line_art import LINE_ART_FILE, LineArt, keep_line_art, read_line_art

LINES = LineArt(ink=(59, 42, 42), line_weight=1.6, line_darkness=0.85, geometry=FaceGeometry(eye_scale=1.2))


def test_a_student_folder_keeps_the_record_and_drops_a_stale_one(tmp_path):
    keep_line_art(tmp_path, LINES)
    assert read_line_art(tmp_path) == LINES
    keep_line_art(tmp_path, None)  # retrained on pairs from a teacher that draws no line art
    assert not (tmp_path / LINE_ART_FILE).exists()
    assert read_line_art(tmp_path) is None


def test_a_broken_record_is_named(tmp_path):
    (tmp_path / LINE_ART_FILE).write_text('{"ink": [1, 2]}')
    with pytest.raises(ValueError, match=f"{LINE_ART_FILE}: not a line-art record"):
        read_line_art(tmp_path)

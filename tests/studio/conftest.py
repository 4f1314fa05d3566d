"""A studio root holding one real tiny exported student (`red`), and the app for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realtime.conftest import TINTS, clips, silent_clip, tinted_student_onnx  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def red_student(tmp_path_factory) -> Path:
    """A real exported student that turns what it draws red."""
    return tinted_student_onnx(tmp_path_factory.mktemp("red"), TINTS["red"])


@pytest.fixture
def studio_root(tmp_path, red_student) -> Path:
    """ROOT/runs/red/student.onnx: a student as the studio's distill button leaves it."""
    run = tmp_path / "root" / "runs" / "red"
    run.mkdir(parents=True)
    (run / "student.onnx").symlink_to(red_student)
    return tmp_path / "root"

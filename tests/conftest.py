"""Shared fixtures: real offline photos and a Prefect test server with its state in a temporary folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Prefect reads its home when first imported: point it away from ~/.prefect before any test imports it, to a
# folder removed again when the tests end (a run must not leave its state behind in the system's temp folder).
if "PREFECT_HOME" not in os.environ:
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="celflow-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

from pathlib import Path  # noqa: E402

from celflow.cli.prefect_defaults import quiet_local_server  # noqa: E402
from celflow.core.image_files import SAMPLE_PHOTOS  # noqa: E402

quiet_local_server()

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

SAMPLES = SAMPLE_PHOTOS


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server for the whole session (flows run for real, not through task.fn)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    import skimage.data

    return skimage.data.astronaut()


@pytest.fixture(scope="session")
def hopper() -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(SAMPLES / "grace_hopper.jpg")), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="session")
def hopper_face(hopper):
    """Grace Hopper's face mesh (478 points), as the teacher finds it."""
    from celflow.generators.face_mesh import FaceMeshDetector

    detector = FaceMeshDetector(max_faces=1)
    yield detector(hopper)[0]
    detector.close()


def save_rgb(path: Path, rgb: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="session")
def obama() -> np.ndarray:
    """A real photo of a man with dark skin (public domain; see core/samples/SOURCES.md)."""
    return cv2.cvtColor(cv2.imread(str(SAMPLES / "obama.jpg")), cv2.COLOR_BGR2RGB)

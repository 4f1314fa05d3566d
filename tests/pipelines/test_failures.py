"""Failure handling: teacher crashes are retried, one bad photo never fails a run, too many failures do."""

from __future__ import annotations

import json

import pytest

from celflow.core.pair_folder import read_manifest
from celflow.generators.teacher import CelShadingTeacher
from celflow.pipelines.generate import generate_flow
from tests.pipelines.flow_runs import artifacts, task_runs
from tests.pipelines.photo_folders import write_face_photos


@pytest.fixture
def teacher_failing_first(monkeypatch, tmp_path):
    """Make the real cel-shading teacher raise on its first `n` calls (counted in a file), then work as usual."""
    counter = tmp_path / "teacher_calls.txt"
    real_call = CelShadingTeacher.__call__

    def arm(n: int) -> None:
        def flaky(self, photo, person_mask):
            calls = int(counter.read_text()) + 1 if counter.exists() else 1
            counter.write_text(str(calls))
            if calls <= n:
                raise RuntimeError(f"simulated GPU driver reset (call {calls})")
            return real_call(self, photo, person_mask)

        monkeypatch.setattr(CelShadingTeacher, "__call__", flaky)

    return arm


def test_teacher_failing_twice_is_retried_and_the_pair_is_made(prefect_server, tmp_path, hopper, teacher_failing_first):
    teacher_failing_first(2)
    write_face_photos(tmp_path / "photos", hopper, 1)
    state = generate_flow(tmp_path / "photos", tmp_path / "pairs", max_side=192, retry_delay_s=0, progress=False, return_state=True)
    assert state.is_completed()
    manifest = read_manifest(tmp_path / "pairs")
    assert len(manifest.pairs) == 1 and manifest.rejected == []
    (pair_run,) = [run for run in task_runs(state) if run.name.startswith("pair ")]
    assert pair_run.run_count == 3 and pair_run.state_name == "Completed"


def test_a_teacher_that_keeps_crashing_costs_its_photo_not_the_run(prefect_server, tmp_path, hopper, teacher_failing_first):
    teacher_failing_first(1000)
    write_face_photos(tmp_path / "photos", hopper, 1)
    state = generate_flow(
        tmp_path / "photos", tmp_path / "pairs", max_side=192, teacher_retries=1, retry_delay_s=0,
        max_failed_share=1.0, progress=False, return_state=True,
    )
    assert state.is_completed()
    (rejection,) = read_manifest(tmp_path / "pairs").rejected
    assert rejection.reason == "teacher failed" and "simulated GPU driver reset" in rejection.detail


def test_run_with_60_percent_corrupt_photos_fails_with_the_reasons_in_its_artifact(prefect_server, tmp_path, hopper):
    photos = tmp_path / "photos"
    good = write_face_photos(photos, hopper, 2)
    data = good[0].read_bytes()
    (photos / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (photos / "notes.png").write_text("not a photo\n")
    (photos / "empty.jpg").write_bytes(b"")
    pairs = tmp_path / "pairs"

    state = generate_flow(photos, pairs, max_side=192, progress=False, return_state=True)

    assert state.is_failed() and "3 of 5 photos failed (60%" in state.message
    published = artifacts(state)
    (artifact,) = [text for text in published if "Run failed" in text]
    assert any("contact sheet" in text and "contact_sheet.png" in text for text in published)
    assert "unreadable photo" in artifact
    assert all(name in artifact for name in ("truncated.jpg", "notes.png", "empty.jpg"))
    summary = json.loads((pairs / "summary.json").read_text())
    assert summary["rejected_by_reason"] == {"unreadable photo": 3} and summary["pairs"] == 2
    assert len(read_manifest(pairs).pairs) == 2  # the good photos' pairs are kept for the next run
    assert (pairs / "contact_sheet.png").stat().st_size > 0

"""The generate flow, run for real on a Prefect test server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest
from celflow.cli import app
from celflow.core.character import load_character
from celflow.core.pair_folder import (
    DRAWING_FILE,
    INPUT_FILE,
    MASK_FILE,
    PAIR_RECORD_FILE,
    TARGET_FILE,
    read_manifest,
    read_pair,
)
from celflow.generators.line_art import line_art_of
from celflow.generators.photo import decode_photo
from celflow.pipelines.caching import CACHE_FOLDER
from celflow.pipelines.generate import generate_pair
from typer.testing import CliRunner

from tests.conftest import save_rgb

# the default character's face geometry moves faces: each pair also keeps the drawing before the warp
PAIR_FILES = {INPUT_FILE, TARGET_FILE, DRAWING_FILE, MASK_FILE, PAIR_RECORD_FILE}


@pytest.fixture
def messy_photos(tmp_path, hopper):
    """A folder as users have them: a good photo, a grey one, a truncated JPEG, a text file, a photo with no face."""
    import skimage.data

    folder = tmp_path / "photos"
    small = cv2.resize(hopper, (256, 256))
    save_rgb(folder / "hopper.jpg", small)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    assert cv2.imwrite(str(folder / "hopper_grey.png"), grey)
    data = (folder / "hopper.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (folder / "notes.jpg").write_text("not a photo\n")
    save_rgb(folder / "camera.png", np.dstack([skimage.data.camera()] * 3))
    return folder


def test_messy_folder_gives_pairs_for_usable_photos_and_reasons_for_the_rest(prefect_server, messy_photos, tmp_path):
    pairs = tmp_path / "pairs"
    result = CliRunner().invoke(app, ["generate", str(messy_photos), str(pairs), "--max-side", "256"])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(pairs)
    assert sorted(r.source.split("/")[-1] for r in manifest.pairs) == ["hopper.jpg", "hopper_grey.png"]
    # what the teacher drew from the face mesh, and its face warp, travel with the pairs, to be applied at run time
    assert manifest.line_art == line_art_of(load_character("default")) and manifest.line_art.warp_at_run_time
    assert manifest.line_art.skin == load_character("default").skin  # the run time holds the skin to it
    reasons = {r.source.split("/")[-1]: r.reason for r in manifest.rejected}
    # the cameraman's face is tiny or not found at all: a quality rejection either way, not a failure
    assert reasons.pop("camera.png") in {"no face", "face too small"}
    assert reasons == {"truncated.jpg": "unreadable photo", "notes.jpg": "unreadable photo"}
    for pair_dir in manifest.pair_dirs(pairs):
        assert {p.name for p in pair_dir.iterdir()} == PAIR_FILES
        target = cv2.imread(str(pair_dir / TARGET_FILE))
        assert target.shape == (256, 256, 3)
        photo, learnt = read_pair(pair_dir, learnt=True)  # the drawing a student learns, aligned with the photo
        assert learnt.shape == photo.shape and not np.array_equal(learnt, target[..., ::-1])
    assert "rejected" in result.output and "truncated.jpg" in result.output
    summary = json.loads((pairs / "summary.json").read_text())
    assert summary["rejected_by_reason"]["unreadable photo"] == 2 and summary["failed"] == 2 and summary["pairs"] == 2
    look = summary["look"]  # the teacher's look on the run's pairs: same person, own skin, strokes, flat regions
    assert look["images"] == 2 and look["skin_faces"] == 1 and look["delta_ita_worst"] <= 8.0  # one is grey
    assert 0 <= look["stroke_share_median"] <= 1 and 0 <= look["flat_share_median"] <= 1
    sheet = cv2.imread(str(pairs / "contact_sheet.png"))
    assert sheet.shape[0] > 2 * 192 + 160, "two pair rows and a row of rejected photos"


def test_a_deleted_pair_folder_is_made_again_and_only_that_one(prefect_server, messy_photos, tmp_path):
    from celflow.pipelines.generate import generate_flow

    from tests.pipelines.photo_folders import pair_stamps, teacher_calls

    pairs = tmp_path / "pairs"
    first = generate_flow(messy_photos, pairs, max_side=256, progress=False)
    before = pair_stamps(pairs)
    shutil.rmtree(pairs / first.pairs[0].pair_id)
    generate_flow(messy_photos, pairs, max_side=256, progress=False)
    assert teacher_calls(before, pair_stamps(pairs)) == [first.pairs[0].pair_id]


def test_rerun_skips_finished_pairs(prefect_server, messy_photos, tmp_path):
    from celflow.pipelines.generate import generate_flow

    pairs = tmp_path / "pairs"
    first = generate_flow(messy_photos, pairs, max_side=256, progress=False)
    stamps = {p: p.stat().st_mtime_ns for p in pairs.rglob(TARGET_FILE)}
    second = generate_flow(messy_photos, pairs, max_side=256, progress=False)
    assert [r.pair_id for r in second.pairs] == [r.pair_id for r in first.pairs]
    assert {p: p.stat().st_mtime_ns for p in pairs.rglob(TARGET_FILE)} == stamps


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_missing_or_empty_folder_exits_non_zero_with_one_line(tmp_path, folder):
    photos = tmp_path / folder
    if folder == "empty":
        photos.mkdir()
    result = CliRunner().invoke(app, ["generate", str(photos), str(tmp_path / "pairs")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(photos) in lines[0]


def test_killed_run_resumes_without_duplicated_or_half_written_pairs(prefect_server, tmp_path, hopper, astronaut):
    from celflow.pipelines.demo_photos import augmented_variants
    from celflow.pipelines.generate import generate_flow

    photos = tmp_path / "photos"
    for index, image in enumerate(augmented_variants(hopper, 10, 1) + augmented_variants(astronaut, 10, 2)):
        save_rgb(photos / f"p{index:02d}.jpg", cv2.resize(image, (256, 256)))
    pairs = tmp_path / "pairs"
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}  # the test server, not a new one
    process = subprocess.Popen(
        [sys.executable, "-m", "celflow", "generate", str(photos), str(pairs), "--max-side", "256"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if pairs.is_dir() and len([p for p in pairs.iterdir() if p.is_dir() and not p.name.startswith(".")]) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (pairs / "manifest.json").exists(), "the run finished before it could be killed"

    manifest = generate_flow(photos, pairs, max_side=256, progress=False)
    ids = [r.pair_id for r in manifest.pairs]
    assert len(ids) == len(set(ids)) == len(manifest.pairs)
    assert len(ids) + len(manifest.rejected) == 20
    folders = sorted(p.name for p in pairs.iterdir() if p.is_dir() and p.name != CACHE_FOLDER)
    assert folders == sorted(ids), "a half-written or stray pair folder was left behind"
    for pair_dir in manifest.pair_dirs(pairs):
        assert {p.name for p in pair_dir.iterdir()} == PAIR_FILES


def test_a_group_photo_s_crops_record_where_they_were_cut_from_the_whole_photo(tmp_path, hopper, astronaut):
    """The teacher draws a group photo whole and cuts each person's crop out of its drawing, so a student is scored
    drawing the whole photo the same way (benchmarks/bench_student_line_art.py): each crop's record keeps its window
    and the whole photo's size, and the photo read again at that size and cut there is the pair's input. A
    whole-photo pair has neither."""
    photos = tmp_path / "photos"
    photos.mkdir()
    save_rgb(photos / "group.png", np.hstack([hopper[60:316, 128:384], astronaut[0:256, 100:356]]))
    save_rgb(photos / "alone.png", hopper)
    character = load_character("default")
    crops = generate_pair(photos / "group.png", photos, tmp_path / "pairs", character, max_side=512, max_faces=4)
    (alone,) = generate_pair(photos / "alone.png", photos, tmp_path / "pairs", character, max_side=512, max_faces=4)

    assert len(crops) == 2 and alone.crop is None and alone.photo_size is None
    for record in crops:
        whole = decode_photo((photos / "group.png").read_bytes(), max_side=max(record.photo_size))
        x0, y0, x1, y1 = record.crop
        assert whole.shape[1::-1] == record.photo_size
        photo, _ = read_pair(tmp_path / "pairs" / record.pair_id)
        assert np.array_equal(whole[y0:y1, x0:x1], photo)

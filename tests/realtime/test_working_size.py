"""The size a live loop draws at: fixed, full, or picked to keep up with the camera, and scaled back up."""

from __future__ import annotations

import time

import numpy as np
import pytest

from celflow.realtime.build import build_pipeline
from celflow.realtime.characters import CastMember
from celflow.realtime.records import Frame
from celflow.realtime.working_size import (
    AUTO,
    FULL,
    START_SIDE,
    WINDOW,
    WorkingSize,
    enlarge,
    parse_max_side,
    shrink,
)

from .conftest import redness


def test_max_side_reads_auto_full_or_pixels_and_names_a_bad_value():
    assert (parse_max_side("auto"), parse_max_side("Full"), parse_max_side("512")) == (AUTO, FULL, 512)
    for bad in ("large", "12", "-640", "6.5"):
        with pytest.raises(ValueError, match=f"--max-side {bad}"):
            parse_max_side(bad)


def test_a_frame_is_shrunk_to_the_side_and_enlarged_back_to_its_own_size():
    rgb = np.zeros((720, 1280, 3), np.uint8)
    small = shrink(rgb, 640)
    assert small.shape == (360, 640, 3)
    assert shrink(rgb, None) is rgb and shrink(rgb, 2000) is rgb
    assert enlarge(small, rgb.shape).shape == rgb.shape


def run_camera(working: WorkingSize, ms_at_640: float, frames: int = 40 * WINDOW, fixed_ms: float = 0.0) -> list[int]:
    """Feed a simulated 1280×720 camera whose slower stage costs `fixed_ms` plus `ms_at_640` at 640 px, growing
    with the area drawn; the long side drawn on each frame."""
    sides = []
    for _ in range(frames):
        side = max(working.shrink(np.zeros((720, 1280, 3), np.uint8)).shape[:2])
        sides.append(side)
        working.observe(fixed_ms + ms_at_640 * (side / 640) ** 2)
    return sides


def test_auto_steps_down_until_the_slower_stage_keeps_up_with_the_camera():
    working = WorkingSize(AUTO, frame_rate=30)
    sides = run_camera(working, ms_at_640=45.0)

    assert sides[0] == START_SIDE
    settled = sides[len(sides) // 2 :]
    assert all(45.0 * (side / 640) ** 2 <= working.budget_ms for side in settled)
    assert max(settled) >= 512  # the largest rung that fits, not the smallest
    assert len(set(settled)) == 1, "the size see-saws between rungs"


def test_auto_steps_up_to_the_cameras_own_size_when_there_is_room():
    working = WorkingSize(AUTO, frame_rate=30)
    sides = run_camera(working, ms_at_640=5.0)

    assert sides[-1] == 1280 and working.drawn_at == 1280


def test_auto_keeps_the_larger_size_when_a_smaller_one_saves_little():
    """Costs that do not shrink with the frame (a face mesh per face): drawing smaller only blurs the picture."""
    working = WorkingSize(AUTO, frame_rate=30)
    sides = run_camera(working, ms_at_640=6.0, fixed_ms=40.0)

    assert working.drawn_at == START_SIDE
    assert min(sides) >= 320 and sides.count(START_SIDE) >= 0.8 * len(sides)


def test_a_fixed_side_or_full_never_moves():
    for max_side, expected in ((512, 512), (FULL, 1280)):
        working = WorkingSize(max_side, frame_rate=30)
        assert set(run_camera(working, ms_at_640=90.0, frames=5 * WINDOW)) == {expected}


def test_drawn_smaller_each_person_keeps_their_number_and_character_at_the_frames_size(crossing, characters):
    cast = [CastMember(name, path) for name, path in characters.items()]
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:12])]
    side = max(frames[0].rgb.shape[:2]) // 2

    full = list(build_pipeline(cast, "person-only", frame_rate=20).stream(frames))
    halved = list(build_pipeline(cast, "person-only", frame_rate=20, working_side=side).stream(frames))

    assert [r.tracks for r in halved] == [r.tracks for r in full]  # tracked on the frame as it came
    for result in halved:
        assert result.rgb.shape == result.frame.rgb.shape
        for track in result.tracks:
            x0, y0, x1, y1 = (round(v) for v in track.box)
            face = result.rgb[y0:y1, x0:x1]
            assert (redness(face) > 60) if track.character == "red" else (redness(face) < -60)


def test_at_strength_zero_the_camera_frame_comes_back_as_it_came(crossing, characters):
    frames = [Frame(index, index / 20, shot.rgb, time.perf_counter()) for index, shot in enumerate(crossing[:3])]
    side = max(frames[0].rgb.shape[:2]) // 2
    pipeline = build_pipeline([CastMember("red", characters["red"])], "full-frame", working_side=side, strength=0.0)

    assert all(np.array_equal(result.rgb, frame.rgb) for result, frame in zip(pipeline.stream(frames), frames))

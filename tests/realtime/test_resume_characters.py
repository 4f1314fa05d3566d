"""A resumed conversion carries on tracking where the interrupted one stopped: nobody changes character."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.export.open_stylizer import open_stylizer
from celflow.realtime.build import FrameByFrame
from celflow.realtime.characters import CharacterAssigner
from celflow.realtime.engine import Pipeline
from celflow.realtime.modes import FrameRenderer
from celflow.realtime.offline import convert_video
from celflow.realtime.scenes import real_background, render, scene_people
from celflow.realtime.tracking import PersonTracker
from celflow.realtime.video import read_frames

from .conftest import RATE, redness, write_clip

FRAMES = 24
SEGMENT = 8 / RATE  # three segments of eight frames


class RightToLeft:
    """The real face detector with its faces listed right to left, so a tracker that starts afresh numbers the
    person on the right first; `fail_on` makes one call fail, as a crash or Ctrl-C would."""

    def __init__(self, detect, fail_on: int | None = None) -> None:
        self.detect, self.fail_on, self.calls = detect, fail_on, 0

    def __call__(self, rgb):
        self.calls += 1
        if self.calls == self.fail_on:
            raise KeyboardInterrupt
        return sorted(self.detect(rgb), key=lambda detection: -detection.box[0])


@pytest.fixture(scope="module")
def arrival(face_detector):
    """Someone stands on the left from the start; a second person steps in on the right at frame 4."""
    cast = scene_people(face_detector, 2)
    background = real_background(640, 480)
    return [
        render(background, cast[:1] if index < 4 else cast, [(60, 150), (420, 150)][: 1 if index < 4 else 2])
        for index in range(FRAMES)
    ]


def convert_person_only(clip, dst, characters, person_mask, detect):
    """A fresh pipeline, as a new `celflow convert` process builds it: red for the first person, blue for the next."""
    stylizers = {name: open_stylizer(path, threads=1, spin=False, with_alpha=True) for name, path in characters.items()}
    renderer = FrameRenderer("person-only", stylizers, person_mask)
    pipeline = Pipeline(renderer, PersonTracker(detect, frame_rate=RATE), CharacterAssigner(list(stylizers)))
    return convert_video(clip, dst, FrameByFrame(pipeline, RATE), progress=False, segment_seconds=SEGMENT)


def characters_worn(path, scene) -> list[dict[int, str]]:
    """Per frame, the character each visible person's face is painted in (red or blue), left out when unpainted."""
    worn = []
    for rgb, shot in zip(read_frames(path), scene, strict=True):
        faces = {}
        for person, (x0, y0, x1, y1) in shot.faces.items():
            window = np.s_[round(y0) : round(y1), round(x0) : round(x1)]
            change = redness(rgb[window]) - redness(shot.rgb[window])
            if abs(change) > 60:
                faces[person] = "red" if change > 0 else "blue"
        worn.append(faces)
    return worn


def test_after_an_interruption_at_a_segment_boundary_everyone_keeps_their_character(
    arrival, characters, face_detector, tmp_path
):
    from celflow.generators.person_mask import PersonSegmenter

    person_mask = PersonSegmenter()
    clip = write_clip(tmp_path / "arrival.mp4", [shot.rgb for shot in arrival])
    dst = tmp_path / "out.mp4"
    whole = convert_person_only(clip, tmp_path / "whole.mp4", characters, person_mask, RightToLeft(face_detector))
    with pytest.raises(KeyboardInterrupt):  # on the first frame of the last segment
        convert_person_only(clip, dst, characters, person_mask, RightToLeft(face_detector, fail_on=17))

    resumed = convert_person_only(clip, dst, characters, person_mask, RightToLeft(face_detector))

    assert (resumed.resumed_frames, resumed.frames) == (16, 8)
    expected = characters_worn(whole.output, arrival)
    assert expected[-1] == {0: "red", 1: "blue"}  # in order of arrival
    assert characters_worn(resumed.output, arrival) == expected

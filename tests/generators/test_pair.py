import logging

import cv2
import numpy as np
import pytest

from celflow.core.character import FaceGeometry, QualityLimits, load_character
from celflow.generators.face_finder import FacesInPhoto
from celflow.generators.face_mesh import FACE_OVAL, LEFT_EYE, MESH_POINTS, RIGHT_EYE, Face
from celflow.generators.pair import PairMaker, check_faces
from celflow.generators.quality import (
    FACE_TOO_SMALL,
    MASK_COVERAGE,
    NO_FACE,
    REASONS,
    SKIN_CHANGED,
    TEACHER_FAILED,
    TOO_MANY_FACES,
    WARP_OUT_OF_RANGE,
    PairRejected,
)
from celflow.generators.skin import face_regions
from celflow.generators.skin_tone import cheek_colour

STAGES = {
    "faces", "person_mask", "skin", "teacher", "own colours", "background", "specks", "line art", "outline", "skin check", "warp"
}


@pytest.fixture(scope="module")
def maker():
    pair_maker = PairMaker(load_character())
    yield pair_maker
    pair_maker.close()


def _character(**changes):
    return load_character().model_copy(update=changes)


def _rejection(character, photo, max_faces=4) -> PairRejected:
    maker = PairMaker(character, max_faces=max_faces)
    try:
        with pytest.raises(PairRejected) as rejected:
            maker(photo)
    finally:
        maker.close()
    assert rejected.value.reason in REASONS
    return rejected.value


def test_portrait_gives_a_pair_with_target_masks_and_stage_timings(maker, hopper):
    [pair] = maker(hopper)
    assert pair.target.shape == hopper.shape and pair.target.dtype == np.uint8
    assert pair.person_mask.shape == hopper.shape[:2] and pair.person_mask.dtype == np.uint8
    assert pair.skin_mask.shape == hopper.shape[:2] and 0.02 < (pair.skin_mask >= 128).mean() < 0.3
    assert 0.3 < pair.person_coverage < 0.8
    assert len(pair.faces) == 1 and pair.crop is None
    assert set(pair.timings_ms) == STAGES and pair.teacher_ms == pytest.approx(sum(pair.timings_ms.values()))
    assert not np.array_equal(pair.target, pair.photo)


def test_person_only_option_keeps_the_real_background_far_from_the_face(astronaut):
    character = _character(background=load_character().background.model_copy(update={"keep_photo": True}))
    maker = PairMaker(character)
    [pair] = maker(astronaut)
    maker.close()
    outline_reach = np.ones((7, 7), np.uint8)  # the silhouette's ink may cross onto the background by its width
    background = cv2.dilate((pair.person_mask > 0).astype(np.uint8), outline_reach) == 0
    x0, y0, x1, y1 = np.round(pair.faces[0].box).astype(int)
    size = max(x1 - x0, y1 - y0)
    background[max(0, y0 - size) : y1 + size, max(0, x0 - size) : x1 + size] = False  # the face warp's reach
    assert background.mean() > 0.2
    assert np.abs(pair.target[background].astype(int) - astronaut[background]).max() <= 1  # mask of a few 0.1 %


def test_group_photo_gives_one_pair_per_person_crop_with_every_face_warped_and_its_drawing_kept(group_photo):
    big_eyes = PairMaker(_character(geometry=FaceGeometry(eye_scale=1.3)))
    pairs = big_eyes(group_photo)
    big_eyes.close()
    assert len(pairs) == 2
    unwarped_maker = PairMaker(_character(geometry=FaceGeometry()))
    unwarped = unwarped_maker(group_photo)
    unwarped_maker.close()
    for pair, plain in zip(pairs, unwarped):
        x0, y0, x1, y1 = pair.crop
        assert np.array_equal(pair.photo, group_photo[y0:y1, x0:x1])
        assert pair.target.shape == pair.photo.shape and len(pair.faces) == 1
        for contour in (RIGHT_EYE, LEFT_EYE):  # both eyes of this crop's face moved: none left half-warped
            (cx, cy), width = pair.faces[0].eye_centre_and_width(contour)
            window = np.s_[int(cy - width) : int(cy + width), int(cx - width) : int(cx + width)]
            assert np.abs(pair.target[window].astype(int) - plain.target[window]).mean() > 5
        # what a student learns: the same drawing before the warp, aligned with the photo (the run time warps)
        assert np.array_equal(pair.drawing, plain.target)
        assert plain.drawing is None  # a warp that moves nothing keeps no second picture
    centres = [pair.faces[0].points[:, 0].mean() + pair.crop[0] for pair in pairs]
    assert abs(centres[0] - centres[1]) > 100  # two different people


def test_wide_group_photo_with_a_small_face_gives_a_pair_per_person(maker, wide_group_photo):
    pairs = maker(wide_group_photo)
    assert len(pairs) == 2 and all(pair.crop is not None for pair in pairs)


@pytest.fixture(scope="module")
def group_photo_with_a_small_face(hopper, astronaut) -> np.ndarray:
    """Grace Hopper's portrait shrunk to 200 px beside the whole astronaut portrait (512×712): her face is
    about 73 px wide, his about 92."""
    small = np.full((512, 200, 3), 128, np.uint8)
    small[312:] = cv2.resize(hopper, (200, 200), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(np.hstack([small, astronaut]))


def test_a_face_under_min_face_px_is_skipped_unwarped_and_the_others_kept(group_photo_with_a_small_face, caplog):
    photo = group_photo_with_a_small_face
    limits = QualityLimits(min_face_px=85)
    maker = PairMaker(_character(quality=limits))
    unwarped_maker = PairMaker(_character(quality=limits, geometry=FaceGeometry()))
    try:
        with caplog.at_level(logging.WARNING):
            [pair] = maker(photo)
        [plain] = unwarped_maker(photo)
    finally:
        maker.close()
        unwarped_maker.close()

    assert len(pair.faces) == 1 and pair.faces[0].points[:, 0].mean() > 200  # the astronaut's face
    assert np.array_equal(pair.target[:, :200], plain.target[:, :200])  # her face is left as the teacher drew it
    assert not np.array_equal(pair.target[:, 200:], plain.target[:, 200:])
    assert any("under min_face_px 85" in message and "unwarped" in message for message in caplog.messages)


def test_a_face_under_min_face_px_keeps_its_own_skin(obama, astronaut):
    """A small dark-skinned face beside a wide light one keeps its own skin and its own eyes, brows and lips
    (the palette's flat patches made it faceless)."""
    small = np.full((512, 200, 3), 128, np.uint8)
    small[352:, 20:180] = cv2.resize(obama, (160, 160), interpolation=cv2.INTER_AREA)
    photo = np.ascontiguousarray(np.hstack([small, astronaut]))
    character = _character(quality=QualityLimits(min_face_px=85, max_skin_change=360))
    maker = PairMaker(character)
    try:
        [pair] = maker(photo)
    finally:
        maker.close()

    [face] = pair.unwarped_faces
    assert face.points[:, 0].mean() < 200 and len(pair.faces) == 1
    before, after = cheek_colour(photo, face.points), cheek_colour(pair.target, face.points)
    assert abs(after.ita - before.ita) <= 8, (before.ita, after.ita)
    oval = face_regions(photo.shape[:2], [face], (FACE_OVAL,))
    grey = [cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[oval].astype(np.float32) for image in (photo, pair.target)]
    assert np.corrcoef(*grey)[0, 1] > 0.9


def test_a_group_photo_is_rejected_only_when_no_face_is_large_enough(group_photo_with_a_small_face):
    rejected = _rejection(_character(quality=QualityLimits(min_face_px=120)), group_photo_with_a_small_face)
    assert rejected.reason == FACE_TOO_SMALL and "under 120 px" in rejected.detail


def test_group_photo_is_rejected_when_the_pack_says_so(group_photo):
    rejected = _rejection(_character(group_photos="reject"), group_photo)
    assert rejected.reason == TOO_MANY_FACES


def test_more_faces_than_allowed_is_rejected(group_photo):
    assert _rejection(load_character(), group_photo, max_faces=1).reason == TOO_MANY_FACES


def test_photo_without_a_face_is_rejected_with_reason(maker):
    with pytest.raises(PairRejected) as rejected:
        maker(np.full((128, 128, 3), 200, np.uint8))
    assert rejected.value.reason == NO_FACE


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (QualityLimits(min_face_px=400), FACE_TOO_SMALL),
        (QualityLimits(person_coverage=(0.9, 1.0)), MASK_COVERAGE),
        (QualityLimits(max_warp_shift=0.01), WARP_OUT_OF_RANGE),
    ],
    ids=["small face", "mask coverage", "warp range"],
)
def test_quality_filter_rejects_with_named_reasons(hopper, limits, reason):
    rejected = _rejection(_character(quality=limits), hopper)
    assert rejected.reason == reason and rejected.detail


def test_teacher_crash_rejects_the_photo_not_the_run(hopper):
    maker = PairMaker(load_character())

    def broken_teacher(photo, mask):
        raise RuntimeError("out of memory")

    maker.teacher = broken_teacher
    with pytest.raises(PairRejected) as rejected:
        maker(hopper)
    assert rejected.value.reason == TEACHER_FAILED and "out of memory" in rejected.value.detail
    maker.close()


def test_a_dark_skinned_face_stays_dark_and_the_same_person(maker, obama, astronaut):
    """The whitewashing guard: each face keeps its own skin tone and the order from darker to lighter."""
    from celflow.generators.face_identity import SAME_PERSON, FaceIdentity
    from celflow.generators.look import score_look

    identity = FaceIdentity()
    looks = []
    for photo in (obama, astronaut):
        [pair] = maker(photo)
        looks.append(score_look(pair.photo, pair.target, pair.faces, pair.person_mask, maker.character.geometry, identity))
    for look in looks:
        assert abs(look.faces[0].delta_ita) <= 8.0
        assert look.identity_distances and max(look.identity_distances) < SAME_PERSON
    assert looks[0].faces[0].output_ita < looks[1].faces[0].output_ita - 15


def test_a_pair_that_would_change_a_person_s_skin_is_rejected_by_name(obama):
    """A pack painting every face one light tone must not make training pairs out of a dark-skinned face."""
    base = load_character()
    one_tone = base.skin.model_copy(update={"tint": 1.0, "tint_lightness": True, "tone": "#f6d5bd"})

    rejected = _rejection(base.model_copy(update={"skin": one_tone}), obama)

    assert rejected.reason == SKIN_CHANGED and "face 1: cheeks ITA" in rejected.detail


def test_every_person_in_a_wide_group_photo_is_in_the_person_mask(maker, wide_group_photo):
    """The whole-frame segmentation misses the smaller astronaut here; his own box's pass must find him."""
    from celflow.generators.skin_tone import cheek_mask

    for pair in maker(wide_group_photo):
        cheeks = cheek_mask(pair.person_mask.shape, pair.faces[0].points)
        assert pair.person_mask[cheeks].mean() > 0.9 * 255


def test_a_face_just_under_the_minimum_is_never_called_as_wide_as_it(caplog):
    points = np.zeros((MESH_POINTS, 2), np.float32)
    points[FACE_OVAL[0], 0] = 47.6  # the face oval 47.6 px wide: rounding would call it 48
    narrow = FacesInPhoto([Face(points)], [])
    with pytest.raises(PairRejected, match=r"the widest face is 47 px wide, under 48 px"):
        check_faces(narrow, max_faces=4, min_face_px=48)
    wide = Face(points * np.float32([2.0, 1.0]))
    with caplog.at_level(logging.WARNING, logger="celflow.generators.pair"):
        check_faces(FacesInPhoto([wide, Face(points)], []), max_faces=4, min_face_px=48)
    assert "a face 47 px wide is under min_face_px 48" in caplog.text

import numpy as np
import pytest

from celflow.character import load_character
from celflow.generators.pair import NO_FACE, TEACHER_FAILED, PairMaker, PairRejected


@pytest.fixture(scope="module")
def maker():
    pair_maker = PairMaker(load_character())
    yield pair_maker
    pair_maker.close()


def test_portrait_gives_a_pair_with_target_and_person_mask(maker, hopper):
    [pair] = maker(hopper)
    assert pair.target.shape == hopper.shape and pair.target.dtype == np.uint8
    assert pair.person_mask.shape == hopper.shape[:2] and pair.person_mask.dtype == np.uint8
    assert 0.3 < pair.person_coverage < 0.8
    assert len(pair.faces) == 1 and pair.teacher_ms > 0
    assert not np.array_equal(pair.target, pair.photo)


def test_photo_without_a_face_is_rejected_with_reason(maker):
    with pytest.raises(PairRejected) as rejected:
        maker(np.full((128, 128, 3), 200, np.uint8))
    assert rejected.value.reason == NO_FACE


def test_teacher_crash_rejects_the_photo_not_the_run(hopper):
    maker = PairMaker(load_character())

    def broken_teacher(photo, mask):
        raise RuntimeError("out of memory")

    maker.teacher = broken_teacher
    with pytest.raises(PairRejected) as rejected:
        maker(hopper)
    assert rejected.value.reason == TEACHER_FAILED and "out of memory" in rejected.value.detail
    maker.close()

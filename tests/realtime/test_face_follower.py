"""The video face mesh keeps room for the faces in view: newcomers are found, leavers give their room up."""

import numpy as np

from celflow.realtime.face_follower import FaceFollower


def two_people(hopper, astronaut):
    """Two real people side by side (256×512), large enough for the mesh's short-range detector."""
    return np.ascontiguousarray(np.hstack([hopper[60:316, 128:384], astronaut[0:256, 100:356]]))


def one_person(hopper):
    return np.ascontiguousarray(np.hstack([hopper[60:316, 128:384], np.full((256, 256, 3), 200, np.uint8)]))


def test_the_mesh_follows_one_face_with_room_for_one(hopper):
    follower = FaceFollower(max_faces=6, look_every=5)
    found = [len(follower(one_person(hopper))) for _ in range(12)]
    assert found == [1] * 12 and follower.room == 1
    follower.close()


def test_a_newcomer_is_found_within_look_every_frames_and_a_leaver_gives_the_room_up(hopper, astronaut):
    follower = FaceFollower(max_faces=6, look_every=5)
    for _ in range(3):
        assert len(follower(one_person(hopper))) == 1
    found = [len(follower(two_people(hopper, astronaut))) for _ in range(8)]
    assert found[:1] == [1] and found[-3:] == [2, 2, 2] and follower.room == 2  # found at the next look
    for _ in range(6):
        assert len(follower(one_person(hopper))) == 1
    assert follower.room == 1
    follower.close()

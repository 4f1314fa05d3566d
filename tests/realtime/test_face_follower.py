"""The video face mesh keeps room for the faces in view: newcomers are found, leavers give their room up."""

import numpy as np

from celflow.generators.face_finder import SMALL_FACE
from celflow.realtime.detect import FaceDetector
from celflow.realtime.face_follower import FaceFollower
from celflow.realtime.scenes import crowd_scene


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


def test_tracked_people_the_mesh_misses_are_fitted_on_crops_around_their_faces():
    """Three people side by side in a 640×480 frame: the mesh's short-range detector misses faces that small."""
    detector = FaceDetector()
    try:
        shots = [shot.rgb for shot in crowd_scene(detector, 3, frames=8)]
        tracked = [dict(enumerate((found.box for found in detector(rgb)), start=1)) for rgb in shots]
    finally:
        detector.close()
    alone, helped = FaceFollower(max_faces=6), FaceFollower(max_faces=6)
    try:
        by_mesh = [len(alone(rgb)) for rgb in shots]
        found = [helped(rgb, people) for rgb, people in zip(shots, tracked)]
        after_two_left = helped(shots[-1], {1: tracked[-1][1]})
    finally:
        alone.close()
        helped.close()

    assert sum(len(people) for people in tracked) > sum(by_mesh)  # the scene shows what it guards
    assert [len(faces) for faces in found] == [len(people) for people in tracked]
    for faces, people in zip(found, tracked):  # every tracked face has a mesh face at its centre
        for x0, y0, x1, y1 in people.values():
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            assert any(f.box[0] <= x <= f.box[2] and f.box[1] <= y <= f.box[3] for f in faces)
    assert len(after_two_left) < 3


def test_the_meshes_do_not_grow_with_the_people_in_view_or_coming_and_going(monkeypatch, group_frame):
    """Each face mesh is a mediapipe graph that keeps its memory once it has run, closed or not: a video with
    several people, coming and going, must not build one per person."""
    import celflow.realtime.face_follower as follower_module

    made = []

    class CountedMesh(follower_module.FaceMeshDetector):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(follower_module, "FaceMeshDetector", CountedMesh)
    rgb, boxes = group_frame
    assert len(boxes) >= 3  # the scene shows what it guards
    follower = FaceFollower(max_faces=6)
    try:
        for frame in range(12):  # every frame, the same faces under new person numbers: people coming and going
            faces = follower(rgb, {100 * frame + n: box for n, box in enumerate(boxes)})
            assert len(faces) == len(boxes)
    finally:
        follower.close()
    assert len(made) <= 2  # the frame's mesh and one for the crops around tracked faces, however many people


def test_small_faces_of_a_group_are_meshed_where_they_are():
    """Three people swaying before a webcam (faces a tenth of the frame): each face's mesh agrees with the one
    a still photo's face finder fits on a crop around it, on every frame once the people are tracked."""
    from celflow.generators.face_finder import FaceFinder
    from celflow.realtime.records import Frame
    from celflow.realtime.tracking import PersonTracker

    detector = FaceDetector()
    scene = crowd_scene(detector, 3, frames=30)
    tracker, follower, finder = PersonTracker(detector), FaceFollower(max_faces=6), FaceFinder(max_faces=4)
    worst = []
    try:
        for index, shot in enumerate(scene):
            faces = follower(shot.rgb, tracker(Frame(index, index / 30, shot.rgb, 0.0)))
            still = finder(shot.rgb).faces
            for face in faces:
                same = min(still, key=lambda other: np.linalg.norm(other.points.mean(0) - face.points.mean(0)))
                off = np.median(np.linalg.norm(face.points - same.points, axis=1)) / same.width
                worst.append((off, index + 1))
    finally:
        for closing in (detector, follower, finder):
            closing.close()

    assert max(off for off, frame in worst if frame > 3) < 0.04  # a face width in 25; the lips beside the mouth: 0.05+


def test_when_every_tracked_face_is_small_only_the_crop_mesh_runs(monkeypatch, group_frame, hopper):
    """Each small face is fitted on a crop around it, so the frame's mesh would be run for nothing; a large
    face in view still gets it."""
    import celflow.realtime.face_follower as follower_module

    calls = []

    class CountedMesh(follower_module.FaceMeshDetector):
        def __call__(self, rgb):
            calls.append("frame" if rgb.shape[:2] == frame_shape else "crop")
            return super().__call__(rgb)

    monkeypatch.setattr(follower_module, "FaceMeshDetector", CountedMesh)
    rgb, boxes = group_frame
    frame_shape = rgb.shape[:2]
    assert all(x1 - x0 < SMALL_FACE * min(frame_shape) for x0, _, x1, _ in boxes)
    follower = FaceFollower(max_faces=6)
    try:
        faces = [follower(rgb, dict(enumerate(boxes, start=1))) for _ in range(3)]
        small_calls, calls[:] = list(calls), []
        frame_shape = hopper.shape[:2]
        detector = FaceDetector()
        large = follower(hopper, {1: detector(hopper)[0].box})
    finally:
        follower.close()
        detector.close()

    assert [len(found) for found in faces] == [len(boxes)] * 3
    assert small_calls and set(small_calls) == {"crop"}
    assert len(large) == 1 and calls == ["frame"]


def test_faces_too_small_for_line_art_are_not_meshed_at_all(monkeypatch, group_frame):
    """People seen from afar, their faces far narrower than the smallest face the teacher draws line art on: no
    line art or warp will be drawn on them, so neither the frame's mesh nor a crop's runs for them."""
    import celflow.realtime.face_follower as follower_module

    calls = []

    class CountedMesh(follower_module.FaceMeshDetector):
        def __call__(self, rgb):
            calls.append(rgb.shape)
            return super().__call__(rgb)

    monkeypatch.setattr(follower_module, "FaceMeshDetector", CountedMesh)
    rgb, boxes = group_frame
    widest = max(x1 - x0 for x0, _, x1, _ in boxes)
    tracked = dict(enumerate(boxes, start=1))
    far, near = FaceFollower(max_faces=6, min_face_px=round(2 * widest)), FaceFollower(max_faces=6, min_face_px=8)
    try:
        found_far = [far(rgb, tracked) for _ in range(3)]
        assert not calls  # the scene's faces are all too small: nothing was meshed
        found_near = near(rgb, tracked)
    finally:
        far.close()
        near.close()

    assert found_far == [[], [], []]
    assert len(found_near) == len(boxes) and calls  # faces wide enough are meshed as before

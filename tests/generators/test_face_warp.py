import numpy as np
import pytest

from celflow.character import FaceGeometry
from celflow.generators.face_mesh import LEFT_EYE, RIGHT_EYE, FaceMeshDetector
from celflow.generators.face_warp import character_warp_field, warp_face_to_character


@pytest.fixture(scope="module")
def detect():
    detector = FaceMeshDetector(max_faces=2)
    yield detector
    detector.close()


def _eye_areas(face):
    areas = []
    for contour in (RIGHT_EYE, LEFT_EYE):
        x, y = face.points[list(contour)].T
        areas.append(0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
    return np.array(areas)


def test_face_mesh_finds_one_face_with_478_points_inside_the_photo(detect, hopper):
    faces = detect(hopper)
    assert len(faces) == 1
    points = faces[0].points
    assert points.shape == (478, 2)
    assert (points >= 0).all() and (points[:, 0] < 512).all() and (points[:, 1] < 512).all()
    right, _ = faces[0].eye_centre_and_width(RIGHT_EYE)
    left, _ = faces[0].eye_centre_and_width(LEFT_EYE)
    assert right[0] < left[0]  # the subject's right eye appears on the image's left


def test_no_face_on_a_blank_image(detect):
    assert detect(np.full((256, 256, 3), 128, np.uint8)) == []


def test_identity_geometry_is_an_exact_no_op(detect, hopper):
    warped = warp_face_to_character(hopper, detect(hopper), FaceGeometry())
    assert np.array_equal(warped, hopper)


def test_eye_scale_scales_each_eye_uniformly(detect, hopper):
    scale = 1.3
    face = detect(hopper)[0]
    map_x, map_y = character_warp_field(hopper.shape[:2], [face], FaceGeometry(eye_scale=scale))
    for contour in (RIGHT_EYE, LEFT_EYE):
        centre, _ = face.eye_centre_and_width(contour)
        for point in face.points[list(contour)]:
            x, y = np.round(centre + scale * (point - centre)).astype(int)
            # the output pixel at the scaled position samples the original landmark (within rounding)
            assert np.hypot(map_x[y, x] - point[0], map_y[y, x] - point[1]) < 1.0


def test_face_mesh_sees_larger_eyes_after_the_warp(detect, astronaut):
    scale = 1.3
    before = _eye_areas(detect(astronaut)[0])
    warped = warp_face_to_character(astronaut, detect(astronaut), FaceGeometry(eye_scale=scale))
    after = _eye_areas(detect(warped)[0])
    # the face mesh's shape prior under-reports enlarged eyes; it still sees them grow by about `scale`
    assert np.all(after / before > 0.9 * scale), after / before


def test_jaw_narrowing_pulls_the_jaw_in(detect, astronaut):
    face = detect(astronaut)[0]
    warped = warp_face_to_character(astronaut, [face], FaceGeometry(jaw_narrowing=0.2))
    jaw_width = lambda f: np.linalg.norm(f.points[172] - f.points[397])  # noqa: E731  jaw angles
    assert jaw_width(detect(warped)[0]) < 0.96 * jaw_width(face)


@pytest.mark.parametrize("scale", [0.8, 2.0])
def test_strongest_warp_never_folds(detect, hopper, scale):
    faces = detect(hopper)
    map_x, map_y = character_warp_field(hopper.shape[:2], faces, FaceGeometry(eye_scale=scale, jaw_narrowing=0.4))
    dxdy, dxdx = np.gradient(map_x)
    dydy, dydx = np.gradient(map_y)
    assert (dxdx * dydy - dxdy * dydx).min() > 0


def test_pixels_far_from_the_face_are_unchanged(detect, astronaut):
    faces = detect(astronaut)
    warped = warp_face_to_character(astronaut, faces, FaceGeometry(eye_scale=1.5, jaw_narrowing=0.3))
    x0, y0, x1, y1 = faces[0].box
    margin = max(x1 - x0, y1 - y0)
    ys, xs = np.mgrid[0:512, 0:512]
    far = (xs < x0 - margin) | (xs > x1 + margin) | (ys < y0 - margin) | (ys > y1 + margin)
    assert far.sum() > 10000
    assert np.array_equal(warped[far], astronaut[far])
    assert not np.array_equal(warped, astronaut)

import numpy as np
from celflow.core.character import FaceGeometry
from celflow.generators.face_mesh import Face
from celflow.generators.face_warp import character_warp
from celflow.realtime.face_warps import FaceWarps

GEOMETRY = FaceGeometry(eye_scale=1.3, jaw_narrowing=0.2, chin_length=0.1)
SHAPE = (512, 512)


def _moved(face: Face, angle_deg: float, scale: float, offset: tuple[float, float]) -> Face:
    """The same face turned, scaled and moved in the frame: the same expression."""
    turn = np.radians(angle_deg)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    centre = face.points.mean(0)
    return Face(((face.points - centre) @ rotation.T * scale + centre + offset).astype(np.float32))


def _sampling(warp):
    return np.stack([warp.map_x, warp.map_y]), (warp.x0, warp.y0)


def test_a_face_that_moves_turns_and_comes_closer_reuses_its_fit_and_warps_as_a_new_fit_would(hopper_face):
    warps = FaceWarps(GEOMETRY)
    warps(SHAPE, [hopper_face])
    moved = _moved(hopper_face, angle_deg=12, scale=1.1, offset=(9.0, -6.0))
    reused = warps(SHAPE, [moved])
    assert warps.fits == 1
    fresh = character_warp(SHAPE, [moved], GEOMETRY)
    (reused_maps, reused_at), (fresh_maps, fresh_at) = _sampling(reused), _sampling(fresh)
    assert reused_at == fresh_at
    assert np.abs(reused_maps - fresh_maps).max() < 0.05  # pixels: the spline commutes with a similarity


def test_a_changed_expression_is_fitted_again(hopper_face):
    warps = FaceWarps(GEOMETRY)
    warps(SHAPE, [hopper_face])
    points = hopper_face.points.copy()
    chin = points[:, 1] > np.percentile(points[:, 1], 80)  # the jaw drops: a mouth opening
    half_size = np.ptp(points, 0).max() / 2
    points[chin, 1] += 0.1 * half_size
    warps(SHAPE, [Face(points)])
    assert warps.fits == 2

"""Line art at run time: the teacher's eyes, strokes and outline drawn over the student's picture from a real face
mesh and person mask, each face in its own person's character, and nowhere else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from celflow.core.character import FaceGeometry
from celflow.core.line_art import LineArt, smallest_lined_face
from celflow.generators.cel_eyes import SCLERA_RGB
from celflow.generators.face_mesh import LEFT_EYE, LIPS_OUTER, FaceMeshDetector
from celflow.generators.person_mask import PersonSegmenter
from celflow.realtime.build import FrameByFrame, build_pipeline
from celflow.realtime.characters import CastMember
from celflow.realtime.despeckle import despeckle
from celflow.realtime.detect import FaceDetector
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.line_art import LineArtist
from celflow.realtime.modes import open_renderer
from celflow.realtime.records import Frame, Track
from celflow.realtime.strength import apply_strength

import celflow

from .conftest import tinted_student_onnx

# every face found gets lines, however small: these tests find and draw faces (the size rule has tests of its own)
EYES_AND_STROKES = LineArt(ink=(40, 25, 25), line_weight=1.6, line_darkness=0.9, draw_eyes=True, min_face_px=0)
STROKES_ONLY = LineArt(ink=(20, 20, 90), line_weight=1.6, line_darkness=0.9, draw_eyes=False, min_face_px=0)
OUTLINED = EYES_AND_STROKES.model_copy(update={"outline": True})
GREY = 128


@pytest.fixture(scope="module")
def lined(tmp_path_factory) -> dict[str, CastMember]:
    """'red' draws eyes and strokes, 'blue' strokes only, each in its own ink; 'outlined' also the outline."""
    red = tinted_student_onnx(tmp_path_factory.mktemp("red"), (0.6, -0.6, -0.6), EYES_AND_STROKES)
    blue = tinted_student_onnx(tmp_path_factory.mktemp("blue"), (-0.6, -0.6, 0.6), STROKES_ONLY)
    outlined = tinted_student_onnx(tmp_path_factory.mktemp("outlined"), (0.6, -0.6, -0.6), OUTLINED)
    return {name: CastMember(name, path) for name, path in (("red", red), ("blue", blue), ("outlined", outlined))}


def cleared(picture: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """The student's picture as the line art goes on it: specks cleared, then its texture flattened."""
    return flatten_tones(despeckle(picture, where), where)


def sclera_pixels(rgb: np.ndarray) -> int:
    """Pixels of the drawn eyes' paper white (the tinted students turn the photo's own whites pink or blue)."""
    return int((np.abs(rgb.astype(np.int16) - SCLERA_RGB.astype(np.int16)).max(-1) <= 6).sum())


def face_track(portrait: np.ndarray, character: str) -> Track:
    detector = FaceDetector()
    try:
        (found,) = detector(portrait)
    finally:
        detector.close()
    return Track(1, found.box, character)


def test_the_eyes_and_strokes_are_drawn_on_the_face_and_nowhere_else(lined, portrait):
    with_lines = celflow.load(lined["red"].model)
    without = celflow.load(lined["red"].model, line_art=False)
    try:
        drawn, plain = with_lines(portrait), cleared(without(portrait))
    finally:
        with_lines.close()
        without.close()
    changed = np.abs(drawn.astype(np.int16) - plain.astype(np.int16)).max(-1) > 0
    ys, xs = np.nonzero(changed)
    x0, y0, x1, y1 = face_track(portrait, "red").box
    height = y1 - y0
    assert changed.sum() > 500
    # inside the face and just below it (the jaw line runs under the chin), never across the rest of the frame
    assert xs.min() >= x0 - 0.2 * (x1 - x0) and xs.max() <= x1 + 0.2 * (x1 - x0)
    assert ys.min() >= y0 - 0.2 * height and ys.max() <= y1 + 0.4 * height
    assert sclera_pixels(plain) < 5 < 50 < sclera_pixels(drawn)
    # the strokes are in the student's ink: dark pixels appear that the red-tinted student never paints
    ink_close = np.abs(drawn.astype(np.int16) - np.array(EYES_AND_STROKES.ink)).max(-1) <= 25
    assert ink_close[changed].sum() > 100


def test_the_outline_runs_along_the_person_and_nowhere_else(lined, portrait):
    with_lines = celflow.load(lined["outlined"].model)
    without = celflow.load(lined["outlined"].model, line_art=False)
    segment = PersonSegmenter()
    try:
        drawn, plain, person = with_lines(portrait), cleared(without(portrait)), segment(portrait) >= 0.5
    finally:
        with_lines.close()
        without.close()
        segment.close()
    changed = np.abs(drawn.astype(np.int16) - plain.astype(np.int16)).max(-1) > 0
    x0, y0, x1, y1 = face_track(portrait, "outlined").box
    off_face = changed.copy()
    off_face[int(y0) : int(y1 + 0.4 * (y1 - y0)), int(x0) : int(x1)] = False  # the face's own lines
    edge = cv2.morphologyEx(person.astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((9, 9), np.uint8)) > 0
    assert off_face.sum() > 300  # the outline around hair, shoulders and arms
    assert (off_face & ~edge).sum() <= 0.02 * off_face.sum()  # and only along the person's edge


def test_person_only_draws_no_lines_on_people_it_leaves_as_they_are(lined, portrait):
    renderer = open_renderer([lined["outlined"]], "person-only", video=False)

    assert np.array_equal(renderer(portrait, ()), portrait)  # nobody tracked, nobody stylized, nothing drawn


def test_each_face_is_drawn_in_its_own_person_s_character(lined, portrait):
    renderer = open_renderer([lined["red"], lined["blue"]], "per-person", video=False)

    in_red = renderer(portrait, [face_track(portrait, "red")])
    in_blue = renderer(portrait, [face_track(portrait, "blue")])

    assert sclera_pixels(in_red) > 50  # red's teacher drew eyes
    assert sclera_pixels(in_blue) < 5  # blue's did not: its strokes only, in its own ink
    blue_ink = np.abs(in_blue.astype(np.int16) - np.array(STROKES_ONLY.ink)).max(-1) <= 25
    assert blue_ink.sum() > 100


def _drawn_on_grey(portrait: np.ndarray, lines: LineArt, **geometry: float) -> np.ndarray:
    """The portrait's line art in `lines` (in a face `geometry`), drawn by the run time over a flat grey picture."""
    art = LineArtist({"them": lines.model_copy(update={"geometry": FaceGeometry(**geometry)})}, video=False)
    try:
        faces = art.faces(portrait)
        return art(portrait, np.full_like(portrait, GREY), lambda face: "them", outline=None, where=None, faces=faces)
    finally:
        art.close()


def test_the_lines_follow_the_character_s_face_geometry(portrait):
    areas = {
        eye_scale: sclera_pixels(_drawn_on_grey(portrait, EYES_AND_STROKES, eye_scale=eye_scale))
        for eye_scale in (1.0, 1.4)
    }

    assert areas[1.4] > 1.5 * areas[1.0] > 0  # eyes 1.4× as wide and tall: about twice the white


def _eye_width(rgb: np.ndarray) -> float:
    """The face mesh's width of the left eye, in pixels."""
    mesh = FaceMeshDetector(max_faces=1)
    try:
        (face,) = mesh(rgb)
    finally:
        mesh.close()
    return face.eye_centre_and_width(LEFT_EYE)[1]


def test_a_student_that_learnt_aligned_drawings_has_its_faces_warped_at_run_time(portrait):
    """The network cannot move a jaw or widen an eye: it learns the drawing aligned with the photo, and the run time
    warps the whole picture around each face to the character's proportions, as the teacher does last."""
    geometry = FaceGeometry(eye_scale=1.3)
    drawn = {}
    for warped in (False, True):
        lines = STROKES_ONLY.model_copy(update={"geometry": geometry, "warp_at_run_time": warped})
        art = LineArtist({"them": lines}, video=False)
        try:
            faces = art.faces(portrait)
            drawn[warped] = art(portrait, portrait.copy(), lambda face: "them", outline=None, where=None, faces=faces)
        finally:
            art.close()

    assert _eye_width(drawn[False]) < 1.05 * _eye_width(portrait)  # only the lines moved
    assert _eye_width(drawn[True]) > 1.1 * _eye_width(portrait)  # the picture's own eyes grew with them
    corner = np.s_[:40, :40]  # far from the face nothing moves
    assert np.array_equal(drawn[True][corner], drawn[False][corner])


def test_a_face_narrower_than_the_teacher_lines_keeps_its_own_look(portrait):
    """The teacher draws no line art on a face narrower than its pack's `min_face_px` and leaves it unwarped (too
    small for either to read), so the student learnt such faces without them: the run time leaves them so too,
    and keeps their mouth in the person's own colours, as the teacher keeps it."""
    lines = EYES_AND_STROKES.model_copy(update={"geometry": FaceGeometry(eye_scale=1.3), "warp_at_run_time": True})
    drawn, warps = {}, {}
    for smallest in (48, 1000):  # the portrait's face is about 200 px wide
        art = LineArtist({"them": lines.model_copy(update={"min_face_px": smallest})}, video=False)
        try:
            faces = art.faces(portrait)
            canvas = np.full_like(portrait, GREY)
            drawn[smallest] = art(portrait, canvas, lambda face: "them", outline=None, where=None, faces=faces)
            warps[smallest] = len(art.warps)
        finally:
            art.close()

    assert sclera_pixels(drawn[48]) > 50 and warps[48] == 1
    assert sclera_pixels(drawn[1000]) < 5 and warps[1000] == 0
    (face,) = faces
    lips = np.zeros(portrait.shape[:2], np.uint8)
    cv2.fillConvexPoly(lips, cv2.convexHull(np.round(face.points[list(LIPS_OUTER)]).astype(np.int32)), 1)
    beyond_lips = cv2.dilate(lips, np.ones((15, 15), np.uint8)) == 0
    changed = np.abs(drawn[1000].astype(np.int16) - GREY).max(-1) > 8  # (the mouth's feathered edge: a level or two)
    assert changed[beyond_lips].sum() == 0  # no eyes, no strokes, no warp: the grey canvas as it was
    assert changed[lips > 0].sum() > 0.5 * lips.sum()  # but the mouth is the person's own


def test_a_face_is_too_small_for_lines_by_its_share_of_the_picture_not_the_size_it_is_drawn_at(portrait):
    """`min_face_px` is at 512 px, as the line weight: a live loop that draws its frames smaller to keep up with the
    camera takes no face's lines off (the portrait's face is about 200 px wide at 512 px)."""
    half = np.ascontiguousarray(cv2.resize(portrait, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    for picture in (portrait, half):
        inked = {}
        for smallest in (150, 1000):
            art = LineArtist({"them": EYES_AND_STROKES.model_copy(update={"min_face_px": smallest})}, video=False)
            try:
                faces = art.faces(picture)
                canvas = np.full_like(picture, GREY)
                drawn = art(picture, canvas, lambda face: "them", outline=None, where=None, faces=faces)
            finally:
                art.close()
            inked[smallest] = (np.abs(drawn.astype(np.int16) - GREY).max(-1) > 20).sum()
        assert inked[150] > inked[1000] + 0.002 * picture[..., 0].size  # eyes and strokes beyond the own mouth


def test_a_still_lines_a_face_as_wide_as_min_face_px_in_its_own_pixels(portrait):
    """A still is drawn once, at its own size: a face of a large photo that reaches `min_face_px` there gets its
    eyes and strokes, however small its share of the photo (the portrait's face is about 200 px wide at 512 px,
    about 400 px here, where `min_face_px` 300 scales by the share alone to 600). A video keeps the share alone."""
    large = np.ascontiguousarray(cv2.resize(portrait, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    art = LineArtist({"them": EYES_AND_STROKES.model_copy(update={"min_face_px": 300})}, video=False)
    try:
        faces = art.faces(large)
        drawn = art(large, np.full_like(large, GREY), lambda face: "them", outline=None, where=None, faces=faces)
    finally:
        art.close()

    (face,) = faces
    assert 300 <= face.width < smallest_lined_face(300, large.shape)  # too small for lines by the share alone
    assert sclera_pixels(drawn) > 200  # but a still draws its eyes
    assert smallest_lined_face(300, large.shape, still=True) == 300
    assert smallest_lined_face(300, portrait.shape, still=True) == smallest_lined_face(300, portrait.shape) == 300
    half = (portrait.shape[0] // 2, portrait.shape[1] // 2)
    assert smallest_lined_face(300, half, still=True) == smallest_lined_face(300, half) == 150  # never stricter


def test_under_full_strength_the_photo_is_mixed_in_the_character_s_proportions(tmp_path, portrait):
    """Mixed with the photo as shot, a warped picture shows two pairs of eyes and two jaws: the photo takes the same
    warp first, so the mix shows the faces once."""
    lines = STROKES_ONLY.model_copy(update={"geometry": FaceGeometry(eye_scale=1.3), "warp_at_run_time": True})
    stylizer = celflow.load(tinted_student_onnx(tmp_path, (0.3, 0.0, -0.3), lines), strength=0.5)
    try:
        half = stylizer(portrait)
        picture, in_proportion = stylizer.draw(portrait), stylizer.renderer.in_proportion(portrait)
    finally:
        stylizer.close()

    assert _eye_width(in_proportion) > 1.1 * _eye_width(portrait)  # the photo's own eyes, grown as in the picture
    assert np.array_equal(in_proportion[:40, :40], portrait[:40, :40])  # and nothing moved far from the face
    assert np.array_equal(half, apply_strength(in_proportion, picture, 0.5))


def _specked(shape) -> np.ndarray:
    """A flat grey canvas, left half darker, with black and white single-pixel specks all over."""
    canvas = np.full((*shape, 3), 150, np.uint8)
    canvas[:, : shape[1] // 2] = 70
    canvas[3::9, 3::9] = 0
    canvas[7::9, 5::9] = 255
    return canvas


def test_specks_the_network_left_are_cleared_before_the_lines_go_on(portrait):
    """A small network copies the photo's pixel noise that the teacher smoothed away: gone, edges where they were
    (the flattening beside a strong edge leaves a faint ramp a few pixels wide, the step itself stays)."""
    canvas = _specked(portrait.shape[:2])
    art = LineArtist({"red": EYES_AND_STROKES}, video=False)
    try:
        faces = art.faces(portrait)
        drawn = art(portrait, canvas, lambda face: None, outline=None, where=None, faces=faces)  # only the canvas
    finally:
        art.close()

    middle = portrait.shape[1] // 2
    clean = np.where(np.arange(portrait.shape[1])[None, :, None] < middle, 70, 150).astype(np.uint8)
    away = np.abs(np.arange(portrait.shape[1]) - middle) > 10
    assert np.array_equal(drawn[:, away], np.broadcast_to(clean, drawn.shape)[:, away])
    assert (drawn[:, middle].astype(int) - drawn[:, middle - 1] >= 0.8 * (150 - 70)).all()
    assert np.abs(drawn.astype(int) - clean).max() <= 10


def test_specks_outside_the_stylized_area_stay_as_they_are(portrait):
    canvas = _specked(portrait.shape[:2])
    where = np.zeros(portrait.shape[:2], bool)
    where[:, portrait.shape[1] // 2 :] = True
    art = LineArtist({"red": EYES_AND_STROKES}, video=False)
    try:
        drawn = art(portrait, canvas.copy(), lambda face: None, outline=None, where=where, faces=art.faces(portrait))
    finally:
        art.close()

    middle = portrait.shape[1] // 2
    assert np.array_equal(drawn[:, :middle], canvas[:, :middle])
    assert (drawn[:, middle + 10 :] == 150).all()  # beside the edge to the darker half, a faint ramp (test above)
    assert (np.abs(drawn[:, middle:].astype(int) - 150) <= 10).all()


def _own_mouth_pixels(drawn: np.ndarray) -> np.ndarray:
    """Pixels neither the grey picture nor ink: where the person's own colours were put back."""
    off_canvas = np.abs(drawn.astype(np.int16) - GREY).max(-1) > 20
    ink = np.abs(drawn.astype(np.int16) - np.array(STROKES_ONLY.ink)).max(-1) <= 60
    return off_canvas & ~ink


def test_the_mouth_is_drawn_in_the_person_s_own_colours(portrait):
    """A small network paints an open mouth it rarely saw as one grey lozenge; the teacher keeps lips and teeth
    as the photo, smoothed. The run time puts the photo's own mouth back where the canvas is grey."""
    drawn = _drawn_on_grey(portrait, STROKES_ONLY)
    mesh = FaceMeshDetector(max_faces=1)
    try:
        (face,) = mesh(portrait)
    finally:
        mesh.close()
    lips = np.zeros(portrait.shape[:2], np.uint8)
    cv2.fillConvexPoly(lips, cv2.convexHull(np.round(face.points[list(LIPS_OUTER)]).astype(np.int32)), 1)
    inside = cv2.erode(lips, np.ones((5, 5), np.uint8)).astype(bool) & _own_mouth_pixels(drawn)
    assert inside.sum() > 0.5 * lips.sum()  # most of the mouth is no longer the network's grey
    assert np.abs(drawn[inside].astype(np.int16) - portrait[inside]).mean() < 20  # but the photo's own colours
    assert np.abs(GREY - portrait[inside].astype(np.int16)).mean() > 40  # (which grey is not)
    far = cv2.dilate(lips, np.ones((31, 31), np.uint8)) == 0
    like_photo = (np.abs(drawn.astype(np.int16) - portrait).max(-1) < 12) & _own_mouth_pixels(drawn)
    assert like_photo[far].sum() < 0.02 * lips.sum()  # and nothing of the photo elsewhere


def test_the_mouth_follows_the_character_s_geometry(portrait):
    areas = {
        mouth_scale: _own_mouth_pixels(_drawn_on_grey(portrait, STROKES_ONLY, mouth_scale=mouth_scale)).sum()
        for mouth_scale in (1.0, 1.4)
    }

    assert areas[1.4] > 1.5 * areas[1.0] > 0  # lips 1.4× as wide and tall: about twice the area


def _faces_drawn(boxes, drawn: np.ndarray) -> int:
    """How many face boxes got line art on the grey picture (their strokes, eyes and mouth)."""
    inked = np.abs(drawn.astype(np.int16) - GREY).max(-1) > 20
    return sum(inked[round(y0) : round(y1), round(x0) : round(x1)].sum() > 200 for x0, y0, x1, y1 in boxes)


def test_every_tracked_face_of_a_group_gets_its_line_art(group_frame):
    """The face mesh's own detector misses faces small in a webcam frame; the tracked boxes find them again."""
    frame, boxes = group_frame
    art = LineArtist({"them": EYES_AND_STROKES}, video=True)
    try:
        missed = len(art.faces(frame))
        tracked = dict(enumerate(boxes, start=1))
        faces = art.faces(frame, tracked)
        drawn = art(frame, np.full_like(frame, GREY), lambda face: "them", outline=None, where=None, faces=faces)
    finally:
        art.close()

    assert len(boxes) == 3 and missed < 3  # the scene shows what it guards: the mesh alone misses some
    assert _faces_drawn(boxes, drawn) == 3


def test_every_face_of_a_group_photo_gets_its_line_art_as_the_teacher_finds_them(group_frame):
    frame, boxes = group_frame
    drawn = _drawn_on_grey(frame, EYES_AND_STROKES)
    assert _faces_drawn(boxes, drawn) == 3


def test_a_converted_group_video_gets_line_art_on_every_face(lined, group_frame):
    """`celflow convert` in full-frame mode tracks no one for itself: the line art still needs the tracked faces."""
    frame, boxes = group_frame
    cast = [lined["red"]]
    with_lines = FrameByFrame(build_pipeline(cast, "full-frame", track=False, line_art=True), 30.0)
    without = FrameByFrame(build_pipeline(cast, "full-frame", track=False, line_art=False), 30.0)
    for _ in range(4):  # a person gets their number on the third sighting in a row
        drawn, plain = with_lines(frame), without(frame)
    changed = np.abs(drawn.astype(np.int16) - plain.astype(np.int16)).max(-1) > 20
    assert sum(changed[round(y0) : round(y1), round(x0) : round(x1)].sum() > 200 for x0, y0, x1, y1 in boxes) == 3


@pytest.mark.parametrize("mode", ["full-frame", "person-only"])  # faces found with the line art / the painting
def test_a_video_overlapped_on_two_threads_gets_the_line_art_and_warp_it_gets_frame_by_frame(mode, portrait, tmp_path):
    """The next frame tracked and painted while this one gets its eyes, strokes, outline and face warp: every
    frame comes out as the pipeline draws it one frame at a time."""
    lines = OUTLINED.model_copy(update={"geometry": FaceGeometry(eye_scale=1.2), "warp_at_run_time": True})
    cast = [CastMember("warped", tinted_student_onnx(tmp_path, (0.3, 0.0, -0.3), lines))]
    frames = [Frame(i, i / 30, np.ascontiguousarray(np.roll(portrait, 3 * i, axis=1)), 0.0) for i in range(8)]

    pipeline = build_pipeline(cast, mode, frame_rate=30)
    one_by_one = [pipeline(frame).rgb for frame in frames]
    overlapped = [result.rgb for result in build_pipeline(cast, mode, frame_rate=30).stream(frames)]

    assert sclera_pixels(one_by_one[-1]) > 50  # the eyes were drawn
    assert all(np.array_equal(a, b) for a, b in zip(overlapped, one_by_one))


class CountingSegmenter:
    """A person segmenter counting its calls before passing them on."""

    def __init__(self, segmenter) -> None:
        self.segmenter, self.calls = segmenter, 0

    def __call__(self, *args):
        self.calls += 1
        return self.segmenter(*args)

    def close(self) -> None:
        self.segmenter.close()


def test_person_only_outlines_people_along_the_mask_they_were_pasted_through(lined, group_frame):
    frame, boxes = group_frame
    renderer = open_renderer([lined["outlined"]], "person-only", video=True)
    tracks = [Track(number, box, "outlined") for number, box in enumerate(boxes, start=1)]
    try:
        segment = renderer.line_art._segment = CountingSegmenter(renderer.line_art._segment)
        canvas, people = renderer.paint(frame, tracks, "outlined")
        faces = renderer.faces(frame, tracks)
        drawn = renderer.finish(frame, canvas, tracks, "outlined", faces, people)
        plain = cleared(canvas, renderer._stylized_area(frame, tracks))
    finally:
        renderer.line_art.close()

    assert segment.calls == 0  # the frame is not segmented again for the outline
    changed = np.abs(drawn.astype(np.int16) - plain.astype(np.int16)).max(-1) > 0
    for x0, y0, x1, y1 in boxes:  # the faces' own lines
        changed[int(y0) : int(y1 + 0.4 * (y1 - y0)), int(x0) : int(x1)] = False
    edge = cv2.morphologyEx((people >= 0.5).astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((9, 9), np.uint8)) > 0
    assert changed.sum() > 300  # the outline around the pasted people
    assert (changed & ~edge).sum() <= 0.02 * changed.sum()  # and only along their edge


def test_no_outline_is_drawn_around_a_person_shaped_patch_without_a_face(portrait):
    """The segmenter also marks person-shaped patches of a street seen from afar; only people whose face is found
    get an outline (here: the same portrait, its face not given)."""
    art = LineArtist({"them": OUTLINED}, video=False)
    canvas = np.full_like(portrait, GREY)
    try:
        faces = art.faces(portrait)
        with_face = art(portrait, canvas.copy(), lambda face: None, outline="them", where=None, faces=faces)
        without = art(portrait, canvas.copy(), lambda face: None, outline="them", where=None, faces=[])
    finally:
        art.close()

    assert (np.abs(with_face.astype(np.int16) - GREY).max(-1) > 0).sum() > 300  # the person with a face: outlined
    assert np.array_equal(without, canvas)

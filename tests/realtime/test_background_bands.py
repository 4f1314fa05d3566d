"""The background's flat bands and lines drawn again at run time from the frame: the teacher's band levels and
lines behind the people, the network's colours kept, the people as the network drew them; on real photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from celflow.core.character import BackgroundStyle, load_character
from celflow.core.line_art import BackgroundLines, LineArt, parse_line_art
from celflow.generators.background import draw_background
from celflow.generators.line_art import line_art_of
from celflow.generators.palette import hex_to_rgb
from celflow.generators.pair import PairMaker
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.tone_bands import lifted
from celflow.realtime.background_bands import draw_background_bands
from celflow.realtime.build import build_pipeline
from celflow.realtime.characters import find_character
from celflow.realtime.records import Frame
from celflow.realtime.still import open_photo_stylizer
from celflow.student.metrics import ssim

from tests.generators.test_tone_bands import CURTAIN, plain_wall, suit_before_curtain, wall_lightness

MODES = ("full-frame", "person-only")
DEFAULT_BACKGROUND = line_art_of(load_character("default")).background


def fitted(rgb: np.ndarray, side: int = 384) -> np.ndarray:
    scale = side / max(rgb.shape[:2])
    return np.ascontiguousarray(cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)


def near_their_commonest(lightness: np.ndarray, levels: int) -> float:
    """Share of `lightness` values within 3 of its `levels` commonest values: how flat its bands are."""
    counts = np.bincount(np.round(lightness).astype(int).ravel(), minlength=256)
    commonest = np.argsort(counts)[-levels:]
    return float((np.abs(lightness.ravel()[:, None] - commonest[None]).min(1) <= 3).mean())


def test_the_default_pack_s_background_is_carried_by_its_students():
    pack = load_character("default").background
    assert DEFAULT_BACKGROUND == BackgroundLines(
        tones=2,
        ink=(59, 42, 42),
        line_weight=1.0,
        line_darkness=0.6,
        scene_tones=True,
        palette=tuple(tuple(int(c) for c in colour) for colour in hex_to_rgb(pack.palette)),
        palette_strength=pack.palette_strength,
        saturation=pack.saturation,
    )
    # a pack keeping the real background has none; a pack without a background style bands it in its own, at
    # the person's fixed cuts, in the person's palette
    kept = load_character("default")
    kept = kept.model_copy(update={"background": BackgroundStyle(palette=["#000000", "#ffffff"], keep_photo=True)})
    assert line_art_of(kept).background is None
    whole = load_character("default").model_copy(update={"background": None})
    assert line_art_of(whole).background.tones == whole.teacher.shading_tones
    assert not line_art_of(whole).background.scene_tones
    assert len(line_art_of(whole).background.palette) == len(whole.teacher.palette)
    # students saved before the field: their background stays as the network paints it
    old = LineArt(ink=(1, 2, 3), line_weight=1.0, line_darkness=0.5).model_dump_json(exclude={"background"})
    assert parse_line_art(old, "old record").background is None
    # and saved before the palette and the scene's cuts: fixed cuts, the network's colours
    lines = LineArt(ink=(1, 2, 3), line_weight=1.0, line_darkness=0.5, background=DEFAULT_BACKGROUND)
    old = lines.model_dump_json(exclude={"background": {"scene_tones", "palette", "palette_strength", "saturation"}})
    background = parse_line_art(old, "old record").background
    assert background.palette is None and not background.scene_tones


@pytest.fixture(scope="module", params=["obama", "hopper"])
def photo(request) -> np.ndarray:
    return fitted(request.getfixturevalue(request.param))


def test_behind_the_person_the_lightness_takes_the_bands_and_the_colours_the_teacher_s(photo):
    picture = cv2.GaussianBlur(photo, (0, 0), 3)  # a network's soft picture of the photo
    picture[..., 0] = picture[..., 0] // 2  # in colours of its own
    person = np.zeros(photo.shape[:2], np.float32)
    person[:, : photo.shape[1] // 2] = 1.0
    drawn = draw_background_bands(picture, photo, person, DEFAULT_BACKGROUND)
    network_colours = DEFAULT_BACKGROUND.model_copy(update={"palette": None})  # a record without the palette
    kept = draw_background_bands(picture, photo, person, network_colours)

    behind = person == 0
    # flat bands, but for their narrow edges and the lines; the blurred picture's lightness took every value
    flatness = (near_their_commonest(lightness(x)[behind], DEFAULT_BACKGROUND.tones) for x in (drawn, picture))
    assert next(flatness) > 0.7 > next(flatness)
    # the colours (Lab a, b) are the teacher's, pulled to the palette from the frame, not the network's; a record
    # without the palette keeps the network's (rounding in the conversion)
    teacher = draw_background(photo, load_character("default").background)
    pictures = {"picture": picture, "drawn": drawn, "kept": kept, "teacher": teacher}
    chroma = {name: cv2.cvtColor(x, cv2.COLOR_RGB2LAB)[..., 1:][behind].astype(int) for name, x in pictures.items()}
    off_teacher = {name: np.median(np.abs(chroma[name] - chroma["teacher"])) for name in ("drawn", "picture")}
    assert off_teacher["drawn"] <= 3 < off_teacher["picture"]
    unlined = np.abs(kept.astype(np.int16) - picture.astype(np.int16)).max(-1)[behind] < 200
    assert np.median(np.abs(chroma["kept"] - chroma["picture"])[unlined]) <= 2
    # and the person is exactly as the network drew them
    assert np.array_equal(drawn[person == 1], picture[person == 1])


def test_lines_are_drawn_along_the_background_s_strong_edges():
    photo = np.full((384, 384, 3), 200, np.uint8)
    photo[:, 250:] = 90  # a darker door beside a light wall
    person = np.zeros(photo.shape[:2], np.float32)
    drawn = draw_background_bands(photo, photo, person, DEFAULT_BACKGROUND)
    unlined = draw_background_bands(photo, photo, person, DEFAULT_BACKGROUND.model_copy(update={"line_darkness": 0}))
    inked = np.abs(drawn.astype(np.int16) - unlined.astype(np.int16)).max(-1) > 20
    columns = np.flatnonzero(inked[150:230].all(0))  # a line down the whole height, not specks
    assert columns.size and np.abs(columns - 250).max() <= 3


def test_the_shipped_student_s_background_is_drawn_closer_to_its_teacher(obama, hopper):
    """The network alone paints the background as a soft ramp between the teacher's bands; the run time's bands
    and lines bring it nearer the teacher's picture behind the person, and leave the person as it was."""
    maker, banded = PairMaker(load_character("default")), open_photo_stylizer("default")
    soft = open_photo_stylizer("default")
    soft.renderer.line_art.backgrounds_drawn = False
    try:
        for photo in (fitted(obama), fitted(hopper)):
            pair = maker(photo)[0]
            behind = pair.person_mask < 16
            with_bands, without = banded(pair.photo), soft(pair.photo)

            def closeness(picture: np.ndarray) -> float:
                return ssim(np.where(behind[..., None], picture, 0), np.where(behind[..., None], pair.target, 0))

            assert closeness(with_bands) > closeness(without) + 0.02
            inside = pair.person_mask > 240
            assert np.abs(with_bands[inside].astype(int) - without[inside].astype(int)).mean() < 2
    finally:
        maker.close()
        banded.close()
        soft.close()


def test_a_plain_wall_behind_the_person_is_one_tone_as_the_teacher_draws_it():
    """Cut where the frame's lightness has a gap, not at a fixed level the wall's own light falls across."""
    style = load_character("default").background
    for top, bottom in ((140, 112), (118, 150)):
        photo = plain_wall(top, bottom)
        person = np.zeros(photo.shape[:2], np.float32)
        drawn = wall_lightness(draw_background_bands(photo, photo, person, DEFAULT_BACKGROUND))
        teacher = wall_lightness(draw_background(photo, style))
        assert np.percentile(drawn, 95) - np.percentile(drawn, 5) <= 12
        assert abs(np.median(drawn) - np.median(teacher)) <= 6


def test_the_people_in_front_do_not_set_the_tones_behind_them():
    """As the teacher reads them (generators/tone_bands.py): a black suit counted with a mid-blue curtain put the
    curtain's tone at the suit's lightness."""
    photo, person = suit_before_curtain()
    drawn = lightness(draw_background_bands(photo, photo, person, DEFAULT_BACKGROUND))[CURTAIN].mean()
    teacher = lightness(draw_background(photo, load_character("default").background, person))[CURTAIN].mean()
    assert abs(drawn - teacher) <= 3 and abs(drawn - lightness(photo)[CURTAIN].mean()) <= 30


def test_a_still_reads_its_background_s_tones_outside_its_people(obama):
    """The photo's backdrop made a mid-blue curtain and a light wall; the man's dark suit covers more of the frame
    than the curtain: drawn as a still, the curtain keeps its own lightness, not one between it and the suit's."""
    photo = fitted(obama, 480)
    segmenter = PersonSegmenter()
    try:
        person = segmenter(photo) > 0.5
    finally:
        segmenter.close()
    backdrop = np.full_like(photo, (212, 206, 196))
    backdrop[:, : photo.shape[1] // 4] = (60, 100, 170)
    staged = np.where(person[..., None], photo, backdrop)
    curtain = np.zeros(person.shape, bool)
    curtain[20:-20, 10 : photo.shape[1] // 4 - 10] = True
    curtain &= ~cv2.dilate(person.astype(np.uint8), np.ones((25, 25), np.uint8)).astype(bool)
    stylizer = open_photo_stylizer("default")
    try:
        drawn = stylizer(staged)
    finally:
        stylizer.close()
    seen = lightness(staged)[curtain].mean()  # a tone is drawn at its pixels' median, lifted a little
    assert abs(lightness(drawn)[curtain].mean() - lifted(np.array([seen]))[0]) <= 8, seen


def test_a_video_finds_the_background_with_the_painting_and_draws_it_the_same(obama):
    """In full-frame mode a video's first stage (the network alone) finds the bands and lines while the second
    draws the frame before, reading the bands outside the frame before's people: the frame comes out as if the
    second stage had found them itself."""
    frame = Frame(0, 0.0, fitted(obama, 480), 0.0)
    shipped = [find_character("default")]
    full, people_only = (build_pipeline(shipped, mode, track=mode != "full-frame") for mode in MODES)
    first = full.paint(frame)
    assert first.behind is None  # no frame before: the second stage segments the frame, then draws behind them
    full.finish(first)
    following = Frame(1, 1 / 30, frame.rgb, 0.0)  # the next frame of the video, the same picture
    painted = full.paint(following)
    assert painted.behind is not None and people_only.paint(following).behind is None  # the real photo behind them
    faces = full.renderer.faces(painted.drawn_photo, ())
    found_first, found_here = (
        full.renderer.finish(painted.drawn_photo, painted.canvas, (), painted.background, faces, None, behind)
        for behind in (painted.behind, None)
    )
    assert np.array_equal(found_first, found_here)


def test_the_teacher_bands_the_background_as_shot_as_the_run_time_does(obama):
    """The teacher lifts a dim photo before drawing the person; the run time sees only the frame as shot, so the
    background's tones, cut and drawn at the scene's own lightness, come from the photo as shot on both sides."""
    dim = np.round(((fitted(obama).astype(np.float32) / 255) ** 2.2 * 0.5) ** (1 / 2.2) * 255).astype(np.uint8)
    character = load_character("default")  # the skin check would drop a pair whose face the lift made lighter
    character = character.model_copy(update={"quality": character.quality.model_copy(update={"max_skin_change": 360})})
    maker = PairMaker(character)
    try:
        pair = maker(dim)[0]
    finally:
        maker.close()
    behind = pair.person_mask < 16
    person = pair.person_mask.astype(np.float32) / 255
    at_run_time = draw_background_bands(pair.photo, pair.photo, person, DEFAULT_BACKGROUND)
    assert np.median(np.abs(lightness(pair.drawing) - lightness(at_run_time))[behind]) <= 4

import numpy as np
import pytest
from skimage.color import rgb2lab

from celflow.generators.light_correction import MAX_SKIN_REDNESS_SHIFT, MAX_SKIN_SHIFT, correct_light


def _with_light(rgb, gains):
    linear = (rgb.astype(np.float32) / 255) ** 2.2
    return np.round(np.clip(linear * np.float32(gains), 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


def _no_skin(rgb):
    return np.zeros(rgb.shape[:2], np.float32)


@pytest.mark.parametrize("photo", ["hopper", "astronaut", "obama"])
def test_a_normally_lit_photo_is_left_almost_as_it_is(photo, request):
    rgb = request.getfixturevalue(photo)
    corrected = correct_light(rgb, _no_skin(rgb))
    assert np.abs(rgb2lab(corrected) - rgb2lab(rgb)).mean() < 3.0


@pytest.mark.parametrize("gains", [(1.25, 1.0, 0.8), (0.8, 1.0, 1.25)], ids=["warm", "cool"])
@pytest.mark.parametrize("photo", ["astronaut", "obama"])
def test_a_strong_colour_cast_is_reduced(photo, gains, request):
    rgb = request.getfixturevalue(photo)
    cast = _with_light(rgb, gains)
    before = np.abs(rgb2lab(cast)[..., 1:] - rgb2lab(rgb)[..., 1:]).mean()
    after = np.abs(rgb2lab(correct_light(cast, _no_skin(cast)))[..., 1:] - rgb2lab(rgb)[..., 1:]).mean()
    assert after < 0.8 * before


def test_a_dim_photo_is_lifted(obama):
    dim = _with_light(obama, (0.5, 0.5, 0.5))
    lifted = correct_light(dim, _no_skin(dim))
    assert rgb2lab(lifted)[..., 0].mean() > rgb2lab(dim)[..., 0].mean() + 8


def test_warm_skin_filling_the_frame_is_not_taken_for_a_warm_light(obama):
    """The light is read off the non-skin pixels: a skin mask covering the warm pixels leaves them alone."""
    warm = np.full((200, 200, 3), (150, 95, 70), np.uint8)
    warm[:, :40] = 200  # a white wall beside the face
    skin = np.zeros((200, 200), np.float32)
    skin[:, 40:] = 1
    assert np.array_equal(correct_light(warm, skin), warm)


def _ita(rgb):
    lightness, _, b = rgb2lab(rgb.reshape(-1, 3).mean(0).reshape(1, 1, 3) / 255).reshape(3)
    return np.degrees(np.arctan2(lightness - 50, b))


def test_a_coloured_backdrop_taken_for_a_cast_moves_the_skin_only_so_far():
    """A muted blue studio backdrop fills most of the frame: read as a blue light, removing it would paint a
    light-skinned face tan. The correction stops where the skin has moved MAX_SKIN_SHIFT ITA°."""
    photo = np.full((200, 200, 3), (185, 195, 215), np.uint8)  # pale enough to pass for a grey wall
    photo[60:140, 70:130] = (222, 180, 165)  # light skin
    photo[:20, :20] = (255, 200, 0)  # a bright yellow prop: the photo is not dim
    skin = np.zeros((200, 200), np.float32)
    skin[60:140, 70:130] = 1
    corrected = correct_light(photo, skin)
    assert not np.array_equal(corrected, photo)  # the backdrop was read as a cast and partly removed
    face = np.s_[60:140, 70:130]
    assert abs(_ita(corrected[face]) - _ita(photo[face])) <= MAX_SKIN_SHIFT + 0.5


def test_a_magenta_light_read_as_a_cast_moves_the_skins_redness_only_so_far():
    """A party's magenta light on grey surroundings: removing it in full leaves the skin's ITA° almost where it
    was (ITA° reads lightness and yellowness) but drains its red, and a lit arm comes out blue-white. The
    correction stops where the skin's a* has moved MAX_SKIN_REDNESS_SHIFT."""
    photo = np.full((200, 200, 3), (200, 175, 195), np.uint8)  # a grey wall under magenta light
    photo[60:140, 70:130] = (235, 170, 165)  # pink-lit skin
    photo[:20, :20] = (255, 255, 255)  # a lamp: the photo is not dim
    skin = np.zeros((200, 200), np.float32)
    skin[60:140, 70:130] = 1
    corrected = correct_light(photo, skin)
    assert not np.array_equal(corrected, photo)  # the light was read as a cast and partly removed
    face = np.s_[60:140, 70:130]
    redness = [rgb2lab(x[face].reshape(-1, 3).mean(0).reshape(1, 1, 3) / 255).reshape(3)[1] for x in (photo, corrected)]
    assert abs(redness[1] - redness[0]) <= MAX_SKIN_REDNESS_SHIFT + 0.5


def test_a_beige_wall_is_not_taken_for_a_warm_light():
    """A pale beige wall fills most of the frame beside a grey floor: only the floor is grey, so there is no cast
    to remove (a looser test of "near grey" took the wall for a grey lit warm, and turned it and the skin cooler)."""
    photo = np.full((200, 200, 3), (215, 195, 170), np.uint8)
    photo[150:] = 128  # a grey floor
    photo[40:130, 70:130] = (160, 110, 85)  # skin
    photo[:15, :15] = 255  # something white: the photo is not dim
    skin = np.zeros((200, 200), np.float32)
    skin[40:130, 70:130] = 1
    assert np.array_equal(correct_light(photo, skin), photo)


@pytest.fixture(scope="module")
def obama_in_a_dark_room(obama):
    """President Obama's face as shot, the room around him two stops darker: a lit face in a club or on a stage."""
    from celflow.generators.face_finder import FaceFinder
    from celflow.generators.person_mask import PersonSegmenter
    from celflow.generators.skin import skin_mask

    finder, segment = FaceFinder(max_faces=1), PersonSegmenter()
    try:
        faces = finder(obama).faces
        skin = skin_mask(obama, faces, segment(obama, faces))
    finally:
        finder.close()
        segment.close()
    dark_room = np.where(skin[..., None] >= 0.5, obama, _with_light(obama, (0.25, 0.25, 0.25)))
    return dark_room, skin


def test_a_lit_face_in_a_dark_room_is_not_lifted_past_its_own_highlights(obama_in_a_dark_room):
    """Nothing in the room is near white, which alone reads as a dim photo; the face is exposed as it was, so
    lifting the room's highlights to white would draw this man's skin lighter than it is."""
    dark_room, skin = obama_in_a_dark_room
    face = skin >= 0.5
    corrected = correct_light(dark_room, skin)
    assert abs(_ita(corrected[face]) - _ita(dark_room[face])) <= 4.0


def test_a_face_lit_a_little_under_white_in_a_dark_room_is_not_lifted(obama_in_a_dark_room):
    """A party photo: the room dark, the faces lit a third of a stop under the level a face lit for itself
    reaches. Its highlights are those of a lit face, so nothing says the photo is dim; lifting them to white
    drew people lighter than they are."""
    dark_room, skin = obama_in_a_dark_room
    face = skin >= 0.5
    party = np.where(face[..., None], _with_light(dark_room, (0.8, 0.8, 0.8)), dark_room)
    corrected = correct_light(party, skin)
    assert abs(_ita(corrected[face]) - _ita(party[face])) <= 2.0


def test_the_dark_room_one_stop_under_comes_out_as_at_its_own_exposure(obama_in_a_dark_room):
    dark_room, skin = obama_in_a_dark_room
    face = skin >= 0.5
    as_shot = correct_light(dark_room, skin)
    under = correct_light(_with_light(dark_room, (0.5, 0.5, 0.5)), skin)
    assert abs(_ita(under[face]) - _ita(as_shot[face])) <= 4.0


def _face_in(box, mesh):
    """A real face mesh (Grace Hopper's) scaled to fill `box` (x0, y0, x1, y1): where a face's cheeks lie."""
    from celflow.generators.face_mesh import Face

    low, high = mesh.points.min(0), mesh.points.max(0)
    x0, y0, x1, y1 = box
    return Face(points=((mesh.points - low) / (high - low) * [x1 - x0, y1 - y0] + [x0, y0]).astype(np.float32))


def test_in_a_group_photo_each_persons_skin_moves_only_so_far(hopper_face):
    """A blue backdrop read as a cast, a light-skinned and a dark-skinned person before it: the correction the
    light skin allows would take almost all yellow out of the dark skin, whose colour is close to neutral, and
    draw it grey. Each face's cheeks bound it on their own."""
    from celflow.generators.skin_tone import cheek_colour

    photo = np.full((200, 320, 3), (185, 195, 215), np.uint8)
    photo[:15, :15] = 255  # something white: the photo is not dim
    photo[30:170, 20:150] = (220, 185, 160)  # light skin, near the camera, whose hue the correction turns little
    photo[70:140, 210:270] = (90, 82, 79)  # dark skin of little chroma, further back
    skin = np.zeros(photo.shape[:2], np.float32)
    skin[30:170, 20:150] = skin[70:140, 210:270] = 1
    faces = [_face_in((20, 30, 150, 170), hopper_face), _face_in((210, 70, 270, 140), hopper_face)]

    def shifts(corrected):
        return [abs(cheek_colour(corrected, f.points).ita - cheek_colour(photo, f.points).ita) for f in faces]

    assert max(shifts(correct_light(photo, skin))) > MAX_SKIN_SHIFT + 2  # the skin as a whole does not bound it
    assert max(shifts(correct_light(photo, skin, faces))) <= MAX_SKIN_SHIFT + 0.5


def _skin_lightness(level):
    """A dim grey room (nothing in it near white) with a face whose highlights (its red channel) sit at `level`
    of white; the CIE L* of that face after the light correction, and before it."""
    photo = np.full((200, 200, 3), 110, np.uint8)
    photo[50:150, 60:140] = np.round(np.array([1.0, 0.78, 0.66]) * level * 255).astype(np.uint8)
    skin = np.zeros((200, 200), np.float32)
    skin[50:150, 60:140] = 1
    face = skin >= 0.5
    return rgb2lab(correct_light(photo, skin)[face][None])[..., 0].mean(), rgb2lab(photo[face][None])[..., 0].mean()


def test_a_small_change_of_light_makes_a_small_change_in_the_face():
    """Faces lit a little over and a little under the level that says "this photo is dim": a cool light lowers
    the red highlights of a face by that much. The output's lightness may differ by little more than the
    photo's does (a switch at that level lifted one face by a stop and a half and left the other)."""
    over, over_photo = _skin_lightness(0.82)
    under, under_photo = _skin_lightness(0.78)
    assert abs(over - under) <= 2 * abs(over_photo - under_photo)


def test_brown_hair_around_a_face_is_not_taken_for_a_warm_light(hopper_face):
    """Before a blue studio backdrop the only near-grey pixels were the hair, brows and lips around the face:
    brown, they read as a warm light, and removing it drew the face cooler and lighter than shot. Nothing within
    reach of a face is read for the light's colour."""
    photo = np.full((240, 240, 3), (70, 110, 190), np.uint8)  # a saturated blue backdrop: never near grey
    photo[:15, :15] = 255  # something white: the photo is not dim
    photo[40:200, 50:190] = (112, 108, 100)  # brown hair, near enough to grey
    photo[70:190, 80:160] = (222, 180, 165)  # the face's skin
    skin = np.zeros((240, 240), np.float32)
    skin[70:190, 80:160] = 1
    face = _face_in((80, 70, 160, 190), hopper_face)
    assert np.array_equal(correct_light(photo, skin, [face]), photo)


def test_each_head_reaches_only_its_own_faces_width(hopper_face):
    """In a group photo a small face far back must not widen the region left unread around a large one."""
    from celflow.generators.light_correction import HEAD_REACH, heads

    near, far = _face_in((40, 60, 160, 200), hopper_face), _face_in((300, 100, 330, 140), hopper_face)
    alone, together = heads((240, 400), [near]), heads((240, 400), [near, far])
    assert np.array_equal(together[:, :250], alone[:, :250])
    columns = np.flatnonzero(alone.any(0))
    assert columns.max() <= 160 + HEAD_REACH * near.width + 2


def _hue(pixels):
    lab = rgb2lab(pixels.reshape(-1, 3).mean(0).reshape(1, 1, 3) / 255).reshape(3)
    return np.degrees(np.arctan2(lab[2], lab[1]))


def test_a_blue_backdrop_read_as_a_cast_turns_a_mid_toned_skins_hue_only_so_far():
    """Grace Hopper before a muted blue drape: her skin sits near L* 50, where ITA° hardly moves with b*, so the
    ITA° bound let the correction remove the 'blue light' in full and paint her tan (hue 39° → 48°). The hue
    bound (MAX_SKIN_HUE_SHIFT, read on the median as the correction reads it) holds it."""
    photo = np.full((200, 200, 3), (185, 195, 215), np.uint8)  # a muted blue drape, pale enough to pass for grey
    photo[60:140, 70:130] = (145, 112, 104)  # pinkish skin at L* 50
    photo[:20, :20] = (255, 255, 255)  # a lamp: the photo is not dim
    skin = np.zeros((200, 200), np.float32)
    skin[60:140, 70:130] = 1
    corrected = correct_light(photo, skin)
    face = np.s_[60:140, 70:130]
    assert not np.array_equal(corrected, photo)  # the drape was read as a cast and partly removed
    assert abs(_ita(corrected[face]) - _ita(photo[face])) < 3  # ITA° alone would not have seen it
    assert abs(_hue(corrected[face]) - _hue(photo[face])) <= 6.0

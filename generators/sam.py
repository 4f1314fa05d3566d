"""Person masks from Segment Anything when the user gives a checkpoint: one box prompt per detected face.

Loading is strict and checked up front: the checkpoint's encoder width must match the model type asked for,
so a wrong file fails in a second with its name and the expected type, not after building a 600 M model.
The model runs on CUDA when there is one, loaded once and shared by every worker thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from celflow.generators.face_mesh import Face
from celflow.generators.guided_filter import guided_filter

ENCODER_WIDTH_KEY = "image_encoder.patch_embed.proj.weight"
# Encoder widths of the published SAM checkpoints, plus a 2-block 64-wide encoder ("vit_tiny") whose random
# weights build offline in a second: smoke tests and CI run the real loader and predictor with it.
ENCODER_WIDTHS = {"vit_b": 768, "vit_l": 1024, "vit_h": 1280, "vit_tiny": 64}
EDGE_RADIUS = 4  # guided-filter radius (pixels at 512 px) that snaps mask edges to image edges
EDGE_EPS = 1e-3


class SamCheckpointError(ValueError):
    """A SAM checkpoint that is missing, unreadable or made for another model type."""


@dataclass(frozen=True)
class SamSettings:
    """Which SAM checkpoint to load and as which model type (vit_b, vit_l, vit_h; vit_tiny for tests)."""

    checkpoint: Path
    model_type: str


def build_sam_model(model_type: str):
    """An untrained SAM of the given type, built by segment-anything's own builders."""
    from segment_anything import sam_model_registry
    from segment_anything.build_sam import _build_sam  # the shared builder behind every published type

    if model_type == "vit_tiny":
        return _build_sam(encoder_embed_dim=64, encoder_depth=2, encoder_num_heads=2, encoder_global_attn_indexes=[1])
    return sam_model_registry[model_type]()


def read_sam_checkpoint(settings: SamSettings) -> dict:
    """The checkpoint's state dict, checked against the model type; SamCheckpointError names the file and type."""
    import torch

    path, model_type = Path(settings.checkpoint), settings.model_type
    if model_type not in ENCODER_WIDTHS:
        known = ", ".join(ENCODER_WIDTHS)
        raise SamCheckpointError(f"{path}: unknown SAM model type {model_type!r} (expected one of {known})")
    if not path.is_file():
        raise SamCheckpointError(f"{path}: SAM checkpoint not found (expected a {model_type} checkpoint)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises pickle, zip and runtime errors alike for a bad file
        raise SamCheckpointError(f"{path}: not a readable SAM {model_type} checkpoint ({error})") from error
    width = getattr(state.get(ENCODER_WIDTH_KEY) if isinstance(state, dict) else None, "shape", (None,))[0]
    if width != ENCODER_WIDTHS[model_type]:
        raise SamCheckpointError(
            f"{path}: not a SAM {model_type} checkpoint (image encoder width {width}, "
            f"{model_type} expects {ENCODER_WIDTHS[model_type]})"
        )
    return state


def load_sam(settings: SamSettings):
    """A SAM model with the checkpoint's weights, loaded strictly."""
    state = read_sam_checkpoint(settings)
    model = build_sam_model(settings.model_type)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        first = str(error).splitlines()[0]
        raise SamCheckpointError(f"{settings.checkpoint}: does not match SAM {settings.model_type} ({first})") from error
    return model.eval()


def sam_device(cuda: bool) -> str:
    """CUDA when the machine has it: the ViT encoder is the slowest step of making a pair on the CPU."""
    return "cuda" if cuda else "cpu"


_shared: dict[tuple, object] = {}
_shared_lock = threading.Lock()


def shared_sam(settings: SamSettings):
    """The model for `settings` on `sam_device`, loaded once for all worker threads (a copy per thread would
    multiply gigabytes of weights); a replaced checkpoint file is loaded afresh, and only one model is kept."""
    import torch

    path = Path(settings.checkpoint).resolve()
    stat = path.stat() if path.is_file() else None
    device = sam_device(torch.cuda.is_available())
    key = (str(path), stat and (stat.st_size, stat.st_mtime_ns), settings.model_type, device)
    with _shared_lock:
        if key not in _shared:
            _shared.clear()
            _shared[key] = load_sam(settings).to(device)
        return _shared[key]


class SamPersonSegmenter:
    """One SAM predictor per worker thread over the shared model: a predictor holds the current photo's
    embedding, the model only weights, which its forward passes read and never change."""

    def __init__(self, settings: SamSettings) -> None:
        from segment_anything import SamPredictor

        self._predictor = SamPredictor(shared_sam(settings))

    def person_masks(self, rgb: np.ndarray, faces: list[Face]) -> list[np.ndarray]:
        """One H×W float32 0..1 mask per face, each kept inside that person's box."""
        import torch

        shape = rgb.shape[:2]
        with torch.inference_mode():
            self._predictor.set_image(np.ascontiguousarray(rgb))
            masks = []
            for face in faces:
                x0, y0, x1, y1 = face.person_box(shape)
                predicted, _, _ = self._predictor.predict(box=np.array([x0, y0, x1, y1]), multimask_output=False)
                inside = np.zeros(shape, np.float32)
                inside[y0:y1, x0:x1] = predicted[0, y0:y1, x0:x1]
                radius = max(1, round(EDGE_RADIUS * max(shape) / 512))
                masks.append(guided_filter(rgb, inside, radius, EDGE_EPS))
        return masks

    def __call__(self, rgb: np.ndarray, faces: list[Face]) -> np.ndarray:
        """H×W float32 0..1: every detected person."""
        masks = self.person_masks(rgb, faces)
        return np.max(masks, axis=0) if masks else np.zeros(rgb.shape[:2], np.float32)

    def close(self) -> None:
        self._predictor.reset_image()

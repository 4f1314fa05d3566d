"""Is the stylised face still the same person? dlib's 128-d face embedding, whose weights ship offline.

The embedding is dlib's ResNet face-recognition model (`face-recognition-models` package); a distance under
SAME_PERSON between two faces is dlib's own "same person" threshold. The stylised output is measured in the
face box found on the photo (pairs are pixel-aligned apart from the character's warp), so a drawing that a
detector would no longer call a face still gets a distance rather than silently dropping out.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAME_PERSON = 0.6
FRONTAL_FACE_MIN_PX = 80  # the identity check applies to frontal faces at least this wide in the photo
UPSAMPLE = 1  # dlib's HOG detector misses faces under ~80 px without one upsampling
MIN_SCORE = 0.5  # HOG detection score: below it, a helmet's reflection or a pattern rather than a face


class IdentityModelMissing(RuntimeError):
    """dlib or face-recognition-models is not installed."""


def _model_folder() -> Path:
    """The models/ folder of face-recognition-models, found without importing it: its __init__ needs
    pkg_resources, which current setuptools no longer ships."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise IdentityModelMissing("face-recognition-models is not installed: pip install face-recognition-models")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@dataclass(frozen=True)
class FaceBox:
    """A frontal face dlib found on the photo, in pixels."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left


class FaceIdentity:
    """Holds dlib's detector, 68-point landmark model and face embedding; not thread-safe."""

    def __init__(self) -> None:
        try:
            import dlib
        except ImportError as error:
            raise IdentityModelMissing("dlib is not installed: pip install dlib-bin") from error
        models = _model_folder()
        self._dlib = dlib
        self._detect = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(models / "shape_predictor_68_face_landmarks.dat"))
        self._embed = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))

    def frontal_faces(self, rgb: np.ndarray, min_px: int = FRONTAL_FACE_MIN_PX) -> list[FaceBox]:
        """Frontal faces at least `min_px` wide, left to right."""
        found, _, _ = self._detect.run(np.ascontiguousarray(rgb), UPSAMPLE, MIN_SCORE)
        boxes = [FaceBox(r.left(), r.top(), r.right(), r.bottom()) for r in found]
        return sorted((b for b in boxes if b.width >= min_px), key=lambda b: b.left)

    def embedding(self, rgb: np.ndarray, box: FaceBox) -> np.ndarray:
        """128-d embedding of the face in `box` (landmarks re-fitted on this image)."""
        image = np.ascontiguousarray(rgb)
        rect = self._dlib.rectangle(box.left, box.top, box.right, box.bottom)
        return np.asarray(self._embed.compute_face_descriptor(image, self._landmarks(image, rect)), np.float32)

    def distance(self, photo: np.ndarray, stylised: np.ndarray, box: FaceBox) -> float:
        """Embedding distance between the photo's face and the stylised image's face in the same box."""
        return float(np.linalg.norm(self.embedding(photo, box) - self.embedding(stylised, box)))

    def distances(self, photo: np.ndarray, stylised: np.ndarray) -> list[float]:
        """One distance per frontal face of the photo (≥ FRONTAL_FACE_MIN_PX wide), left to right."""
        return [self.distance(photo, stylised, box) for box in self.frontal_faces(photo)]

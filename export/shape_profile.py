"""The input sizes a GPU engine is built for: TensorRT compiles kernels for a range, not for any size."""

from __future__ import annotations

from dataclasses import dataclass

Shape = tuple[int, int, int, int]  # N, C, H, W


@dataclass(frozen=True)
class ShapeProfile:
    """Smallest, typical and largest input a TensorRT engine accepts (each side a multiple of the stride)."""

    min: Shape
    opt: Shape
    max: Shape

    def covers(self, shape: tuple[int, ...]) -> bool:
        return len(shape) == 4 and all(low <= size <= high for low, size, high in zip(self.min, shape, self.max))

    def key(self) -> str:
        """A short text naming the profile, for cache file names and TensorRT EP options."""
        return "_".join("x".join(map(str, shape)) for shape in (self.min, self.opt, self.max))


# Webcam frames (640×480) are the typical case; up to batch 4 of 1080p (1080 pads to 1088, a multiple of 8/16).
DEFAULT_PROFILE = ShapeProfile(min=(1, 3, 16, 16), opt=(1, 3, 480, 640), max=(4, 3, 1088, 1920))


def fixed_profile(shape: Shape) -> ShapeProfile:
    """The profile of an export frozen to one shape."""
    return ShapeProfile(min=shape, opt=shape, max=shape)

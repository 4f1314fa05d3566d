"""Photo ↔ tensor helpers shared by the torch and ONNX paths: pad to the stride, run, crop back."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.core.frames import batch_to_rgb, pad_to_stride, rgb_to_batch, stylize_rgb


def test_padding_reaches_the_next_stride_multiple_by_reflection() -> None:
    rgb = np.random.default_rng(0).integers(0, 256, (13, 8, 3), dtype=np.uint8)

    padded = pad_to_stride(rgb, 8)

    assert padded.shape == (16, 8, 3)
    np.testing.assert_array_equal(padded[:13], rgb)
    np.testing.assert_array_equal(padded[13:], rgb[11:8:-1])


def test_uint8_survives_the_float_round_trip() -> None:
    rgb = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)

    batch = rgb_to_batch(rgb)

    assert batch.shape == (1, 3, 5, 7) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch_to_rgb(batch), rgb)


def test_network_output_is_clipped_and_rounded_as_numpy_rounds_it() -> None:
    rng = np.random.default_rng(3)
    batch = rng.uniform(-0.2, 1.2, (1, 3, 9, 11)).astype(np.float32)
    batch[0, 0, 0, :4] = [0.5 / 255, 1.5 / 255, 2.5 / 255, -0.0]  # exact halves: to the even level

    expected = np.clip(np.rint(batch[0].transpose(1, 2, 0) * np.float32(255)), 0, 255).astype(np.uint8)

    np.testing.assert_array_equal(batch_to_rgb(batch), expected)
    np.testing.assert_array_equal(batch_to_rgb(batch.astype(np.float64)), expected)


def test_a_photo_seen_through_a_crop_or_flipped_converts_as_a_copy_of_it_does() -> None:
    rgb = np.random.default_rng(4).integers(0, 256, (20, 30, 3), dtype=np.uint8)

    for view in (rgb[3:17, 5:25], rgb[:, ::-1], rgb[..., ::-1]):
        np.testing.assert_array_equal(rgb_to_batch(view), rgb_to_batch(view.copy()))
        np.testing.assert_array_equal(rgb_to_batch(view)[0].transpose(1, 2, 0) * 255, view)


@pytest.mark.parametrize(("height", "width"), [(101, 77), (1, 1), (16, 24)])
def test_stylize_returns_the_photo_size_and_runs_on_stride_multiples(height: int, width: int) -> None:
    rgb = np.random.default_rng(2).integers(0, 256, (height, width, 3), dtype=np.uint8)
    seen_shapes = []

    def invert(batch: np.ndarray) -> np.ndarray:
        seen_shapes.append(batch.shape)
        return 1.0 - batch

    stylized = stylize_rgb(rgb, 8, invert)

    np.testing.assert_array_equal(stylized, 255 - rgb)
    assert seen_shapes[0][2] % 8 == 0 and seen_shapes[0][3] % 8 == 0


@pytest.mark.parametrize(
    "bad", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.float32), np.zeros((0, 8, 3), np.uint8)]
)
def test_only_rgb_uint8_images_are_accepted(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="rgb: expected a non-empty H×W×3 uint8 RGB image"):
        stylize_rgb(bad, 8, lambda batch: batch)

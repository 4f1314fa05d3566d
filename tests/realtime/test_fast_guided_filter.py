import cv2
import numpy as np
from celflow.realtime.fast_guided_filter import fast_guided_filter


def guided_filter_as_written(picture, guide, radius, flatness):
    """He & Sun's fast guided filter written out plainly in float64, channel by channel: what the in-place,
    float32 version must give."""
    height, width = guide.shape[:2]
    small = cv2.resize(guide, (picture.shape[1], picture.shape[0]), interpolation=cv2.INTER_AREA)

    def mean(values):
        return cv2.boxFilter(values, -1, (2 * radius + 1,) * 2, borderType=cv2.BORDER_REFLECT)

    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float64)
    full_grey = cv2.cvtColor(guide, cv2.COLOR_RGB2GRAY).astype(np.float64)
    channels = []
    for channel in cv2.split(picture.astype(np.float64)):
        slope = (mean(channel * grey) - mean(channel) * mean(grey)) / (
            mean(grey * grey) - mean(grey) ** 2 + flatness * 255**2
        )
        offset = mean(channel) - slope * mean(grey)
        fitted = cv2.resize(mean(slope), (width, height)) * full_grey + cv2.resize(mean(offset), (width, height))
        channels.append(np.clip(np.round(fitted), 0, 255))
    return np.dstack(channels)


def test_the_filter_gives_the_guided_filter_s_formula_at_full_size():
    rng = np.random.default_rng(3)
    guide = cv2.GaussianBlur(rng.integers(0, 256, (90, 160, 3), np.uint8), (0, 0), 2)
    guide[:, 80:] //= 3  # an edge for the fits to follow
    picture = cv2.resize(rng.integers(0, 256, (45, 80, 3), np.uint8), (80, 45))
    filtered = fast_guided_filter(picture, guide, 2, 0.001)
    assert filtered.shape == guide.shape and filtered.dtype == np.uint8
    difference = np.abs(filtered.astype(np.float64) - guided_filter_as_written(picture, guide, 2, 0.001))
    assert difference.max() <= 1  # float32 against float64: a rounding apart at most


def test_a_flat_picture_stays_flat_over_a_textured_guide():
    rng = np.random.default_rng(4)
    guide = rng.integers(0, 256, (60, 60, 3), np.uint8)
    picture = np.full((30, 30, 3), (200, 120, 40), np.uint8)
    filtered = fast_guided_filter(picture, guide, 2, 0.003)
    assert np.abs(filtered.astype(int) - (200, 120, 40)).max() <= 1

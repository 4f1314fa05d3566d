import numpy as np

from celflow.generators.outline import silhouette_lines
from celflow.generators.strokes import long_strokes, spline_through, stroke_coverage, taper


def test_a_stroke_passes_through_its_points_and_tapers_at_its_ends():
    points = np.array([[20, 50], [60, 40], [100, 45], [140, 60]], np.float64)
    curve = spline_through(points)
    assert min(np.linalg.norm(curve - p, axis=1).min() for p in points) < 0.5
    widths = 6 * taper(len(curve), 0.2, 0.2)
    coverage = stroke_coverage((100, 160), [(curve, widths)])
    middle = coverage[:, 80].sum()
    end = coverage[:, 22].sum()
    assert middle > 4 and end < middle / 2
    assert 0 < coverage.max() <= 1 and ((coverage > 0) & (coverage < 1)).any()  # anti-aliased


def test_a_stroke_carries_the_ink_of_its_width_along_its_length():
    # a thin stroke must not read lighter than the width it was given (its anti-aliased edges are only partly
    # inked): the weight the teacher's look was judged at is its width plus 1.5 to 2.5 px of soft edge
    curve = spline_through(np.array([[10, 40], [60, 30], [110, 45], [150, 35]], np.float64))
    length = float(np.linalg.norm(np.diff(curve, axis=0), axis=1).sum())
    for width in (1.6, 3.0, 6.0):
        ink = stroke_coverage((80, 160), [(curve, np.full(len(curve), width))]).sum()
        assert (width + 1.5) * length <= ink <= (width + 2.5) * length


def test_short_specks_are_not_long_strokes():
    ink = np.zeros((50, 100), bool)
    ink[10, 5:90] = True
    ink[30, 5:9] = True
    kept = long_strokes(ink, 20)
    assert kept[10].sum() == 85 and not kept[30].any()


def test_the_silhouette_follows_the_person_not_the_frame():
    mask = np.zeros((256, 256), np.float32)
    mask[80:, 60:200] = 1  # a person cut off by the bottom edge
    lines = silhouette_lines(mask, 2)
    assert lines[80, 100] > 0.3 and lines[150, 60] > 0.3  # top and side of the body
    assert lines[252:, 70:190].max() == 0  # nothing along the frame's edge

"""The largest share of a change that a bound still allows, found by bisection.

Corrections here (a white balance, a character's tint) are scaled back until they stop breaking a bound on the
skin; the bound is a yes/no test, which scipy's root finders (made for a continuous function's sign) do not take.
"""

from __future__ import annotations

from collections.abc import Callable


def largest_share(too_far: Callable[[float], bool], steps: int = 8) -> float:
    """1.0 when the whole change is allowed; otherwise the largest share in [0, 1) that `too_far` allows, to
    within 2**-steps (assuming that a smaller share never goes further)."""
    if not too_far(1.0):
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(steps):
        middle = (low + high) / 2
        low, high = (low, middle) if too_far(middle) else (middle, high)
    return low

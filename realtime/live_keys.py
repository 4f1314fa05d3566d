"""What keys pressed in the live window change while the stream runs: the style strength and the character."""

from __future__ import annotations

from celflow.realtime.engine import Pipeline

STRENGTH_STEP = 0.1
KEYS_HELP = "keys in the window: [ and ] lower and raise the strength, c switches to the next character, q quits"


class LiveKeys:
    """`[` / `]` move the strength down / up by STRENGTH_STEP within [0, 1]; `c` moves everyone (the background
    too) on to the next character of the cast. Other keys do nothing."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    def __call__(self, key: str) -> None:
        if key in ("[", "]"):
            step = STRENGTH_STEP if key == "]" else -STRENGTH_STEP
            self._pipeline.strength = round(min(1.0, max(0.0, self._pipeline.strength + step)), 2)
        elif key == "c":
            self._pipeline.next_character()

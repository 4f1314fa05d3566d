"""The base student shipped with celflow: a `small` student already taught to draw the default character.

Ten CPU minutes from scratch teach a student to smooth a photo, not to draw; the base student learnt from
many people under many lights (tools/train_base_student.py, its record in `base_student.json` beside the
weights), so `celflow train` and the demo fine-tune it to a character's pairs instead of starting blank.
"""

from __future__ import annotations

import logging
from pathlib import Path

from celflow.core.base_students import base_student_folder
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.student.checkpoint import CONFIG_FILE
from celflow.student.train import TrainConfig
from celflow.student.unet import StudentConfig

log = logging.getLogger(__name__)

BASE_PRESET = "small"
BASE_RECORD_FILE = "base_student.json"
# A twentieth of a run from scratch's rate: fine-tuning adapts what the base learnt to one character's pairs,
# which often show one or two people; a higher rate washes out what it learnt from the people they do not show
# (held-out figures for the rates tried: README, "Fine-tuned in the demo").
FINE_TUNE_LEARNING_RATE = 1e-4
# The pull of a fine-tuning's weights back towards the base student's (LossWeights.anchor): even at that rate, ten
# minutes on two light-skinned people drew an unseen person's skin lighter; held-out figures in the README.
FINE_TUNE_ANCHOR = 1.0


def shipped_base_student(student: StudentConfig, character: str = DEFAULT_CHARACTER) -> Path | None:
    """The shipped base student's folder to fine-tune from, or None (logged) when none fits this architecture."""
    folder = base_student_folder(character)
    if folder is None or not (folder / CONFIG_FILE).is_file():
        log.info("no base student ships for character %r: training from scratch", character)
        return None
    shipped = StudentConfig.model_validate_json((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    if student.model_copy(update={"alpha_head": shipped.alpha_head}) != shipped:
        log.info("the base student is the %r preset; this student differs, so it trains from scratch", BASE_PRESET)
        return None
    return folder


def fine_tuning(config: TrainConfig, init_from: Path | None = None, learning_rate: float | None = None) -> TrainConfig:
    """`config` starting from `init_from` (default: the shipped base student, when one fits) at the fine-tuning
    rate unless `learning_rate` is given, anchored to its start unless the config chose an anchor; unchanged when
    there is nothing to start from."""
    start = init_from or shipped_base_student(config.student)
    if start is None:
        return config
    loss = config.loss
    if "anchor" not in loss.model_fields_set:
        loss = loss.model_copy(update={"anchor": FINE_TUNE_ANCHOR})
    return config.model_copy(
        update={"init_from": start, "learning_rate": learning_rate or FINE_TUNE_LEARNING_RATE, "loss": loss}
    )

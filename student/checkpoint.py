"""Saving the student: the shipped model (safetensors + its config) and the resumable training state."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from pickle import UnpicklingError
from typing import Any

import torch
from pydantic import ValidationError
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from celflow.core.atomic import atomic_path, write_text_atomic
from celflow.student.unet import StudentConfig, StudentUNet, stem_weight_from_unshuffled

WEIGHTS_FILE = "student.safetensors"
CONFIG_FILE = "student.json"
CHECKPOINT_FILE = "checkpoint.pt"


def save_student(model: StudentUNet, config: StudentConfig, model_dir: Path) -> Path:
    """Write weights then config, each atomically; the config is what `load_student` rebuilds the model from."""
    if config != model.config:
        raise ValueError(f"config: widths={config.widths} is not the model's widths={model.config.widths}")
    model_dir = Path(model_dir)
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    with atomic_path(model_dir / WEIGHTS_FILE) as tmp:
        save_file(state, str(tmp))
    write_text_atomic(model_dir / CONFIG_FILE, config.model_dump_json(indent=2))
    return model_dir


def load_student(model_dir: Path) -> tuple[StudentUNet, StudentConfig]:
    """The saved student in eval mode, with its config; one-line errors name the file at fault."""
    config_path = Path(model_dir) / CONFIG_FILE
    weights_path = Path(model_dir) / WEIGHTS_FILE
    for path in (config_path, weights_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing; train a student into {model_dir} first")
    try:
        config = StudentConfig.model_validate_json(config_path.read_text(encoding="utf-8"))
    except ValidationError as error:
        raise ValueError(f"{config_path}: not a StudentConfig ({error.error_count()} errors)") from error
    try:
        state = load_file(str(weights_path))
    except SafetensorError as error:
        raise ValueError(f"{weights_path}: not a safetensors file ({error})") from error
    model = StudentUNet(config)
    state = _with_strided_stem(state, config)
    mismatch = _state_mismatch(model.state_dict(), state)
    if mismatch:
        raise ValueError(f"{weights_path}: does not match widths={config.widths} in {config_path} ({mismatch})")
    model.load_state_dict(state)
    return model.eval(), config


def _with_strided_stem(state: dict[str, torch.Tensor], config: StudentConfig) -> dict[str, torch.Tensor]:
    """Students saved with a PixelUnshuffle stem (3·f² input channels) load into the equivalent strided stem."""
    stem, fold = state.get("stem.0.weight"), config.unshuffle
    if stem is None or fold == 1 or stem.shape[1] != 3 * fold * fold:
        return state
    return {**state, "stem.0.weight": stem_weight_from_unshuffled(stem, fold)}


def _state_mismatch(expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor]) -> str:
    """A short description of the first difference in tensor names or shapes, or '' when none."""
    missing = sorted(expected.keys() - found.keys())
    if missing:
        return f"{len(missing)} tensors missing, first {missing[0]}"
    unexpected = sorted(found.keys() - expected.keys())
    if unexpected:
        return f"{len(unexpected)} unexpected tensors, first {unexpected[0]}"
    for name, tensor in expected.items():
        if tensor.shape != found[name].shape:
            return f"{name} has shape {tuple(found[name].shape)}, expected {tuple(tensor.shape)}"
    return ""


@dataclass(frozen=True)
class TrainingCheckpoint:
    """Everything a killed run needs to continue as if it had never stopped.

    `history` holds every step's weighted loss terms by name (for the loss-curve PNG); the optional parts
    exist when the run uses them (EMA weights, the PatchGAN critic and its optimiser).
    """

    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    step: int
    seconds: float
    loss: float
    train_config_json: str
    scheduler: dict[str, Any] | None = None
    ema: dict[str, torch.Tensor] | None = None
    critic: dict[str, torch.Tensor] | None = None
    critic_optimizer: dict[str, Any] | None = None
    history: dict[str, list[float]] = field(default_factory=dict)


def save_training_checkpoint(path: Path, checkpoint: TrainingCheckpoint) -> None:
    with atomic_path(path) as tmp:
        torch.save(vars(checkpoint), tmp)


def load_training_checkpoint(path: Path) -> TrainingCheckpoint:
    try:
        return TrainingCheckpoint(**torch.load(path, weights_only=True))
    except (UnpicklingError, RuntimeError, TypeError, EOFError) as error:
        raise ValueError(f"{path}: not a celflow training checkpoint ({type(error).__name__})") from error

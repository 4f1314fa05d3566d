"""Refuse a LoRA that does not fit the base model, before diffusers loads it.

diffusers' `load_lora_weights` silently skips keys that name no module of the model and injects layers of
the wrong width without complaint (seen with diffusers 0.42 + peft 0.21), so a LoRA trained on SD 1.5
applied to SDXL would quietly do nothing. This check is ours because no library offers it.
"""

from __future__ import annotations

import re
from pathlib import Path

LORA_KEY = re.compile(r"^(?P<module>.+)\.(?:lora\.(?P<old>down|up)|lora_(?P<new>A|B))\.weight$")
COMPONENTS = ("unet", "text_encoder", "text_encoder_2")


class LoraMismatchError(ValueError):
    """The LoRA file was trained for another model; the message names the file and a key that does not fit."""


def _width(module, side: str) -> int | None:
    return getattr(module, f"{side}_features", getattr(module, f"{side}_channels", None))


def check_lora_fits(pipe, lora_path: Path) -> None:
    """Raise LoraMismatchError when a LoRA key names no layer of `pipe` or has another layer width."""
    state_dict, _ = pipe.lora_state_dict(str(lora_path))
    modules = {
        f"{name}.{module_name}": module
        for name in COMPONENTS
        if getattr(pipe, name, None) is not None
        for module_name, module in getattr(pipe, name).named_modules()
    }
    for key, tensor in state_dict.items():
        match = LORA_KEY.match(key)
        if match is None:
            continue  # alphas and other metadata
        module = modules.get(match["module"])
        if module is None:
            raise LoraMismatchError(f"{lora_path}: LoRA key {key} names no layer of the base model")
        down = (match["old"] or match["new"]) in {"down", "A"}
        expected = _width(module, "in" if down else "out")
        found = tensor.shape[1] if down else tensor.shape[0]
        if expected is not None and found != expected:
            raise LoraMismatchError(
                f"{lora_path}: LoRA key {key} is {found} wide but the base model's layer is {expected}"
            )

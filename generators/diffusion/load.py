"""Load a diffusers pipeline the way a character pack names it: a local folder, a single file, or a hub id.

Local loading is the normal path; a hub id works only on a machine that can reach the Hugging Face Hub.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from celflow.core.diffusion_spec import DiffusionWeights
from celflow.generators.diffusion.device import DeviceChoice
from celflow.generators.diffusion.lora_check import check_lora_fits
from celflow.generators.diffusion.speed import warn_if_slow_on_cpu

log = logging.getLogger(__name__)
LORA_FILE = "pytorch_lora_weights.safetensors"
TRAINING_RECORD = "training.json"

SCHEDULERS = {
    "ddim": ("DDIMScheduler", {}),
    "ddpm": ("DDPMScheduler", {}),
    "dpm++": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++"}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-a": ("EulerAncestralDiscreteScheduler", {}),
    "lms": ("LMSDiscreteScheduler", {}),
    "pndm": ("PNDMScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
}


class BaseModelMissing(FileNotFoundError):
    """The base model named by the pack is neither on disk nor reachable."""


def load_pipeline(pipeline_class, single_file_class, spec: DiffusionWeights, choice: DeviceChoice, **components):
    """`pipeline_class.from_pretrained` for a folder or hub id, `single_file_class.from_single_file` for a file."""
    source = spec.model_source(spec.base_model)
    kwargs = {"dtype": choice.dtype, **components}
    try:
        if Path(source).is_file():
            pipe = single_file_class.from_single_file(source, **kwargs)
        else:
            pipe = pipeline_class.from_pretrained(source, **kwargs)
    except (OSError, ValueError) as error:
        where = "is not a diffusers folder" if Path(source).exists() else "is not on disk and the hub cannot be reached"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BaseModelMissing(f"base_model: {source} {where} ({type(error).__name__}: {first_line})") from error
    return pipe


def lora_weights_file(path: Path) -> Path:
    """A LoRA as the pack names it: the .safetensors itself, or the folder `celflow character train` wrote."""
    return path / LORA_FILE if path.is_dir() else path


def apply_character_weights(pipe, spec: DiffusionWeights) -> None:
    """The character's LoRA (checked against the base model first) and textual-inversion token."""
    if spec.lora is not None:
        lora = lora_weights_file(spec.resolve(spec.lora))
        check_lora_fits(pipe, lora)
        _warn_if_trained_on_another_base(lora, spec)
        pipe.load_lora_weights(str(lora), adapter_name="character")
        pipe.set_adapters(["character"], adapter_weights=[spec.lora_scale])
    if spec.textual_inversion is not None:
        pipe.load_textual_inversion(str(spec.resolve(spec.textual_inversion)), token=spec.textual_inversion_token)


def _warn_if_trained_on_another_base(lora: Path, spec: DiffusionWeights) -> None:
    record = lora.parent / TRAINING_RECORD
    if record.is_file():
        trained_on = json.loads(record.read_text(encoding="utf-8")).get("base_model")
        if trained_on and Path(trained_on).name != Path(spec.base_model).name:
            log.warning("%s was trained on %s, but the pack's base model is %s", lora, trained_on, spec.base_model)


def configure_pipeline(pipe, spec: DiffusionWeights, choice: DeviceChoice):
    """Scheduler, memory options and device, as the pack says."""
    import diffusers

    if spec.scheduler is not None:
        class_name, options = SCHEDULERS[spec.scheduler]
        pipe.scheduler = getattr(diffusers, class_name).from_config(pipe.scheduler.config, **options)
    if spec.attention_slicing:
        pipe.enable_attention_slicing()
    if spec.vae_tiling:
        pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(choice.device)


def build_diffusers_pipeline(
    pipeline_class,
    single_file_class,
    spec: DiffusionWeights,
    choice: DeviceChoice,
    denoising_steps: float,
    **components,
):
    """Base model, character weights, scheduler and memory options, on the device; warns when CPU will be slow."""
    pipe = load_pipeline(pipeline_class, single_file_class, spec, choice, **components)
    apply_character_weights(pipe, spec)
    pipe = configure_pipeline(pipe, spec, choice)
    warn_if_slow_on_cpu(pipe, choice.device, denoising_steps, spec.resolution, spec.resolution)
    return pipe

"""LoRA fine-tuning of a Stable Diffusion UNet (text encoder optional) on a character's reference images.

diffusers' train_text_to_image_lora recipe, as one readable loop: peft LoRA layers on the attention
projections, noise-prediction MSE, AdamW; a checkpoint and a sample grid every `sample_every` steps; the
LoRA saved with `save_lora_weights`. Each step draws its batch and noise from a generator seeded by the
step number, so a run resumed from its checkpoint gives the same weights as one never stopped.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from celflow.core.atomic import atomic_path, write_text_atomic
from celflow.core.diffusion_spec import DiffusionWeights
from celflow.generators.diffusion.captions import ReferenceImage
from celflow.generators.diffusion.device import DeviceChoice, detect_device
from celflow.generators.diffusion.load import LORA_FILE, TRAINING_RECORD, load_pipeline
from celflow.generators.photo import PhotoError, decode_photo

CHECKPOINT_FILE = "checkpoint.pt"
SAMPLES_DIR = "samples"
UNET_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]
TEXT_ENCODER_TARGETS = ["q_proj", "k_proj", "v_proj", "out_proj"]
RUN_LENGTH_FIELDS = {"steps", "sample_every", "sample_steps"}


class LoraTrainingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    resolution: int = Field(512, ge=64, le=1024, multiple_of=8)
    steps: int = Field(500, ge=1)
    learning_rate: float = Field(1e-4, gt=0)
    rank: int = Field(4, ge=1, le=256)
    batch_size: int = Field(1, ge=1)
    train_text_encoder: bool = False
    sample_every: int = Field(100, ge=1, description="checkpoint and sample grid every this many steps")
    sample_steps: int = Field(25, ge=1, description="denoising steps of the sample images")
    seed: int = 0


class LoraTrainingRecord(BaseModel):
    """training.json beside the LoRA: what it was trained on, so a pack says which base model it needs."""

    model_config = ConfigDict(frozen=True)

    base_model: str
    config: LoraTrainingConfig
    images: list[tuple[str, str]]  # (file name, caption)
    steps_done: int
    resumed_from: int
    final_loss: float
    seconds: float


def square_pixels(image: np.ndarray, resolution: int) -> np.ndarray:
    """Centre square crop at `resolution`, as float32 C×H×W in [-1, 1] (the VAE's input range)."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    square = cv2.resize(
        image[top : top + side, left : left + side], (resolution, resolution), interpolation=cv2.INTER_AREA
    )
    return (square.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)


def trains_in_fp16(choice: DeviceChoice) -> bool:
    """Whether the forward pass runs under fp16 autocast (CUDA in float16), where small gradients underflow to
    zero unless the loss is scaled first (torch.amp.GradScaler); fp32 on other devices needs no scaling."""
    return choice.device == "cuda" and choice.dtype_name == "float16"


def _load_images(images: list[ReferenceImage], resolution: int) -> np.ndarray:
    pixels = []
    for ref in images:
        try:
            pixels.append(square_pixels(decode_photo(ref.path.read_bytes()), resolution))
        except PhotoError as error:
            raise ValueError(f"{ref.path}: {error}") from error
    return np.stack(pixels)


def train_lora(
    spec: DiffusionWeights,
    images: list[ReferenceImage],
    out_dir: Path,
    config: LoraTrainingConfig,
    progress: bool = True,
) -> LoraTrainingRecord:
    """Train (or resume training) the character's LoRA; writes LORA_FILE and training.json into `out_dir`."""
    import torch
    import torch.nn.functional as F
    from diffusers import DDPMScheduler, StableDiffusionPipeline
    from diffusers.training_utils import cast_training_params
    from peft import LoraConfig
    from tqdm import tqdm

    if spec.architecture != "sd":
        raise ValueError(
            "architecture: LoRA training here supports SD 1.x/2.x; for SDXL use diffusers' SDXL LoRA script"
        )
    started = time.perf_counter()
    choice = detect_device(spec.device)
    pipe = load_pipeline(StableDiffusionPipeline, StableDiffusionPipeline, spec, choice).to(choice.device)
    pipe.set_progress_bar_config(disable=True)
    trained = [pipe.unet] + ([pipe.text_encoder] if config.train_text_encoder else [])
    for module in (pipe.unet, pipe.vae, pipe.text_encoder):
        module.requires_grad_(False)
    torch.manual_seed(config.seed)  # LoRA's gaussian init draws from the global generator
    for module, targets in zip(trained, (UNET_TARGETS, TEXT_ENCODER_TARGETS)):
        module.add_adapter(
            LoraConfig(r=config.rank, lora_alpha=config.rank, init_lora_weights="gaussian", target_modules=targets)
        )
    if choice.device == "cuda":
        cast_training_params(trained, dtype=torch.float32)  # frozen weights fp16, LoRA weights fp32
    optimizer = torch.optim.AdamW(
        [p for m in trained for p in m.parameters() if p.requires_grad], lr=config.learning_rate
    )
    noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    fp16 = trains_in_fp16(choice)
    scaler = torch.amp.GradScaler("cuda", enabled=fp16)

    pixels = torch.from_numpy(_load_images(images, config.resolution)).to(choice.device, choice.dtype)
    captions = [ref.caption for ref in images]
    token_ids = pipe.tokenizer(
        captions, padding="max_length", truncation=True, max_length=pipe.tokenizer.model_max_length, return_tensors="pt"
    ).input_ids.to(choice.device)

    checkpoint = out_dir / CHECKPOINT_FILE
    start = _resume(checkpoint, trained, optimizer, scaler, config)
    loss_value = float("nan")
    for step in tqdm(
        range(start, config.steps), initial=start, total=config.steps, desc="LoRA", unit="step", disable=not progress
    ):
        generator = torch.Generator().manual_seed(config.seed * 1_000_003 + step)
        batch = torch.randint(len(images), (config.batch_size,), generator=generator)
        with torch.autocast("cuda", dtype=torch.float16, enabled=fp16):
            latents = pipe.vae.encode(pixels[batch]).latent_dist.sample(generator) * pipe.vae.config.scaling_factor
            noise = torch.randn(latents.shape, generator=generator).to(latents)
            timesteps = torch.randint(noise_scheduler.config.num_train_timesteps, (len(batch),), generator=generator)
            timesteps = timesteps.to(choice.device)
            noisy = noise_scheduler.add_noise(latents, noise, timesteps)
            text = pipe.text_encoder(token_ids[batch])[0]
            target = (
                noise
                if noise_scheduler.config.prediction_type == "epsilon"
                else noise_scheduler.get_velocity(latents, noise, timesteps)
            )
            predicted = pipe.unet(noisy, timesteps, text).sample
            loss = F.mse_loss(predicted.float(), target.float())
        scaler.scale(loss).backward()
        scaler.step(optimizer)  # skips the step when scaled gradients overflowed, then lowers the scale
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        loss_value = loss.item()
        done = step + 1
        if done % config.sample_every == 0 or done == config.steps:
            _save_checkpoint(checkpoint, done, trained, optimizer, scaler, config)
            _save_sample_grid(pipe, captions, out_dir / SAMPLES_DIR / f"step_{done:06d}.png", config)

    _save_lora(out_dir / LORA_FILE, trained)
    record = LoraTrainingRecord(
        base_model=spec.base_model,
        config=config,
        images=[(ref.path.name, ref.caption) for ref in images],
        steps_done=config.steps,
        resumed_from=start,
        final_loss=loss_value,
        seconds=round(time.perf_counter() - started, 2),
    )
    write_text_atomic(out_dir / TRAINING_RECORD, record.model_dump_json(indent=2))
    return record


def _lora_state(trained: list) -> dict:
    from peft.utils import get_peft_model_state_dict

    return {
        f"{index}.{key}": value
        for index, module in enumerate(trained)
        for key, value in get_peft_model_state_dict(module).items()
    }


def _save_checkpoint(path: Path, step: int, trained: list, optimizer, scaler, config: LoraTrainingConfig) -> None:
    import torch

    state = {
        "step": step,
        "config": config.model_dump_json(),
        "lora": _lora_state(trained),
        "optimizer": optimizer.state_dict(),
        "scaler": scaler.state_dict(),  # empty when not scaling
    }
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def _resume(path: Path, trained: list, optimizer, scaler, config: LoraTrainingConfig) -> int:
    """The step to start from: 0, or the checkpoint's step once its LoRA, optimizer and loss-scale state are
    restored (a fresh scale would skip steps until it fell back to where the run had it)."""
    import torch
    from peft.utils import set_peft_model_state_dict

    if not path.is_file():
        return 0
    state = torch.load(path, map_location="cpu", weights_only=True)
    saved = LoraTrainingConfig.model_validate_json(state["config"])
    if saved.model_dump(exclude=RUN_LENGTH_FIELDS) != config.model_dump(exclude=RUN_LENGTH_FIELDS):
        raise ValueError(f"{path}: checkpoint was trained with other settings ({saved}); delete it to start over")
    if state["step"] > config.steps:
        raise ValueError(f"{path}: checkpoint is at step {state['step']}, beyond --steps {config.steps}")
    for index, module in enumerate(trained):
        prefix = f"{index}."
        set_peft_model_state_dict(
            module, {k[len(prefix) :]: v for k, v in state["lora"].items() if k.startswith(prefix)}
        )
    optimizer.load_state_dict(state["optimizer"])
    if state.get("scaler"):
        scaler.load_state_dict(state["scaler"])
    return int(state["step"])


def _save_lora(path: Path, trained: list) -> None:
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft.utils import get_peft_model_state_dict

    layers = [convert_state_dict_to_diffusers(get_peft_model_state_dict(module)) for module in trained]
    with atomic_path(path) as tmp:
        StableDiffusionPipeline.save_lora_weights(
            tmp.parent,
            unet_lora_layers=layers[0],
            text_encoder_lora_layers=layers[1] if len(layers) > 1 else None,
            weight_name=tmp.name,
        )


def _save_sample_grid(pipe, captions: list[str], path: Path, config: LoraTrainingConfig) -> None:
    """The first four captions drawn by the model as it is now, side by side: how training is going."""
    import torch
    from PIL import Image
    from torchvision.utils import make_grid

    images = pipe(
        captions[:4],
        height=config.resolution,
        width=config.resolution,
        num_inference_steps=config.sample_steps,
        generator=torch.Generator().manual_seed(config.seed),
        output_type="pt",
    ).images
    grid = make_grid(images.float().cpu(), nrow=len(images), padding=2)
    with atomic_path(path) as tmp:
        Image.fromarray((grid.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()).save(tmp, format="PNG")

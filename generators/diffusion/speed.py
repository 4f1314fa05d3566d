"""The expected time per image, from one timed UNet call, so a CPU run of a full-size model says what it is in for."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)
FULL_SIZE_UNET_PARAMETERS = 100_000_000  # SD 1.5's UNet has 860 M, SDXL's 2.6 G; test models a few thousand


def unet_step_seconds(pipe, height: int, width: int) -> float:
    """Time one UNet call at this size with classifier-free guidance (batch 2), as every denoising step makes."""
    import torch

    unet = pipe.unet
    latents = torch.randn(2, 4, height // 8, width // 8, dtype=unet.dtype, device=unet.device)
    context = torch.randn(2, 77, unet.config.cross_attention_dim, dtype=unet.dtype, device=unet.device)
    extra = {}
    if unet.config.addition_embed_type == "text_time":  # SDXL also reads pooled text and size embeddings
        text_embeds = torch.randn(2, 1280, dtype=unet.dtype, device=unet.device)
        extra["added_cond_kwargs"] = {"text_embeds": text_embeds, "time_ids": torch.zeros(2, 6, device=unet.device)}
    latents = latents.repeat(1, unet.config.in_channels // 4, 1, 1)
    started = time.perf_counter()
    with torch.no_grad():
        unet(latents, torch.tensor(500, device=unet.device), encoder_hidden_states=context, **extra)
    return time.perf_counter() - started


def warn_if_slow_on_cpu(
    pipe, device: str, denoising_steps: float, height: int, width: int, full_size: int = FULL_SIZE_UNET_PARAMETERS
) -> float | None:
    """On CPU with a full-size UNet: measure one step and log the expected seconds per image; else None."""
    parameters = sum(p.numel() for p in pipe.unet.parameters())
    if device != "cpu" or parameters < full_size:
        return None
    seconds = unet_step_seconds(pipe, height, width) * denoising_steps
    log.warning(
        "running a %.0f M-parameter UNet on CPU: expect about %.0f s per image (%.0f denoising steps at %d×%d); "
        "a CUDA GPU takes a few seconds",
        parameters / 1e6,
        seconds,
        denoising_steps,
        width,
        height,
    )
    return seconds

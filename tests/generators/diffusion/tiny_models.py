"""Tiny random-weight Stable Diffusion folders, built offline in seconds, that load like real SD 1.5 ones.

Real weights cannot be downloaded here; these have SD's architecture (UNet, VAE, CLIP text encoder,
tokenizer, DDIM scheduler) at a few thousand parameters, saved with `save_pretrained`.
"""

from __future__ import annotations

from pathlib import Path

WORDS = ["a", "photo", "of", "person", "webtoon", "style", "make", "the", "jacket", "red", "sks", "blurry"]


def tiny_tokenizer():
    """A CLIP tokenizer whose vocabulary is built in memory: whole words, no BPE merges."""
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "!": 2}
    for word in WORDS:
        vocab[f"{word}</w>"] = len(vocab)
    for char in "abcdefghijklmnopqrstuvwxyz":
        vocab.setdefault(f"{char}</w>", len(vocab))
        vocab.setdefault(char, len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77, pad_token="!")


def _components(unet_in_channels: int) -> dict:
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    tokenizer = tiny_tokenizer()
    unet = UNet2DConditionModel(
        sample_size=32,
        in_channels=unet_in_channels,
        out_channels=4,
        block_out_channels=(16, 32),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16,
        attention_head_dim=4,
        norm_num_groups=8,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(8, 16),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=8,
        sample_size=64,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            max_position_embeddings=77,
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=2,
        )
    )
    scheduler = DDIMScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, clip_sample=False, steps_offset=1
    )
    return dict(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, scheduler=scheduler)


def save_tiny_stable_diffusion(folder: Path) -> Path:
    """A StableDiffusionPipeline folder (the layout of runwayml/stable-diffusion-v1-5) at 64 px."""
    from diffusers import StableDiffusionPipeline

    pipe = StableDiffusionPipeline(
        **_components(4), safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )
    pipe.save_pretrained(folder)
    return folder


def save_tiny_instruct_pix2pix(folder: Path) -> Path:
    """An InstructPix2Pix folder: the UNet also reads the photo's latents (8 input channels)."""
    from diffusers import StableDiffusionInstructPix2PixPipeline

    pipe = StableDiffusionInstructPix2PixPipeline(
        **_components(8), safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )
    pipe.save_pretrained(folder)
    return folder


def save_tiny_controlnet(sd_folder: Path, folder: Path) -> Path:
    """A ControlNet copied from the tiny UNet's encoder; its zero convolutions get random weights, as after
    training, or the conditioning would have no effect at all."""
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(sd_folder, subfolder="unet")
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16))
    torch.manual_seed(1)
    with torch.no_grad():
        for zero_conv in [*controlnet.controlnet_down_blocks, controlnet.controlnet_mid_block]:
            zero_conv.weight.normal_(0.0, 0.2)
    controlnet.save_pretrained(folder)
    return folder

"""Diffusion teachers (Stable Diffusion img2img + LoRA, InstructPix2Pix): user-provided weights, same interface as the procedural teacher."""

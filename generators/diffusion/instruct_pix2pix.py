"""The InstructPix2Pix teacher: a text instruction edits the character ("make the jacket red").

Used for recolour variants of a character's data; with `person_only` the background stays the photo's.
"""

from __future__ import annotations

import numpy as np

from celflow.core.diffusion_spec import InstructPix2PixTeacher
from celflow.generators.diffusion.device import detect_device
from celflow.generators.diffusion.load import build_diffusers_pipeline
from celflow.generators.diffusion.seeded_pipeline import SeededPipeline, photo_seed
from celflow.generators.diffusion.two_pass import compose_with_mask, diffusion_size, resize_rgb

PIPELINES = {"sd": "StableDiffusionInstructPix2PixPipeline", "sdxl": "StableDiffusionXLInstructPix2PixPipeline"}


def build_instruct_pix2pix_pipeline(spec: InstructPix2PixTeacher):
    import diffusers

    pipeline_class = getattr(diffusers, PIPELINES[spec.architecture])
    return build_diffusers_pipeline(pipeline_class, pipeline_class, spec, detect_device(spec.device), spec.steps)


class InstructPix2PixRecolour:
    """(photo, person mask) → the photo edited by the instruction, same size; the same photo and pack seed give
    the same pixels, other photos other noise."""

    def __init__(self, spec: InstructPix2PixTeacher) -> None:
        self.spec = spec
        self._pipeline = SeededPipeline(spec, build_instruct_pix2pix_pipeline)

    def __call__(self, photo: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
        from PIL import Image

        spec = self.spec
        edited = self._pipeline(
            *photo.shape[:2],
            photo_seed(photo, spec.seed),
            prompt=spec.instruction,
            negative_prompt=spec.negative_prompt or None,
            image=Image.fromarray(resize_rgb(photo, *diffusion_size(*photo.shape[:2], spec.resolution))),
            num_inference_steps=spec.steps,
            guidance_scale=spec.guidance_scale,
            image_guidance_scale=spec.image_guidance_scale,
        )
        return compose_with_mask(edited, photo, person_mask) if spec.person_only else edited

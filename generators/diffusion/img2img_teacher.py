"""The Stable Diffusion teacher: img2img with the character's LoRA, person and background in two passes.

Each pass diffuses the whole photo with its own prompt and strength; the person mask then takes the
person from one and the background from the other. A pass of strength 0 is not run: its pixels are the
photo's own, so `background.strength: 0` keeps the real background exactly.
"""

from __future__ import annotations

import numpy as np

from celflow.core.diffusion_spec import DiffusionPass, DiffusionTeacher
from celflow.generators.diffusion.conditioning import CONDITIONING_MAPS
from celflow.generators.diffusion.device import detect_device
from celflow.generators.diffusion.load import build_diffusers_pipeline
from celflow.generators.diffusion.seeded_pipeline import SeededPipeline, photo_seed
from celflow.generators.diffusion.two_pass import compose_with_mask, diffusion_size, resize_rgb

SINGLE_FILE_PIPELINES = {
    ("sd", False): "StableDiffusionImg2ImgPipeline",
    ("sdxl", False): "StableDiffusionXLImg2ImgPipeline",
    ("sd", True): "StableDiffusionControlNetImg2ImgPipeline",
    ("sdxl", True): "StableDiffusionXLControlNetImg2ImgPipeline",
}


def build_img2img_pipeline(spec: DiffusionTeacher):
    """Base model + ControlNet (when the pack names one) + LoRA; AutoPipeline reads SD or SDXL from the folder."""
    import diffusers

    choice = detect_device(spec.device)
    components = {}
    if spec.controlnet is not None:
        source = spec.model_source(spec.controlnet.model)
        try:
            components["controlnet"] = diffusers.ControlNetModel.from_pretrained(source, dtype=choice.dtype)
        except (OSError, ValueError) as error:
            raise FileNotFoundError(f"controlnet.model: {source} is not a ControlNet folder ({error})") from error
    single_file = getattr(diffusers, SINGLE_FILE_PIPELINES[(spec.architecture, spec.controlnet is not None)])
    steps = spec.steps * (spec.person.strength + spec.background.strength)
    return build_diffusers_pipeline(diffusers.AutoPipelineForImage2Image, single_file, spec, choice, steps, **components)


class StableDiffusionTeacher:
    """(photo, person mask) → the photo drawn as the character, same size; the same photo and pack seed give
    the same pixels, other photos other noise."""

    def __init__(self, spec: DiffusionTeacher) -> None:
        self.spec = spec
        self._pipeline = SeededPipeline(spec, build_img2img_pipeline)

    def __call__(self, photo: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
        small = resize_rgb(photo, *diffusion_size(*photo.shape[:2], self.spec.resolution))
        seed = photo_seed(photo, self.spec.seed)
        person = self._diffuse(photo, small, self.spec.person, seed)
        background = self._diffuse(photo, small, self.spec.background, seed)
        return compose_with_mask(person, background, person_mask)

    def _diffuse(self, photo: np.ndarray, small: np.ndarray, diffusion_pass: DiffusionPass, seed: int) -> np.ndarray:
        """One img2img pass at diffusion size, brought back to the photo's size; strength 0 is the photo."""
        from PIL import Image

        if diffusion_pass.strength == 0:
            return photo
        spec = self.spec
        control = {}
        if spec.controlnet is not None:
            conditioning = CONDITIONING_MAPS[spec.controlnet.conditioning](small)
            control = {
                "control_image": Image.fromarray(conditioning),
                "controlnet_conditioning_scale": spec.controlnet.scale,
            }
        return self._pipeline(
            *photo.shape[:2],
            seed,
            prompt=spec.full_prompt(diffusion_pass),
            negative_prompt=spec.negative_prompt or None,
            image=Image.fromarray(small),
            strength=diffusion_pass.strength,
            num_inference_steps=spec.steps,
            guidance_scale=spec.guidance_scale,
            **control,
        )

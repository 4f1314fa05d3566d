"""How large an upload the studio takes; a light module, so `celflow studio --help` can say it at once."""

from __future__ import annotations

MEGABYTE = 1024 * 1024
PHOTO_LIMIT = 20 * MEGABYTE
VIDEO_LIMIT = 200 * MEGABYTE
PACK_LIMIT = 200 * MEGABYTE  # a pack zip: its yaml, references and LoRA weights
PACK_UNPACK_LIMIT = 1024 * MEGABYTE
WEBCAM_FRAME_LIMIT = 4 * MEGABYTE

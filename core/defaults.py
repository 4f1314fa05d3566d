"""Default values shared by several floors, each defined once: the stages, the flows, the CLI and the studio
all read them from here."""

from __future__ import annotations

# The ONNX file a student folder is exported to, and where commands look for it inside a folder.
STUDENT_ONNX_FILE = "student.onnx"

# The built-in character pack (core/characters/default), used when no character is named.
DEFAULT_CHARACTER = "default"

# Runtime backend choice meaning "the fastest one this machine has" (export.backends decides and logs why).
AUTO_BACKEND = "auto"

# Optimisation steps of one training run when none are asked for; the learning-rate schedule spans them.
DEFAULT_TRAIN_STEPS = 3000

# The long side `convert` draws a video's frames at before scaling them back (realtime/working_size.py says why):
# half a 1080p frame's width, larger than the photos the students learn from.
CONVERT_MAX_SIDE = 960

# The long side a still is shrunk to before it is drawn (`stylize`, the studio): drawn at their own size, a phone
# camera's 12 megapixels take several gigabytes of memory and come out no better (README: stills).
STILL_MAX_SIDE = 1600

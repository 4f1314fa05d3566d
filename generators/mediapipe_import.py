"""mediapipe, imported without the Python warning it raises on every graph run.

mediapipe 0.10.14's solutions read their outputs through protobuf's `SymbolDatabase.GetPrototype()`, which
protobuf 4.25 marks deprecated with a UserWarning on each call. The call is mediapipe's, not celflow's, and the
pin on protobuf < 5 keeps it working, so the warning says nothing a user can act on.
"""

from __future__ import annotations

import warnings
from types import ModuleType

GET_PROTOTYPE_WARNING = r"SymbolDatabase\.GetPrototype\(\) is deprecated"


def import_mediapipe() -> ModuleType:
    """The mediapipe module, with protobuf's GetPrototype deprecation warning ignored from here on."""
    warnings.filterwarnings("ignore", message=GET_PROTOTYPE_WARNING, category=UserWarning)
    import mediapipe

    return mediapipe

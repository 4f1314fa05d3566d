"""mediapipe, imported without the Python warning it raises on every graph run, and without what it does not need.

mediapipe 0.10.14's solutions read their outputs through protobuf's `SymbolDatabase.GetPrototype()`, which
protobuf 4.25 marks deprecated with a UserWarning on each call. The call is mediapipe's, not celflow's, and the
pin on protobuf < 5 keeps it working, so the warning says nothing a user can act on.

`import mediapipe` also imports every legacy solution, the drawing helpers (and through them matplotlib.pyplot)
and the tasks API: a wait before the first frame that `stylize`, `convert` and `live` should not make for the
three graphs they open. Python runs a package's `__init__` before any module inside it, so `import_solution` registers
the two packages whose `__init__` pulls all that in, `mediapipe` and `mediapipe.python.solutions`, without
running it, and imports just the solution asked for. `import_mediapipe` runs those `__init__`s when the whole
API is wanted after all. Written here: mediapipe offers no lighter entry point to its legacy solutions.

The graphs' calculator options are protobuf extensions, and a solution rewrites its graph through protobuf's
Python side, which keeps only the options whose modules were imported: `import mediapipe` imports them all by the
way, a single solution does not, and the face detector then ran without its non-maximum suppression (one face
came out as two boxes, and the tracker followed two people). So `import_solution` imports every options module
(`*_pb2`) of mediapipe's calculators, modules, framework and utilities first, which costs a small share of a
second.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import warnings
from pathlib import Path
from types import ModuleType

GET_PROTOTYPE_WARNING = r"SymbolDatabase\.GetPrototype\(\) is deprecated"
HEAVY_PACKAGES = ("mediapipe", "mediapipe.python.solutions")  # their __init__s import the whole API
OPTION_FOLDERS = ("calculators", "modules", "framework", "util")  # where mediapipe keeps its graphs' *_pb2 modules
_not_run: list[ModuleType] = []  # HEAVY_PACKAGES registered by import_solution whose __init__ has not run
_lock = threading.Lock()  # worker threads open graphs at the same time


def _quiet() -> None:
    warnings.filterwarnings("ignore", message=GET_PROTOTYPE_WARNING, category=UserWarning)


def import_solution(name: str) -> ModuleType:
    """mediapipe's legacy solution `name` (`face_detection`, `face_mesh`, `selfie_segmentation`, …), with
    GetPrototype's deprecation warning ignored from here on, and without importing the rest of mediapipe."""
    _quiet()
    with _lock:
        if "mediapipe" not in sys.modules:
            for package in HEAVY_PACKAGES:  # parents first: finding a package's spec imports its parents
                spec = importlib.util.find_spec(package)
                if spec is None:
                    raise ModuleNotFoundError(f"No module named {package!r}: install celflow's dependencies")
                module = importlib.util.module_from_spec(spec)
                sys.modules[package] = module
                _not_run.append(module)
            _import_graph_options()
        return importlib.import_module(f"mediapipe.python.solutions.{name}")


def _import_graph_options() -> None:
    """Import every options module of mediapipe's graphs, so that protobuf keeps their options (see above)."""
    root = Path(importlib.util.find_spec("mediapipe").submodule_search_locations[0])
    for folder in OPTION_FOLDERS:
        for path in sorted((root / folder).rglob("*_pb2.py")):
            importlib.import_module(".".join(("mediapipe", *path.relative_to(root).with_suffix("").parts)))


def import_mediapipe() -> ModuleType:
    """The whole mediapipe module, with GetPrototype's deprecation warning ignored from here on."""
    _quiet()
    with _lock:
        # the solutions' __init__ first, as `import mediapipe` itself runs it, before mediapipe's own ends
        for module in reversed(_not_run):
            module.__spec__.loader.exec_module(module)
        _not_run.clear()
        import mediapipe

    return mediapipe

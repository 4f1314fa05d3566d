"""mediapipe's graphs run without protobuf's GetPrototype deprecation warning reaching the user."""

from __future__ import annotations

import warnings

from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.person_mask import PersonSegmenter


def test_running_the_face_mesh_and_the_person_mask_warns_nothing_about_get_prototype(hopper):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as a plain `python` process would show it, whatever pytest's settings
        mesh, segmenter = FaceMeshDetector(max_faces=1), PersonSegmenter()
        try:
            mesh(hopper)
            segmenter(hopper)
        finally:
            mesh.close()
            segmenter.close()

    assert not [w for w in caught if "GetPrototype" in str(w.message)]


def _fresh_python(code: str) -> str:
    """stdout of `code` run by a new interpreter: what one import costs shows only in a process without it."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_the_real_time_graphs_open_without_importing_the_rest_of_mediapipe():
    """`import mediapipe` pulls in matplotlib.pyplot (through the drawing helpers) and the tasks API, a wait
    before the first frame; the face mesh, face detector and person mask need neither."""
    loaded = _fresh_python(
        "import sys, numpy as np\n"
        "from celflow.generators.face_finder import FaceFinder\n"
        "from celflow.generators.person_mask import PersonSegmenter\n"
        "from celflow.realtime.detect import FaceDetector\n"
        "finder, segment, detect = FaceFinder(max_faces=1), PersonSegmenter(), FaceDetector()\n"
        "import skimage.data\n"
        "photo = skimage.data.astronaut()\n"
        "found = len(finder(photo).faces), int((segment(photo) > 0.5).sum() > 0), len(detect(photo))\n"
        "print(found, sorted(m for m in ('matplotlib', 'mediapipe.tasks') if m in sys.modules))"
    )
    assert loaded == "(1, 1, 1) []"


def test_the_whole_mediapipe_api_is_still_there_after_a_single_graph():
    api = _fresh_python(
        "from celflow.generators.mediapipe_import import import_mediapipe, import_solution\n"
        "mesh = import_solution('face_mesh')\n"
        "mp = import_mediapipe()\n"
        "import mediapipe\n"
        "print(mediapipe is mp, mp.solutions.face_mesh is mesh, callable(mp.solutions.drawing_utils.draw_landmarks),"
        " hasattr(mp.solutions.pose, 'Pose'), hasattr(mp.tasks, 'vision'), mp.__version__)"
    )
    assert api == "True True True True True 0.10.14"


def test_a_face_is_found_once_without_the_rest_of_mediapipe_as_with_it():
    """The graphs' options (non-maximum suppression among them) are protobuf extensions that must be imported to be
    kept: without them a face in a small portrait came out as two boxes, and the tracker followed two people."""
    find = (
        "from celflow.realtime.detect import FaceDetector\n"
        "from celflow.realtime.scenes import real_portraits\n"
        "detect = FaceDetector()\n"
        "print([len(detect(portrait)) for portrait in real_portraits()])"
    )
    assert _fresh_python(find) == _fresh_python("import mediapipe\n" + find) == "[1, 1, 1]"

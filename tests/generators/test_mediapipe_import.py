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

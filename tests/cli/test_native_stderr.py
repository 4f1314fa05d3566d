"""mediapipe's native start-up lines are dropped from the terminal; everything else passes, progress bars at once."""

from __future__ import annotations

from celflow.cli.native_stderr import NativeNoiseFilter

W0000 = (
    b"W0000 00:00:1796186842.073689   19401 inference_feedback_manager.cc:114] Feedback manager requires a model "
    b"with a single signature inference. Disabling support for feedback tensors.\n"
)
ABSL = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
XNNPACK = b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n"


def filtered(*chunks: bytes) -> tuple[bytes, list[bytes]]:
    """Everything written, and what was written after each chunk."""
    noise_filter = NativeNoiseFilter(out_fd=-1)
    written = [noise_filter.feed(chunk) for chunk in chunks]
    return b"".join(written) + noise_filter.flush(), written


def test_the_native_lines_are_dropped_and_the_others_kept():
    everything, _ = filtered(b"photos: 22 for training\n", XNNPACK, ABSL, W0000, W0000, b"celflow: error: x\n")

    assert everything == b"photos: 22 for training\ncelflow: error: x\n"


def test_a_native_line_written_over_a_progress_bar_leaves_the_bar_whole():
    everything, _ = filtered(b"pairs:   0%|          | 0/22\r", b"pairs:   5%|", XNNPACK, b"| 1/22\n")

    assert everything == b"pairs:   0%|          | 0/22\rpairs:   5%|| 1/22\n"


def test_a_native_line_split_between_writes_is_still_dropped():
    everything, _ = filtered(W0000[:3], W0000[3:40], W0000[40:] + b"done\n")

    assert everything == b"done\n"


def test_a_progress_bar_redrawn_in_place_is_written_at_once():
    _, written = filtered(b"train student:  1%|", b"\rtrain student:  2%|")

    assert written == [b"train student:  1%|", b"\rtrain student:  2%|"]


def test_a_line_that_only_starts_like_a_native_one_is_kept():
    everything, _ = filtered(b"WARNING: All log messages were kept\n", b"W0000 is a fine name\n")

    assert everything == b"WARNING: All log messages were kept\nW0000 is a fine name\n"

"""One malloc arena for the `celflow` process, set before any thread starts.

glibc gives each thread that allocates an arena of its own (up to eight per core). The real-time loop paints a
frame on its worker thread and frees it on the reader's, so memory taken from one arena goes back to another
and both fragment: a 10-minute conversion grew by 50 MB, and an hour's would by some 300 (README: bench_realtime
and its long conversion). With one arena, as `MALLOC_ARENA_MAX=1` in the environment gives, it stays flat at the
same speed. Set from the command's own entry only: a program that imports celflow keeps its own malloc settings.

Written out here: Python's standard library has no binding for glibc's mallopt.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_ARENA_MAX = -8  # glibc's malloc.h


def one_malloc_arena() -> bool:
    """Cap glibc's malloc at one arena; False where there is no glibc to cap (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):  # no libc by that name, or one without mallopt
        return False

"""Let each training step reuse the memory the step before it freed (glibc's ``M_TOP_PAD``).

A Keras training step allocates its temporaries (activations, gradients, the optimizer's
updates) and frees them before the next step. By default the C library on Linux (glibc)
hands memory freed at the top of a thread's arena back to the system at once, and the next
step takes it again, one page fault per 4 KiB page. On a 2-core machine with no GPU that
was half the time of an epoch of the course's deep dense autoencoder (benchmarks/RESULTS.md).
Asking glibc to keep up to ``TOP_PAD_BYTES`` free at the top of each of its arenas (about
one per thread) lets the next step reuse those pages, for up to about 60 MB more at a
notebook's peak. (A larger pad saves the conv models more time but took notebook 03 over
the course's 1.2 GB.) The numbers a model learns do not change, only where its memory
comes from.
"""

import ctypes
import sys

TOP_PAD_BYTES = 16 * 2**20
_M_TOP_PAD = -2  # the parameter's number in glibc's <malloc.h>


def keep_freed_memory(top_pad=TOP_PAD_BYTES):
    """Ask glibc to keep up to ``top_pad`` freed bytes per arena; return True if it agreed.

    Does nothing and returns False where the C library is not glibc (macOS, Windows, musl).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018  (raises AttributeError where it is not glibc)
        return libc.mallopt(_M_TOP_PAD, int(top_pad)) == 1
    except (OSError, AttributeError):
        return False

"""Let each training step reuse the memory the step before it freed (glibc's ``M_TOP_PAD``).

A Keras training step allocates its temporaries (activations, gradients, the optimizer's
updates) and frees them before the next step. The usual C library on Linux, glibc, gives
memory back to the system as soon as more than a small threshold is free at the top of an
arena (a pool that threads allocate from), and when the next step touches that memory again
the kernel faults it in anew, one page fault per 4 KiB page. On the 2-core benchmark machine
with no GPU that was half the time of an epoch of the course's deep dense autoencoder
(benchmarks/RESULTS.md). Asking glibc to keep up to ``TOP_PAD_BYTES`` free at the top of
each arena (glibc makes one per thread until there are 8 per CPU, then threads share them)
lets the next step reuse those pages. The price is up to ``TOP_PAD_BYTES`` kept per busy
arena: on the benchmark machine about 60 MB more at notebook 03's peak in full mode and
23 MiB more at notebook 04's in quick mode; a machine with more CPUs can have more arenas.
A 32 MiB pad saved the conv model more time but took notebook 03 in full mode to 1,210 MB,
over the course's 1.2 GB. Setting ``M_TOP_PAD`` also stops glibc from raising its mmap
threshold by itself (``man mallopt``): blocks of 128 KiB or more that the kept memory cannot
serve are still mapped and unmapped each time. The numbers a model learns do not change,
only where its memory comes from.
"""

import ctypes
import sys

TOP_PAD_BYTES = 16 * 2**20
_M_TOP_PAD = -2  # the parameter's number in glibc's <malloc.h>


def keep_freed_memory(top_pad=TOP_PAD_BYTES):
    """Set glibc's M_TOP_PAD to ``top_pad`` bytes; return True if mallopt accepted it, else False.

    Does nothing and returns False where the C library is not glibc (macOS, Windows, musl).
    Rejects a ``top_pad`` that is not an integer from 0 to 2**31 - 1.
    """
    if isinstance(top_pad, bool) or not isinstance(top_pad, int):
        raise TypeError(f"keep_freed_memory(): top_pad must be an integer, got {top_pad!r}")
    if not 0 <= top_pad < 2**31:
        raise ValueError(f"keep_freed_memory(): top_pad must be from 0 to 2**31 - 1, "
                         f"got {top_pad}")
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018  (raises AttributeError where it is not glibc)
        return libc.mallopt(_M_TOP_PAD, top_pad) == 1
    except (OSError, AttributeError):
        return False

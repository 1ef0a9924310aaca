"""Memory in the course's kernels: training steps reuse freed memory, cells free their garbage.

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

After each cell of a notebook (``setup_notebook`` calls ``free_memory_after_each_cell``),
the garbage the cell left (a model it replaced, say) is collected and free memory is handed
back, so that memory does not pile up while a learner reruns cells. Measured on the
benchmark machine in quick mode with the solutions, one thread: notebook 03 peaked at
952 MiB (one run) against 995-1,010 MiB in 15 runs without it (CPU time 53 s against
50-57 s), notebook 06 at 993 MiB against 1,007 MiB (one run each; 135 s and 140 s of CPU).
"""

import ctypes
import gc
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
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_TOP_PAD, top_pad) == 1


def give_back_free_memory():
    """Hand the memory glibc holds free back to the system (``malloc_trim``); True if any was.

    It releases the whole free pages inside every arena and the free top of the main arena,
    its pad included; the free top of a thread's arena stays (``free`` keeps it near the
    pad). Does nothing and returns False where the C library is not glibc.
    """
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc.malloc_trim(0) == 1


def free_memory_after_each_cell(shell=None):
    """Make IPython collect garbage and give free memory back after every cell; True once set.

    A model that a cell replaced (run the cell again, and the old model is garbage) sits in
    reference cycles (for one, the model holds its compiled train function, which refers
    back to the model). A trained model has long reached the collector's oldest generation, so
    Python frees it only at a full collection, which with TensorFlow loaded comes rarely and
    takes about a second. So the first call moves the objects alive now (TensorFlow's and
    Keras's, half a million) out of the collector's sight (``gc.freeze``: they are still
    freed when nothing refers to them, but a cycle among them is never collected), and then
    after every cell ``gc.collect`` frees what the cell left behind (tens of milliseconds)
    and :func:`give_back_free_memory` hands the memory back. ``shell`` defaults to the
    running IPython (none outside IPython and Jupyter: returns False). Calling it again
    changes nothing, also after this module was reloaded.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # not imported here: a script has no cells
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    callbacks = shell.events.callbacks["post_run_cell"]
    if _after_cell in callbacks:
        return True
    # One from an earlier load of this module (importlib.reload, %autoreload) is replaced,
    # so that reloading does not make every cell collect twice; the objects were frozen then.
    earlier = [callback for callback in callbacks if _is_after_cell(callback)]
    for callback in earlier:
        shell.events.unregister("post_run_cell", callback)
    if not earlier:
        gc.collect()
        gc.freeze()
    shell.events.register("post_run_cell", _after_cell)
    return True


def _is_after_cell(callback):
    """Whether ``callback`` is this module's ``_after_cell``, from this load or an earlier one."""
    return (getattr(callback, "__module__", None) == __name__
            and getattr(callback, "__qualname__", None) == "_after_cell")


def _after_cell(*result):  # IPython passes the cell's result, which is not needed here
    gc.collect()
    give_back_free_memory()


def _glibc():
    """The C library through ctypes if it is glibc (Linux), else None (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018  (raises AttributeError where it is not glibc)
    except (OSError, AttributeError):
        return None
    return libc

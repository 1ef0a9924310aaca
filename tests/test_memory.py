"""``import aehelpers`` lets a thread reuse the memory it freed (aehelpers/_memory.py)."""

import ctypes.util
import subprocess
import sys

import pytest

from aehelpers import _memory

glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "libc.so.6" not in str(ctypes.util.find_library("c")),
    reason="the setting exists only in glibc",
)

# Like a training step: a worker thread allocates 40 blocks of 100 kB (the size of a batch of
# 32 images in float32), writes them, frees them all, 100 times; prints its page faults.
CHURN = """
import ctypes, resource, sys, threading
if sys.argv[1] == "import":
    import aehelpers  # noqa: F401
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
faults = []
def steps():
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    for _ in range(100):
        blocks = [libc.malloc(100_000) for _ in range(40)]
        for block in blocks:
            ctypes.memset(block, 1, 100_000)
        for block in blocks:
            libc.free(block)
    faults.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
worker = threading.Thread(target=steps)
worker.start()
worker.join()
print(faults[0])
"""


def _page_faults(mode):
    done = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True,
                          check=True)
    return int(done.stdout.split()[-1])


@glibc_only
def test_import_aehelpers_stops_freed_memory_going_back_to_the_system_each_step():
    without, with_aehelpers = _page_faults("plain"), _page_faults("import")
    # 100 rounds of 4 MB: freed to the system, ~1,000 faults a round; kept: one round's worth.
    assert without > 20_000, f"the churn does not fault without aehelpers ({without}): no test"
    assert with_aehelpers < without / 10, (without, with_aehelpers)


@glibc_only
def test_keep_freed_memory_reports_that_glibc_took_the_setting():
    assert _memory.keep_freed_memory() is True


def test_keep_freed_memory_does_nothing_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _memory.keep_freed_memory() is False

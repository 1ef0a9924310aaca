"""Memory (aehelpers/_memory.py): ``import aehelpers`` lets a thread reuse the memory it freed,
and in IPython each cell's garbage is collected and free memory given back when it ends."""

import contextlib
import gc
import importlib
import os
import platform
import subprocess
import sys
import weakref

import pytest

from aehelpers import _memory

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc",
                                reason="M_TOP_PAD and malloc_trim are glibc's")

# Like a training step: a worker thread allocates 40 blocks of 100 kB (the size of a batch of
# 32 images in float32), writes them, frees them all, 100 times; prints its page faults.
# It proves that the import keeps freed memory at the top of the thread's arena; it cannot
# tell M_TOP_PAD from another setting with that effect.
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


def _fresh_python(code, *args):
    """Run ``code`` in a fresh Python with glibc's default malloc settings; return its words."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}  # glibc's defaults
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _page_faults(mode):
    """The worker thread's page faults in CHURN, run in a fresh Python ("plain" or "import")."""
    return int(_fresh_python(CHURN, mode)[-1])


@glibc_only
def test_import_aehelpers_stops_freed_memory_going_back_to_the_system_each_step():
    without, with_aehelpers = _page_faults("plain"), _page_faults("import")
    # 100 rounds of 4 MB: given back each round, ~1,000 faults a round; kept: one round's worth.
    assert without > 20_000, f"the churn does not fault without aehelpers ({without}): no test"
    assert with_aehelpers < without / 10, (without, with_aehelpers)


@glibc_only
def test_keep_freed_memory_reports_that_glibc_accepted_the_setting():
    assert _memory.keep_freed_memory() is True


def _no_c_library(*args, **kwargs):
    raise AssertionError("the C library was opened")


def test_keep_freed_memory_does_nothing_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(_memory.ctypes, "CDLL", _no_c_library)
    assert _memory.keep_freed_memory() is False


class _Musl:
    """A C library with mallopt but without glibc's gnu_get_libc_version (like musl)."""

    def mallopt(self, *args):
        raise AssertionError("mallopt called on a C library that is not glibc")


@pytest.mark.parametrize("library", [_Musl, None], ids=["musl", "cannot-open"])
def test_keep_freed_memory_returns_false_where_the_c_library_is_not_glibc(monkeypatch, library):
    def open_library(name):
        if library is None:
            raise OSError("no such library")
        return library()

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(_memory.ctypes, "CDLL", open_library)
    assert _memory.keep_freed_memory() is False


@pytest.mark.parametrize(("top_pad", "error"), [
    (-1, ValueError), (2**31, ValueError), (1.5, TypeError), (True, TypeError), ("16", TypeError),
])
def test_keep_freed_memory_rejects_a_bad_pad_naming_it(top_pad, error):
    with pytest.raises(error, match="top_pad"):
        _memory.keep_freed_memory(top_pad)


# ----- after each cell: the garbage it left is collected, free memory is given back

# The main thread allocates and frees 8 MB, which the pad keeps at the top of the main arena;
# the process's resident memory is printed then, and again after give_back_free_memory.
KEPT_THEN_GIVEN_BACK = """
import ctypes, os
from aehelpers import _memory
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
blocks = [libc.malloc(100_000) for _ in range(80)]
for block in blocks:
    ctypes.memset(block, 1, 100_000)
for block in blocks:
    libc.free(block)
kept = resident()
print(_memory.give_back_free_memory(), kept, resident())
"""


@glibc_only
def test_give_back_free_memory_returns_what_the_pad_kept():
    answer, kept, after = _fresh_python(KEPT_THEN_GIVEN_BACK)[-3:]
    assert answer == "True"
    assert int(kept) - int(after) > 6_000_000, (kept, after)  # most of the 8 MB


def test_give_back_free_memory_does_nothing_where_the_c_library_is_not_glibc(monkeypatch):
    monkeypatch.setattr(_memory, "_glibc", lambda: None)
    assert _memory.give_back_free_memory() is False


class _Shell:
    """Just what free_memory_after_each_cell uses of an IPython shell: its event manager."""

    def __init__(self):
        from IPython.core.events import EventManager, available_events

        self.events = EventManager(self, available_events)

    def run_cell(self):
        self.events.trigger("post_run_cell", object())  # what IPython does after a cell


@pytest.fixture
def cells(monkeypatch):
    """Count gc.freeze and give_back_free_memory calls instead of making them.

    Each counted freeze also records whether the garbage made before it was collected first
    (a cycle in ``calls["garbage"]``, for the tests that make one).
    """
    calls = {"freeze": 0, "give back": 0, "garbage": None, "collected before freeze": None}

    def freeze():
        calls["freeze"] += 1
        if calls["garbage"] is not None:
            calls["collected before freeze"] = calls["garbage"]() is None

    monkeypatch.setattr(_memory.gc, "freeze", freeze)
    monkeypatch.setattr(_memory, "give_back_free_memory",
                        lambda: calls.update({"give back": calls["give back"] + 1}))
    return calls


class _Cycle:
    """An object in a reference cycle, like a Keras model and its layers."""

    def __init__(self):
        self.me = self


@contextlib.contextmanager
def _automatic_gc_off():
    """Python's automatic collections off, so that only the code under test collects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def test_after_each_cell_the_garbage_it_left_is_collected_and_memory_given_back(cells):
    shell = _Shell()
    with _automatic_gc_off():  # only the first call may collect it, before it freezes
        cells["garbage"] = weakref.ref(_Cycle())
        assert _memory.free_memory_after_each_cell(shell) is True
    assert cells["collected before freeze"] is True
    assert _memory.free_memory_after_each_cell(shell) is True  # a second setup_notebook
    assert len(shell.events.callbacks["post_run_cell"]) == 1
    assert cells["freeze"] == 1
    with _automatic_gc_off():  # only the cell's end may collect the cycle
        left = weakref.ref(_Cycle())
        assert left() is not None
        shell.run_cell()
        assert left() is None
    shell.run_cell()
    assert cells["give back"] == 2


def test_after_a_reload_of_the_module_cells_still_collect_once(cells):
    shell = _Shell()
    assert _memory.free_memory_after_each_cell(shell) is True
    before_reload = shell.events.callbacks["post_run_cell"][0]
    reloaded = importlib.reload(_memory)  # what %autoreload does to a changed module
    assert reloaded.free_memory_after_each_cell(shell) is True  # setup_notebook run again
    assert shell.events.callbacks["post_run_cell"] == [reloaded._after_cell]
    assert reloaded._after_cell is not before_reload
    assert cells["freeze"] == 1


def test_free_memory_after_each_cell_does_nothing_outside_ipython(monkeypatch, cells):
    ipython = pytest.importorskip("IPython")
    monkeypatch.setattr(ipython, "get_ipython", lambda: None)  # a script, not a kernel
    assert _memory.free_memory_after_each_cell() is False
    monkeypatch.delitem(sys.modules, "IPython")
    assert _memory.free_memory_after_each_cell() is False
    assert cells["freeze"] == 0


def test_setup_notebook_sets_it_up_in_the_running_ipython(monkeypatch, cells):
    import IPython

    import aehelpers as ae

    shell = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    ae.setup_notebook(0, verbose=False)
    shell.run_cell()
    assert (cells["freeze"], cells["give back"]) == (1, 1)

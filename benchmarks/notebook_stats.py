"""Run one notebook in a fresh kernel and measure its wall time and peak memory.

Used by ``benchmarks/run.py`` (section 3) and by the reliability tests, which check that
every notebook's kernel stays under the course's memory limit in quick mode::

    from benchmarks.notebook_stats import run_notebook
    seconds, peak = run_notebook("notebooks/02_mnist_autoencoder.ipynb",
                                 {"AEHELPERS_QUICK": "1", "AEHELPERS_DATA_DIR": "..."})

How it measures: the notebook is executed by ``nbclient`` in a child Python process (so
nothing is shared with the caller), with the notebook's folder as working directory. The
kernel's resident memory is the larger of (a) the sum of the RSS of the kernel process and
its children, polled every ``poll`` seconds with psutil, and (b) the kernel's own high-water
mark (``getrusage(...).ru_maxrss``) read by one extra cell appended to the in-memory copy of
the notebook (so short spikes between two polls are not missed). The file on disk is never
changed. Two more cells, one at the start and one at the end (both invisible in the file),
time every ``keras.Model.fit`` call and record which data sets ``aehelpers`` loaded, so a
caller can tell training time from the rest; the first imports aehelpers before Keras, as
every notebook's first cell does, so what that import sets is in place as in a learner's
kernel.

With ``solutions=True`` the exercises are run as solved: each exercise's answer cell (tagged
``exercise-answer``) gets the code of the solution folded into the exercise's text (the
```python block inside ``<details>``), and the printed verdict of each check cell (tagged
``exercise-check``) is returned, so a test can require that every solution passes its check.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

MEMORY_LIMIT_BYTES = 1_200_000_000  # the course's limit for one kernel (Binder has 2 GB)

_MARKER = "__NOTEBOOK_STATS__"

# Prepended to the notebook (in memory only): record the duration and the number of
# training samples of every model.fit call, and the data sets aehelpers loads. It imports
# aehelpers (through aehelpers.data) before Keras, as every notebook's first cell does, so the
# environment variables that import sets for TensorFlow and glibc's M_TOP_PAD
# (aehelpers/_memory.py) are in place before TensorFlow loads.
_FIT_TIMER = """\
import time as _nbs_time
_nbs_loads = []
try:
    import aehelpers.data as _nbs_data
    _nbs_original_load = _nbs_data.load_dataset
    def _nbs_load(name, *args, **kwargs):
        result = _nbs_original_load(name, *args, **kwargs)
        _nbs_loads.append([name, kwargs.get("n_train"), len(result[0][0])])
        return result
    _nbs_data.load_dataset = _nbs_load
except ImportError:
    pass
import keras as _nbs_keras
_nbs_fits = []
_nbs_original_fit = _nbs_keras.Model.fit
def _nbs_fit(self, x=None, *args, **kwargs):
    _nbs_start = _nbs_time.perf_counter()
    try:
        return _nbs_original_fit(self, x, *args, **kwargs)
    finally:
        try:  # arrays, or ae.batches(...) (which keeps its arrays in .inputs)
            _nbs_n = len(x.inputs) if hasattr(x, "inputs") else len(x)
        except Exception:
            _nbs_n = None
        _nbs_fits.append([_nbs_time.perf_counter() - _nbs_start, _nbs_n,
                          kwargs.get("epochs", 1)])
_nbs_keras.Model.fit = _nbs_fit
"""

# Appended to the notebook (in memory only): report the kernel's peak memory and CPU time.
_REPORT = f"""\
import json as _nbs_json, resource as _nbs_resource
_nbs_self = _nbs_resource.getrusage(_nbs_resource.RUSAGE_SELF)
_nbs_kids = _nbs_resource.getrusage(_nbs_resource.RUSAGE_CHILDREN)
def _nbs_memory_split():  # Linux: the kernel's memory now, by kind, in bytes (else empty)
    try:
        with open("/proc/self/status") as status:
            lines = [line.split() for line in status]
    except OSError:
        return {{}}
    kinds = ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads")
    return {{line[0][:-1]: int(line[1]) * (1024 if len(line) > 2 else 1)
            for line in lines if line and line[0][:-1] in kinds}}
print("{_MARKER}" + _nbs_json.dumps({{
    "maxrss_bytes": _nbs_self.ru_maxrss * 1024,
    "cpu_seconds": _nbs_self.ru_utime + _nbs_self.ru_stime
                   + _nbs_kids.ru_utime + _nbs_kids.ru_stime,
    "fits": _nbs_fits,
    "loads": _nbs_loads,
    "memory_at_end": _nbs_memory_split(),
}}))
"""


class NotebookStats(NamedTuple):
    """What :func:`notebook_stats` measured for one notebook run."""

    seconds: float  # wall time from kernel start to the last cell's end
    peak_rss_bytes: int  # kernel (+ its children) peak resident memory
    cpu_seconds: float  # kernel user + system CPU time (None if the run failed)
    fits: list  # [seconds, n_samples or None, epochs] for each model.fit call
    loads: list  # [name, n_train asked, n_train got] for each aehelpers data set loaded
    error: str  # None when every cell ran; else the error, shortened
    checks_text: str = ""  # printed output of the code cells of the "## Checks" section
    cell_peaks: list = ()  # [cell number in the file, its first line, peak RSS bytes in it]
    exercise_outputs: list = ()  # [exercise heading, printed output of its check cell]
    cell_seconds: list = ()  # [cell number in the file, its first line, wall seconds it took]
    # Linux: the kernel's memory when the last cell ended, by kind (bytes; "Threads" a count):
    # VmHWM (its peak), VmRSS = RssAnon (its own data) + RssFile (library code and other
    # mapped files, shared and reloadable) + RssShmem.
    memory_at_end: dict = {}


class NotebookFailed(RuntimeError):
    """A notebook raised an error (or timed out) while it ran."""


def _tree_rss(process, exclude_pid):
    """Return the summed RSS of ``process``'s descendants, except ``exclude_pid``."""
    import psutil

    total = 0
    try:
        children = process.children(recursive=True)
    except psutil.Error:
        return 0
    for child in children:
        if child.pid == exclude_pid:
            continue
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


def drop_cached_libraries(folder):
    """Have Linux drop its cached pages of the compiled libraries under ``folder``; (files, bytes).

    A kernel's RSS counts the pages of TensorFlow's libraries that it maps from the page
    cache. Right after pip has written those files the cache holds them in large blocks
    (folios), and touching one page maps the whole block: on Linux 6.18 here, importing
    TensorFlow from a fresh clone's new .venv mapped 512 MB of library pages, against 400 MB
    in the same .venv once its cached pages were dropped and read back from disk (and 385 MB
    in an older .venv), with the same 270 MB of the kernel's own data. Dropping them before
    the notebooks run makes the memory test measure what a kernel maps on a machine where
    the libraries were installed earlier (Binder's image, Colab's, a learner's laptop), not
    how recently pip ran. Pages that a running process maps stay cached. Does nothing off
    Linux (returns (0, 0)). Rejects a ``folder`` that is not an existing folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
    if not sys.platform.startswith("linux"):
        return 0, 0
    files = size = 0
    for library in folder.rglob("*.so*"):
        if not library.is_file() or library.is_symlink():
            continue
        fd = os.open(library, os.O_RDONLY)
        try:
            os.fsync(fd)  # pages not yet written back cannot be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        files, size = files + 1, size + library.stat().st_size
    return files, size


def memory_rises(cell_peaks, top=3):
    """The cells that raised the kernel's peak memory most: [[cell, first line, +MB, MB]]."""
    rises, highest = [], 0
    for index, line, peak in cell_peaks:
        if highest and peak > highest:
            rises.append([index, line, (peak - highest) / 1e6, peak / 1e6])
        highest = max(highest, peak)
    return sorted(rises, key=lambda rise: -rise[2])[:top]


def memory_summary(stats):
    """One line on a run's memory: its peak, the kernel's memory at the end by kind, the rises."""
    text = f"peak {stats.peak_rss_bytes / 1e6:.0f} MB"
    end = stats.memory_at_end
    if end.get("VmRSS"):
        text += (f"; at the end: RSS {end['VmRSS'] / 1e6:.0f} MB = own data (RssAnon) "
                 f"{end.get('RssAnon', 0) / 1e6:.0f} + mapped files (RssFile) "
                 f"{end.get('RssFile', 0) / 1e6:.0f} + shared memory "
                 f"{end.get('RssShmem', 0) / 1e6:.0f}, the kernel's own peak (VmHWM) "
                 f"{end.get('VmHWM', 0) / 1e6:.0f} MB, {end.get('Threads', '?')} threads")
    rises = memory_rises(stats.cell_peaks)
    if rises:
        text += "; largest rises: " + ", ".join(
            f"cell {index} `{line[:40]}` +{mb:.0f} MB" for index, line, mb, _ in rises)
    return text


def notebook_stats(path, env=None, *, timeout=3600, poll=0.05, solutions=False):
    """Execute the notebook at ``path`` in a fresh kernel and return a :class:`NotebookStats`.

    ``env`` adds environment variables for the kernel (e.g. ``{"AEHELPERS_QUICK": "1"}``);
    the rest of ``os.environ`` is kept. ``timeout`` (seconds) bounds the whole run; ``poll``
    is the memory polling interval; ``solutions=True`` runs the exercises with their folded
    solutions filled in. A failing notebook does not raise here: the result's
    ``error`` says what went wrong. Rejects a path that is not an existing ``.ipynb`` file,
    an ``env`` that is not a dict of strings, and non-positive ``timeout`` or ``poll``.
    """
    import psutil

    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    env = {} if env is None else env
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        raise TypeError("env must be a dict of str -> str (environment variables)")
    for name, value in (("timeout", timeout), ("poll", poll)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")

    child_env = dict(os.environ, **env)
    child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--execute", str(path.resolve()),
             str(result_file), str(float(timeout)), "solutions" if solutions else "as-is"],
            env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        me = psutil.Process(child.pid)
        peak = 0
        stop = threading.Event()

        def watch():
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(me, exclude_pid=child.pid))
                stop.wait(poll)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            _, stderr = child.communicate(timeout=timeout + 120)
        except subprocess.TimeoutExpired:
            child.kill()
            _, stderr = child.communicate()
        finally:
            stop.set()
            watcher.join()
        if result_file.is_file():
            report = json.loads(result_file.read_text())
        else:
            tail = (stderr or "").strip().splitlines()[-5:]
            report = {"seconds": None, "error": "runner died: " + " | ".join(tail)}
    kernel = report.get("kernel") or {}
    return NotebookStats(
        seconds=report.get("seconds"),
        peak_rss_bytes=int(max(peak, kernel.get("maxrss_bytes", 0))),
        cpu_seconds=kernel.get("cpu_seconds"),
        fits=kernel.get("fits", []),
        loads=kernel.get("loads", []),
        error=report.get("error"),
        checks_text=report.get("checks_text", ""),
        cell_peaks=report.get("cell_peaks", []),
        exercise_outputs=report.get("exercise_outputs", []),
        cell_seconds=report.get("cell_seconds", []),
        memory_at_end=kernel.get("memory_at_end", {}),
    )


def run_notebook(path, env=None, *, timeout=3600):
    """Execute a notebook in a fresh kernel; return ``(seconds, peak_rss_bytes)`` of the kernel.

    Raises :class:`NotebookFailed` (with the failing cell's error) if the notebook fails or
    times out. See :func:`notebook_stats` for the arguments and what is rejected.
    """
    stats = notebook_stats(path, env, timeout=timeout)
    if stats.error:
        raise NotebookFailed(f"{path}: {stats.error}")
    return stats.seconds, stats.peak_rss_bytes


SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.S)
EXERCISE = re.compile(r"### Exercise (\d+)\b")


def folded_solutions(path):
    """{N: the python block folded into the text of `### Exercise N`} for a notebook's path."""
    import nbformat

    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        heading = EXERCISE.match(cell.source.lstrip()) if cell.cell_type == "markdown" else None
        solution = SOLUTION.search(cell.source) if heading else None
        if solution:
            found[int(heading.group(1))] = solution.group(1)
    return found


def notebook_settings(path):
    """The names a notebook's ``S = ae.sizes(...)`` cell defines (``S``, and e.g. ``RECIPE``),
    in the mode AEHELPERS_QUICK sets."""
    import nbformat

    import aehelpers as ae

    cell = next(c for c in nbformat.read(path, as_version=4).cells
                if c.source.startswith("S = ae.sizes"))
    namespace = {"ae": ae}
    exec(cell.source, namespace)  # noqa: S102 (the notebook's own cell)
    return namespace


def notebook_sizes(path):
    """The ``S`` of a notebook's ``S = ae.sizes(...)`` cell, in the mode AEHELPERS_QUICK sets."""
    return notebook_settings(path)["S"]


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _exercise_heading(cells, index):
    """The '### Exercise' markdown cell that an answer or check cell at ``index`` belongs to."""
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("### Exercise"):
            return cell
    return None


def fill_in_solutions(nb):
    """Replace every answer cell's code by its exercise's folded solution; return how many.

    Raises ValueError when an answer cell has no exercise heading above it, or that
    exercise's text holds no ``<details>`` block with a ```python solution.
    """
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "exercise-answer" not in _tags(cell):
            continue
        exercise = _exercise_heading(nb.cells, index)
        found = SOLUTION.search(exercise.source) if exercise is not None else None
        if found is None:
            raise ValueError(f"cell {index}: an exercise-answer cell without a folded "
                             "```python solution in its '### Exercise' text above it")
        cell.source = found.group(1).rstrip()
        count += 1
    return count


def _exercise_outputs(cells):
    """[exercise heading, printed text] for every check cell (tagged exercise-check)."""
    rows = []
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and "exercise-check" in _tags(cell):
            exercise = _exercise_heading(cells, index)
            heading = exercise.source.lstrip().splitlines()[0] if exercise else f"cell {index}"
            text = "".join(output.get("text", "") for output in cell.get("outputs", [])
                           if output.get("output_type") == "stream")
            rows.append([heading, text])
    return rows


def _execute(path, result_file, timeout, solutions=False):
    """Child process: run the notebook with nbclient and write a JSON report."""
    import nbclient
    import nbformat
    import psutil

    nb = nbformat.read(path, as_version=4)
    if solutions:
        fill_in_solutions(nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_FIT_TIMER))
    nb.cells.append(nbformat.v4.new_code_cell(_REPORT))

    # Per-cell peaks: a thread polls the kernel's memory; each finished cell takes the
    # highest value seen since the previous one (cell numbers count the file's cells).
    me, seen, cell_peaks, cell_seconds = psutil.Process(), {"max": 0}, [], []
    clock = {"last": time.perf_counter()}
    done = threading.Event()

    def watch():
        while not done.is_set():
            seen["max"] = max(seen["max"], _tree_rss(me, exclude_pid=me.pid))
            done.wait(0.05)

    def on_cell_executed(cell, cell_index, **_):
        now = time.perf_counter()
        if 0 < cell_index < len(nb.cells) - 1:
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            cell_peaks.append([cell_index - 1, first[:80], seen["max"]])
            cell_seconds.append([cell_index - 1, first[:80], now - clock["last"]])
        clock["last"] = now
        seen["max"] = _tree_rss(me, exclude_pid=me.pid)

    client = nbclient.NotebookClient(
        nb, timeout=int(timeout), kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        on_cell_executed=on_cell_executed,
    )
    report = {"error": None}
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as err:  # CellExecutionError, CellTimeoutError, DeadKernelError...
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # drop the traceback's colours
        lines = [line for line in plain.splitlines() if line.strip()]
        report["error"] = f"{type(err).__name__}: " + " | ".join(lines[-3:])[:500]
    report["seconds"] = time.perf_counter() - start
    done.set()
    watcher.join()
    report["cell_peaks"] = cell_peaks
    report["cell_seconds"] = cell_seconds
    for output in nb.cells[-1].get("outputs", []):
        text = output.get("text", "")
        if _MARKER in text:
            report["kernel"] = json.loads(text.split(_MARKER, 1)[1].strip().splitlines()[0])
    report["checks_text"] = _checks_text(nb.cells[1:-1])
    report["exercise_outputs"] = _exercise_outputs(nb.cells[1:-1])
    Path(result_file).write_text(json.dumps(report))


def checks_cells(cells):
    """Indices of the code cells of the "## Checks" section (up to the next "## " heading)."""
    indices, inside = [], False
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            inside = cell.source.lstrip().startswith("## Checks")
        elif inside and cell.cell_type == "code":
            indices.append(index)
    return indices


def _checks_text(cells):
    """Return the printed text of the code cells of the "## Checks" section."""
    return "".join(
        output.get("text", "")
        for index in checks_cells(cells)
        for output in cells[index].get("outputs", []) if output.get("output_type") == "stream"
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--execute":
        _execute(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] == "solutions")
    elif len(sys.argv) == 3 and sys.argv[1] == "--drop-cached-libraries":
        n, size = drop_cached_libraries(sys.argv[2])
        print(f"dropped the cached pages of {n} library files ({size / 1e6:.0f} MB) under "
              f"{sys.argv[2]}")
    elif len(sys.argv) == 2:
        s = notebook_stats(sys.argv[1])
        print(f"{sys.argv[1]}: {s.seconds:.1f} s, peak {s.peak_rss_bytes / 1e6:.0f} MB, "
              f"cpu {s.cpu_seconds} s, error: {s.error}")
    else:
        sys.exit("usage: python benchmarks/notebook_stats.py NOTEBOOK.ipynb\n"
                 "       python benchmarks/notebook_stats.py --drop-cached-libraries FOLDER")

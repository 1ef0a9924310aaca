"""Every notebook runs in a fresh kernel, with its exercises solved, within memory.

Each notebook runs once here (quick mode, AEHELPERS_QUICK=1, data from AEHELPERS_DATA_DIR),
with every exercise's answer cell replaced by the solution folded into the exercise's text:
the run must pass, every exercise check must say "Correct", and the kernel's peak memory
must stay under the course's budget (benchmarks/notebook_stats.py measures it; `make test`
first drops the page cache's copies of .venv's libraries, see tools/run_tests.sh, and each
notebook's memory is written to build/notebook-memory.txt, which CI prints). The printed
figures of the "## Checks" cells are saved in CHECKS_DIR; the browser suite (tests/ui) runs
each notebook a second time, as a learner sees it, in a new kernel, and requires the same
figures: that is the restart test, with each notebook run twice in all.
"""

import os
import re
import sys

import nbformat
import pytest
from conftest import ROOT, SEEDS

from benchmarks.notebook_stats import (
    MEMORY_LIMIT_BYTES,
    SOLUTION,
    drop_cached_libraries,
    fill_in_solutions,
    folded_solutions,
    memory_rises,
    memory_summary,
    notebook_stats,
)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Where each notebook's checked figures are kept for the browser suite's second run.
CHECKS_DIR = ROOT / "build" / "notebook-checks"
# Each notebook's memory in this run, one line each (benchmarks/notebook_stats.memory_summary).
MEMORY_LOG = ROOT / "build" / "notebook-memory.txt"


@pytest.fixture(scope="module")
def quick_env(tmp_path_factory):
    if not os.environ.get("AEHELPERS_DATA_DIR"):
        pytest.skip("set AEHELPERS_DATA_DIR to a local data folder to run the notebooks offline")
    MEMORY_LOG.unlink(missing_ok=True)  # an earlier run's lines must not stand in for this one's
    return {"AEHELPERS_QUICK": "1",
            "AEHELPERS_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}


def _exercise_headings(path):
    nb = nbformat.read(path, as_version=4)
    return [c.source.lstrip().splitlines()[0] for c in nb.cells
            if c.cell_type == "markdown" and c.source.lstrip().startswith("### Exercise")]


def test_filling_in_solutions_replaces_only_answer_cells():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### Exercise 1: x\n\n<details><summary>A solution"
                                      "</summary>\n\n```python\nanswer = 42\n```\n</details>"),
        nbformat.v4.new_code_cell("answer = None", metadata={"tags": ["exercise-answer"]}),
        nbformat.v4.new_code_cell("check(answer)", metadata={"tags": ["exercise-check"]}),
    ])
    assert fill_in_solutions(nb) == 1
    assert [c.source for c in nb.cells[1:]] == ["answer = 42", "check(answer)"]
    nb.cells[0].source = "### Exercise 1: no solution here"
    with pytest.raises(ValueError, match="without a folded"):
        fill_in_solutions(nb)


def test_folded_solutions_are_found_by_exercise_number(tmp_path):
    folded = "<details><summary>A solution</summary>\n\n```python\n{}\n```\n</details>"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### Exercise 1: x\n\n" + folded.format("a = 1")),
        nbformat.v4.new_markdown_cell("Not an exercise\n\n" + folded.format("b = 2")),
        nbformat.v4.new_markdown_cell("### Exercise 12 (open): y\n\n" + folded.format("c = 3")),
        nbformat.v4.new_markdown_cell("### Exercise 3: no solution folded here"),
    ])
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert folded_solutions(tmp_path / "nb.ipynb") == {1: "a = 1\n", 12: "c = 3\n"}


def test_memory_rises_are_the_cells_that_raised_the_peak_most():
    peaks = [[1, "import", 700e6], [2, "load", 750e6], [3, "small", 740e6],
             [4, "train", 900e6], [5, "plot", 905e6]]
    assert memory_rises(peaks, top=2) == [[4, "train", 150.0, 900.0], [2, "load", 50.0, 750.0]]
    assert memory_rises(peaks[:1]) == []  # the first cell raises nothing: it is the floor


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="posix_fadvise is Linux's")
def test_drop_cached_libraries_drops_the_cached_pages_of_the_libraries_only(tmp_path):
    (tmp_path / "lib").mkdir()
    library, other = tmp_path / "lib" / "libx.so.2", tmp_path / "data.txt"
    for path in (library, other):
        path.write_bytes(os.urandom(4 << 20))  # just written: its pages are in the cache
    (tmp_path / "liby.so").symlink_to(library)  # a link is not a second library
    assert drop_cached_libraries(tmp_path) == (1, 4 << 20)
    assert _cached_share(library) < 0.1 and _cached_share(other) == 1.0
    with pytest.raises(ValueError, match="folder must be an existing folder"):
        drop_cached_libraries(tmp_path / "missing")


def _cached_share(path):
    """The share of the file's pages that are in the page cache (mincore on a mapping)."""
    import ctypes
    import mmap

    size, page = path.stat().st_size, mmap.PAGESIZE
    pages = (size + page - 1) // page
    vector = (ctypes.c_ubyte * pages)()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    with path.open("rb") as file, mmap.mmap(file.fileno(), size, access=mmap.ACCESS_COPY) as m:
        first = ctypes.c_char.from_buffer(m)  # reads nothing: only its address is used
        done = libc.mincore(ctypes.addressof(first), size, vector)
        del first  # the mapping closes only once nothing points into it
    assert done == 0, ctypes.get_errno()
    return sum(v & 1 for v in vector) / pages


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_run_reports_the_kernels_memory_at_the_end_by_kind(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("big = bytearray(50_000_000)  # 50 MB the kernel holds"),
    ])
    nbformat.write(nb, tmp_path / "nb.ipynb")
    stats = notebook_stats(tmp_path / "nb.ipynb", timeout=120)
    assert stats.error is None, stats.error
    end = stats.memory_at_end
    assert end["RssAnon"] > 50_000_000
    assert end["VmRSS"] == end["RssAnon"] + end["RssFile"] + end["RssShmem"]
    assert end["VmRSS"] <= end["VmHWM"] <= stats.peak_rss_bytes
    summary = memory_summary(stats)
    assert summary.startswith(f"peak {stats.peak_rss_bytes / 1e6:.0f} MB; at the end: RSS ")
    assert f"own data (RssAnon) {end['RssAnon'] / 1e6:.0f}" in summary


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_exercise_has_an_answer_cell_a_check_cell_and_a_solution(path):
    nb = nbformat.read(path, as_version=4)
    tags = [c.get("metadata", {}).get("tags", []) for c in nb.cells]
    headings = _exercise_headings(path)
    assert len(headings) >= 3, f"{path.name}: {len(headings)} exercises, at least 3 expected"
    assert sum("exercise-answer" in t for t in tags) >= len(headings)
    assert sum("exercise-check" in t for t in tags) >= len(headings)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("### Exercise"):
            assert SOLUTION.search(cell.source), f"{cell.source.splitlines()[0]}: no solution"
    for cell, cell_tags in zip(nb.cells, tags, strict=True):
        if "exercise-check" in cell_tags:
            assert re.search(r"\bae\.check_\w+\(", cell.source), cell.source


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_with_its_solutions_within_memory(path, quick_env):
    stats = notebook_stats(path, quick_env, timeout=900, solutions=True)
    assert stats.error is None, stats.error
    assert stats.checks_text.strip(), "the Checks cells print no figures to compare"
    verdicts = dict(stats.exercise_outputs)
    assert list(verdicts) == _exercise_headings(path), "a check cell is missing or misplaced"
    wrong = {heading: text for heading, text in verdicts.items() if "Correct" not in text}
    assert not wrong, f"solutions that do not pass their check: {wrong}"
    # Kept for CI's log (.ci/run prints it whether the suite passed or not).
    memory = memory_summary(stats)
    MEMORY_LOG.parent.mkdir(parents=True, exist_ok=True)
    with MEMORY_LOG.open("a") as log:
        log.write(f"{path.name} (quick, with solutions): {memory}\n")
    assert stats.peak_rss_bytes <= MEMORY_LIMIT_BYTES, (
        f"peak {stats.peak_rss_bytes / 1e9:.3f} GB over the 1.2 GB budget: {memory}")
    CHECKS_DIR.mkdir(parents=True, exist_ok=True)
    # Written whole, then renamed: the browser suite, running alongside, may be waiting for it.
    partial = CHECKS_DIR / f"{path.stem}.txt.partial"
    partial.write_text(stats.checks_text)
    partial.replace(CHECKS_DIR / f"{path.stem}.txt")


# ---- every solution over seeds 0-4, in quick and full mode (make test-seeds: hours) ----

SETUP_CALL = re.compile(r"ae\.setup_notebook\(\)")


@pytest.mark.seeds
@pytest.mark.parametrize("quick", [True, False], ids=["quick", "full"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_solution_passes_its_check_for_every_seed(path, quick, tmp_path):
    """The whole notebook with its solutions, its setup cell seeded 0 to 4 (SEEDS) in turn.

    Full mode needs the full data: with the local folder's first 10,000 MNIST training
    digits, notebook 02 (all 60,000 for a learner) runs on those 10,000.
    """
    if not os.environ.get("AEHELPERS_DATA_DIR"):
        pytest.skip("set AEHELPERS_DATA_DIR to a local data folder to run the notebooks offline")
    env = {"AEHELPERS_QUICK": "1" if quick else "0",
           "AEHELPERS_CACHE_DIR": str(tmp_path / "cache")}
    verdicts = []
    for seed in SEEDS:
        nb = nbformat.read(path, as_version=4)
        setup = [cell for cell in nb.cells if SETUP_CALL.search(cell.source)]
        assert len(setup) == 1, "one ae.setup_notebook() call expected"
        setup[0].source = SETUP_CALL.sub(f"ae.setup_notebook({seed})", setup[0].source)
        seeded = tmp_path / f"seed{seed}_{path.name}"
        nbformat.write(nb, seeded)
        stats = notebook_stats(seeded, env, timeout=3000, solutions=True)
        assert stats.error is None, (seed, stats.error)
        for heading, text in stats.exercise_outputs:
            print(f"seed {seed}, {heading}: {text.strip()[:300]}")
            verdicts.append((seed, heading, "Correct" in text))
    wrong = [(seed, heading) for seed, heading, ok in verdicts if not ok]
    assert not wrong, f"solutions that failed their check: {wrong}"

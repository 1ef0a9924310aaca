"""Notebooks are restart-safe and fit in memory: two fresh-kernel runs in quick mode.

Each notebook runs twice, each time in a new kernel. Both runs must pass, print the same
checked figures (the output of the "## Checks" cells), and keep the kernel's peak memory
under the course's budget (benchmarks/notebook_stats.py measures it). The suite runs in
quick mode (AEHELPERS_QUICK=1) with the data folder from AEHELPERS_DATA_DIR.
"""

import os

import pytest
from conftest import ROOT

from benchmarks.notebook_stats import MEMORY_LIMIT_BYTES, notebook_stats

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def quick_env(tmp_path_factory):
    if not os.environ.get("AEHELPERS_DATA_DIR"):
        pytest.skip("set AEHELPERS_DATA_DIR to a local data folder to run the notebooks offline")
    return {"AEHELPERS_QUICK": "1",
            "AEHELPERS_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_gives_the_same_checked_figures_twice_within_memory(path, quick_env):
    first = notebook_stats(path, quick_env, timeout=900)
    assert first.error is None, first.error
    second = notebook_stats(path, quick_env, timeout=900)
    assert second.error is None, second.error
    assert first.checks_text.strip(), "the Checks cells print no figures to compare"
    assert first.checks_text == second.checks_text
    peak = max(first.peak_rss_bytes, second.peak_rss_bytes)
    assert peak <= MEMORY_LIMIT_BYTES, f"peak {peak / 1e9:.2f} GB over the 1.2 GB budget"

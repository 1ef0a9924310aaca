"""Notebook 07 says a held-out 1 scores lower than normal digits (a ROC AUC below 0.5) and
that hardly any is flagged at its threshold: run the notebook's own cells in quick mode, at
its own seed, with ``HELD_OUT = 1``, and check.

Measured with the notebook's cells (a fresh kernel per run), HELD_OUT = 1: the held-out 1's
AUC and the share of 1s flagged at the threshold were
- quick mode, seeds 0-4 and 42: 0.330, 0.332, 0.298, 0.386, 0.312 and 0.314; none flagged;
- full mode, seed 42 (the run behind the notebook's table): 0.208; none flagged.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import aehelpers as ae
from aehelpers.config import DEFAULT_SEED

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_anomaly_detection.ipynb"

# The code cells that train the model and score the test sets, from the sizes to the AUCs.
STARTS = ("S = ae.sizes", "(x_digits, y_digits)", "def add_blot", "encoder = keras.Sequential",
          "ae.compile_autoencoder(", "errors = {kind:", "val_errors = ae.reconstruction_errors",
          "from sklearn.metrics import roc_auc_score")


def _run_notebook07(monkeypatch, *, held_out, seed=DEFAULT_SEED):
    """Run notebook 07's cells from its sizes to its AUCs in quick mode; return their names."""
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    ae.setup_notebook(seed, verbose=False)
    import keras

    keras.backend.clear_session()  # models left by earlier tests, and their memory
    namespace = {"ae": ae, "keras": keras, "np": np}
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "code"]
    for start in STARTS:
        found = [c for c in cells if c.startswith(start)]
        assert len(found) == 1, f"{len(found)} code cells of 07 start with {start!r}"
        source = "\n".join(line for line in found[0].splitlines()
                           if not line.strip().endswith(".summary()"))
        if start == "S = ae.sizes":
            source, count = re.subn(r"^HELD_OUT = 0\b", f"HELD_OUT = {held_out}", source,
                                    flags=re.M)
            assert count == 1, "the sizes cell no longer sets HELD_OUT = 0"
        exec(compile(source, f"07:{start}", "exec"), namespace)  # noqa: S102
    return namespace


def _text(heading):
    found = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "markdown" and c.source.startswith(heading)]
    assert len(found) == 1, heading
    return " ".join(found[0].split())


def test_07_says_a_held_out_1_scores_below_chance_and_is_hardly_flagged():
    text = _text("## What a reconstruction error can and cannot see")
    assert "A held-out 1 is the other extreme" in text
    assert "an AUC below 0.5" in text and "hardly any is flagged at the threshold" in text


@pytest.mark.slow
def test_07_a_held_out_1_scores_below_normal_digits(monkeypatch):
    nb = _run_notebook07(monkeypatch, held_out=1)
    assert 1 not in nb["y_train"]  # the model never saw a 1
    auc = nb["auc"]
    flagged = np.mean(nb["errors"]["digit 1"] > nb["threshold"])
    print(f"held-out 1: AUC {auc['digit 1']:.3f}, {flagged:.1%} flagged; {auc}")
    # Below a coin toss by a clear margin (largest seen in quick mode: 0.386).
    assert auc["digit 1"] < 0.45, auc
    # Hardly any held-out 1 is flagged (none seen in any run).
    assert flagged < 0.02, flagged
    # The model did learn: clothes still score above normal digits (quick mode: 0.967 or more).
    assert auc["Fashion-MNIST"] > 0.9, auc

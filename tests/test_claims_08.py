"""Notebook 08 says what its light decoder saves in multiplications: count them.

The models are built from the notebooks' own cells: 08's autoencoder, and notebook 04's
decoder (the "mirror image built from transposed convolutions") with 08's 64-number code.
"""

import re

import pytest

from benchmarks.machine import forward_flops
from tests.test_claims_03_04 import _cells, _run_cell

NB08 = "08_unsupervised_pretraining.ipynb"


def multiplications(model):
    """Multiply-adds per image: the benchmark's FLOP count, 2 FLOPs per multiply-add."""
    return forward_flops(model) // 2


@pytest.fixture(scope="module")
def counts():
    ns08 = _run_cell(NB08, "def make_features")
    mirror = _run_cell("04_convolutional_autoencoder.ipynb", "conv_decoder = keras.Sequential",
                       CODE_SIZE=ns08["CODE_SIZE"])["conv_decoder"]
    assert mirror.input.shape[-1] == ns08["decoder"].input.shape[-1] == 64
    return {"encoder": multiplications(ns08["encoder"]),
            "decoder": multiplications(ns08["decoder"]),
            "mirror": multiplications(mirror)}


def _model_text():
    heading = "## A convolutional encoder, a light decoder"
    found = [cell.source for cell in _cells(NB08)
             if cell.cell_type == "markdown" and heading in cell.source]
    assert len(found) == 1
    return " ".join(found[0].split())


def test_08_light_decoder_costs_what_the_text_says(counts):
    text = _model_text()
    said = [float(x) for x in re.findall(r"about ([\d.]+) million", text)]
    assert said == [round(counts["decoder"] / 1e6, 2), round(counts["encoder"] / 1e6, 2)], said
    # "would do as many multiplications as the encoder itself"
    assert counts["mirror"] == counts["encoder"], counts
    ratio = (counts["encoder"] + counts["mirror"]) / (counts["encoder"] + counts["decoder"])
    assert f"about {ratio:.1f} times the multiplications" in text, ratio
    assert counts["decoder"] < counts["encoder"] / 4, counts  # "light"

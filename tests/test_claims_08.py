"""Notebook 08 says what its light decoder saves in multiplications: count them.

The models are built from the notebooks' own cells: 08's autoencoder, and notebook 04's
decoder (the "mirror image built from transposed convolutions") with 08's 64-number code.
"""

import math
import re

import pytest

from tests.test_claims_03_04 import _cells, _run_cell

NB08 = "08_unsupervised_pretraining.ipynb"


def multiplications(model):
    """Multiply-adds per image of a model's Dense, Conv2D and Conv2DTranspose layers."""
    from aehelpers.exercises._inspect import layers

    total = 0
    for layer in layers(model):
        kind = type(layer).__name__
        if kind == "Dense":
            total += layer.input.shape[-1] * layer.units
        elif kind == "Conv2D":  # every output value: kernel_h x kernel_w x input channels
            h, w, filters = layer.output.shape[1:]
            total += h * w * filters * math.prod(layer.kernel_size) * layer.input.shape[-1]
        elif kind == "Conv2DTranspose":  # every input value is spread over a kernel per filter
            h, w, channels = layer.input.shape[1:]
            total += h * w * channels * math.prod(layer.kernel_size) * layer.filters
    return total


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

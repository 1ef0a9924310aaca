"""Notebook 08 says what its light decoder saves in multiplications, and which bar of its
model's picture is not to scale: count them.

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
def ns08():
    """The names of 08's model cell: make_features, features, encoder, decoder, autoencoder."""
    return _run_cell(NB08, "def make_features")


@pytest.fixture(scope="module")
def counts(ns08):
    mirror = _run_cell("04_convolutional_autoencoder.ipynb", "conv_decoder = keras.Sequential",
                       CODE_SIZE=ns08["CODE_SIZE"])["conv_decoder"]
    assert mirror.input.shape[-1] == ns08["decoder"].input.shape[-1] == 64
    return {"encoder": multiplications(ns08["encoder"]),
            "decoder": multiplications(ns08["decoder"]),
            "mirror": multiplications(mirror)}


def _markdown(words):
    """The one markdown cell of 08 that contains `words`, on one line."""
    found = [cell.source for cell in _cells(NB08)
             if cell.cell_type == "markdown" and words in cell.source]
    assert len(found) == 1
    return " ".join(found[0].split())


def _model_text():
    return _markdown("## A convolutional encoder, a light decoder")


def test_08_light_decoder_costs_what_the_text_says(counts):
    text = _model_text()
    said = [float(x) for x in re.findall(r"about ([\d.]+) million", text)]
    assert said == [round(counts["decoder"] / 1e6, 2), round(counts["encoder"] / 1e6, 2)], said
    # "would do as many multiplications as the encoder itself"
    assert counts["mirror"] == counts["encoder"], counts
    ratio = (counts["encoder"] + counts["mirror"]) / (counts["encoder"] + counts["decoder"])
    assert f"about {ratio:.1f} times the multiplications" in text, ratio
    assert counts["decoder"] < counts["encoder"] / 4, counts  # "light"


def test_08_text_names_the_bar_drawn_at_the_minimum_height(ns08):
    """The picture's text: which bar is taller than to scale, and by how much it falls short."""
    from matplotlib.patches import Rectangle

    import aehelpers as ae
    from aehelpers.diagrams.architecture import MIN_HEIGHT

    ax = ae.plot_architecture(ns08["autoencoder"]).axes[0]
    heights = [p.get_height() for p in sorted(
        (p for p in ax.patches if isinstance(p, Rectangle)), key=lambda p: p.get_x())]
    numbers = [int(t.get_text().replace(",", "")) for t in sorted(
        (t for t in ax.texts if re.fullmatch(r"[\d,]+", t.get_text())),
        key=lambda t: t.get_position()[0])]
    assert len(numbers) == len(heights)
    at_minimum = [n for n, h in zip(numbers, heights, strict=True)
                  if h == pytest.approx(MIN_HEIGHT * max(heights))]
    assert at_minimum == [ns08["CODE_SIZE"]], (numbers, heights)
    text = _markdown("The same autoencoder as a picture")
    assert f"under {MIN_HEIGHT:.1%} of the tallest is drawn at {MIN_HEIGHT:.1%}" in text
    code, tallest = at_minimum[0], max(numbers)
    assert (f"the {code}-number code, at {code / tallest:.1%} of the {tallest:,} numbers of "
            "the first `Conv2D`") in text, text
    assert numbers.index(tallest) == 1  # the bar after the input's: the first Conv2D

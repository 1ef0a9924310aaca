"""The transposed-convolution picture of notebook 04: what it draws is what Keras computes."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import aehelpers as ae


def _counts_drawn(fig):
    """The numbers written in the last panel, as a square array."""
    texts = fig.axes[2].texts
    side = int(round(len(texts) ** 0.5))
    grid = np.zeros((side, side), dtype=int)
    for text in texts:
        x, y = text.get_position()
        grid[int(round(y)), int(round(x))] = int(text.get_text())
    return grid


@pytest.mark.parametrize(("input_size", "kernel_size", "stride"),
                         [(2, 3, 2), (3, 3, 2), (3, 4, 2), (2, 2, 3), (1, 3, 1)])
def test_the_counts_drawn_are_keras_output_for_ones(input_size, kernel_size, stride):
    import keras

    fig = ae.plot_transposed_convolution(input_size=input_size, kernel_size=kernel_size,
                                         stride=stride)
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=stride, padding="valid",
                                         use_bias=False, kernel_initializer="ones")
    ones = np.ones((1, input_size, input_size, 1), "float32")
    expected = keras.ops.convert_to_numpy(layer(ones))[0, :, :, 0]
    side = (input_size - 1) * stride + max(kernel_size, stride)
    assert expected.shape == (side, side)
    np.testing.assert_array_equal(_counts_drawn(fig), expected)


@pytest.mark.parametrize(("input_size", "kernel_size", "stride"),
                         [(2, 3, 2), (4, 3, 2), (3, 4, 2), (3, 5, 2), (2, 2, 3)])
def test_same_padding_keeps_the_part_of_the_drawn_output_the_docstring_names(
        input_size, kernel_size, stride):
    """Notebook 04: with a 3 x 3 kernel and stride 2, "same" keeps the first rows and columns."""
    import keras

    drawn = _counts_drawn(ae.plot_transposed_convolution(
        input_size=input_size, kernel_size=kernel_size, stride=stride))
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=stride, padding="same",
                                         use_bias=False, kernel_initializer="ones")
    ones = np.ones((1, input_size, input_size, 1), "float32")
    kept = keras.ops.convert_to_numpy(layer(ones))[0, :, :, 0]
    side, start = input_size * stride, max(kernel_size - stride, 0) // 2
    assert kept.shape == (side, side)
    np.testing.assert_array_equal(kept, drawn[start:start + side, start:start + side])
    if (kernel_size, stride) == (3, 2):  # the notebook's layers: the last row and column go
        assert start == 0 and drawn.shape == (side + 1, side + 1)


def test_it_returns_a_figure_with_three_panels_and_one_letter_per_input():
    fig = ae.plot_transposed_convolution(input_size=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert sorted(t.get_text() for t in fig.axes[0].texts) == list("abcdefghi")
    assert "stride 2" in fig._suptitle.get_text()


def test_it_does_not_leave_figures_open_in_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    ae.plot_transposed_convolution()
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [({"input_size": 2.0}, TypeError, "input_size"),
     ({"kernel_size": "3"}, TypeError, "kernel_size"),
     ({"stride": True}, TypeError, "stride"),
     ({"input_size": 0}, ValueError, "input_size"),
     ({"kernel_size": 6}, ValueError, "kernel_size"),
     ({"stride": 5}, ValueError, "stride")],
)
def test_bad_sizes_are_rejected_with_the_argument_named(kwargs, error, words):
    with pytest.raises(error, match=f"plot_transposed_convolution.*{words}"):
        ae.plot_transposed_convolution(**kwargs)


def test_the_options_are_keyword_only():
    with pytest.raises(TypeError):
        ae.plot_transposed_convolution(2)

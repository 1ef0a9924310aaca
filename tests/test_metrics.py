"""Tests for aehelpers.metrics (reconstruction errors, the threshold) and the histogram figure."""

import subprocess
import sys

import numpy as np
import pytest

from aehelpers.metrics import pick_threshold, reconstruction_errors
from aehelpers.plots import plot_error_histograms


class ScaleModel:
    """A stand-in autoencoder without TensorFlow: returns ``factor * x``, records batch shapes."""

    def __init__(self, factor=0.5, output_shape=None):
        self.factor = factor
        self.calls = []
        if output_shape is not None:
            self.output_shape = output_shape

    def __call__(self, x):
        self.calls.append(x.shape)
        return self.factor * x


@pytest.fixture
def images():
    return np.random.default_rng(0).uniform(size=(7, 28, 28)).astype(np.float32)


def test_errors_are_per_image_mse(images):
    model = ScaleModel(0.5)
    errors = reconstruction_errors(model, images, batch_size=3)
    expected = ((images - 0.5 * images) ** 2).reshape(7, -1).mean(axis=1)
    assert errors.shape == (7,)
    np.testing.assert_allclose(errors, expected, rtol=1e-6)
    assert model.calls == [(3, 28, 28), (3, 28, 28), (1, 28, 28)]  # batch by batch


def test_sum_reduction_is_mean_times_pixels(images):
    model = ScaleModel(0.25)
    mean = reconstruction_errors(model, images)
    total = reconstruction_errors(model, images, reduce="sum")
    np.testing.assert_allclose(total, mean * 784, rtol=1e-6)


def test_worse_reconstruction_scores_higher(images):
    good = reconstruction_errors(ScaleModel(0.9), images)
    bad = reconstruction_errors(ScaleModel(0.1), images)
    assert np.all(bad > good)
    assert np.all(reconstruction_errors(ScaleModel(1.0), images) == 0)


def test_accepts_flat_images_and_lists():
    flat = [[0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]
    errors = reconstruction_errors(ScaleModel(0.0), flat)
    np.testing.assert_allclose(errors, [0.5, 1.0])


@pytest.mark.parametrize(
    "bad, error, words",
    [
        (np.zeros(5), ValueError, "at least 2 dimensions"),
        (np.zeros((0, 4)), ValueError, "empty"),
        (np.array([[0.0, np.nan]]), ValueError, "NaN"),
        (np.array([["a", "b"]]), TypeError, "numbers"),
        (np.array([[1 + 1j, 0j]]), TypeError, "numbers"),
    ],
)
def test_rejects_bad_images(bad, error, words):
    with pytest.raises(error, match=words):
        reconstruction_errors(ScaleModel(), bad)


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-1, ValueError),
                                               (2.5, TypeError), (True, TypeError),
                                               ("8", TypeError)])
def test_rejects_bad_batch_size(images, batch_size, error):
    with pytest.raises(error, match="batch_size"):
        reconstruction_errors(ScaleModel(), images, batch_size=batch_size)


def test_rejects_unknown_reduce(images):
    with pytest.raises(ValueError, match="reduce"):
        reconstruction_errors(ScaleModel(), images, reduce="max")


def test_accepts_a_plain_function(images):
    errors = reconstruction_errors(lambda batch: np.zeros_like(batch), images)
    np.testing.assert_allclose(errors, (images**2).reshape(7, -1).mean(axis=1), rtol=1e-6)


def test_rejects_a_model_that_is_not_callable(images):
    with pytest.raises(TypeError, match="model"):
        reconstruction_errors("autoencoder", images)


def test_rejects_declared_output_shape_mismatch(images):
    model = ScaleModel(output_shape=(None, 784))
    with pytest.raises(ValueError, match="output shape"):
        reconstruction_errors(model, images)
    assert model.calls == []  # rejected before the model runs


def test_accepts_matching_declared_shape(images):
    model = ScaleModel(output_shape=(None, 28, 28))
    assert reconstruction_errors(model, images).shape == (7,)


def test_rejects_output_of_another_shape_found_when_running(images):
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_errors(lambda batch: batch.reshape(len(batch), -1), images)


def test_bad_input_is_rejected_before_tensorflow_is_imported():
    code = (
        "import sys\n"
        "from aehelpers.metrics import reconstruction_errors\n"
        "try:\n"
        "    reconstruction_errors(lambda x: x, [1.0, 2.0])\n"
        "except ValueError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no error')\n"
        "print('tensorflow' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_with_a_real_keras_model_in_inference_mode():
    keras = pytest.importorskip("keras")
    inputs = keras.Input(shape=(28, 28))
    flat = keras.layers.Flatten()(inputs)
    code = keras.layers.Dropout(0.5)(keras.layers.Dense(8, activation="relu")(flat))
    out = keras.layers.Reshape((28, 28))(keras.layers.Dense(784, activation="sigmoid")(code))
    model = keras.Model(inputs, out)
    x = np.random.default_rng(1).uniform(size=(10, 28, 28)).astype(np.float32)
    errors = reconstruction_errors(model, x, batch_size=4)
    # predict() runs without dropout too: the same numbers, and the same on a second call.
    expected = ((model.predict(x, verbose=0) - x) ** 2).reshape(10, -1).mean(axis=1)
    np.testing.assert_allclose(errors, expected, rtol=1e-5)
    np.testing.assert_array_equal(errors, reconstruction_errors(model, x, batch_size=4))
    with pytest.raises(ValueError, match="output shape"):
        reconstruction_errors(model, x.reshape(10, 784))


# --------------------------------------------------------------------------- threshold


def test_threshold_is_the_quantile_of_normal_scores():
    scores = np.arange(1, 101, dtype=float)  # 1..100
    threshold = pick_threshold(scores, quantile=0.9)
    assert threshold == pytest.approx(np.quantile(scores, 0.9))
    assert np.mean(scores > threshold) == pytest.approx(0.1)


def test_threshold_flags_about_one_percent_of_new_normal_scores():
    rng = np.random.default_rng(3)
    threshold = pick_threshold(rng.lognormal(size=20_000))  # quantile=0.99 by default
    fresh = rng.lognormal(size=20_000)
    assert 0.007 < np.mean(fresh > threshold) < 0.013


@pytest.mark.parametrize("quantile, error", [(0, ValueError), (1, ValueError), (1.5, ValueError),
                                             (-0.1, ValueError), (True, TypeError),
                                             ("0.9", TypeError), (None, TypeError)])
def test_threshold_rejects_bad_quantile(quantile, error):
    with pytest.raises(error, match="quantile"):
        pick_threshold([1.0, 2.0, 3.0], quantile=quantile)


@pytest.mark.parametrize(
    "scores, error",
    [([], ValueError), ([[1.0, 2.0]], ValueError), ([1.0, np.inf], ValueError),
     (["a"], TypeError)],
)
def test_threshold_rejects_bad_scores(scores, error):
    with pytest.raises(error, match="scores_normal"):
        pick_threshold(scores)


# --------------------------------------------------------------------------- histograms


def test_histograms_return_a_figure_with_one_bar_set_per_group():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    fig = plot_error_histograms(
        {"normal": rng.lognormal(-4, 0.3, 500), "odd": rng.lognormal(-2, 0.3, 200)},
        threshold=0.05,
    )
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == ["normal (500)", "odd (200)", "threshold"]


@pytest.mark.parametrize(
    "errors, kwargs, error",
    [
        ({}, {}, ValueError),
        ([1.0, 2.0], {}, TypeError),
        ({"a": [0.0, 1.0]}, {}, ValueError),  # zero on a log axis
        ({"a": [1.0, 2.0]}, {"bins": 0}, ValueError),
        ({"a": [1.0, 2.0]}, {"threshold": "high"}, TypeError),
    ],
)
def test_histograms_reject_bad_input(errors, kwargs, error):
    with pytest.raises(error):
        plot_error_histograms(errors, **kwargs)

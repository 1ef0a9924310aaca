"""Tests for aehelpers.widgets.denoising: denoising_widget."""

import io

import numpy as np
import pytest

import aehelpers as ae


@pytest.fixture
def clean():
    return np.random.default_rng(0).uniform(0.2, 0.8, size=(6, 28, 28)).astype(np.float32)


def _pixels(view):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(view.picture.value)))


def _numbers(view):
    """The two MSE values in the caption: (noisy, denoised)."""
    import re

    return [float(v) for v in re.findall(r"<b>([0-9.]+)</b>", view.caption.value)]


def test_widget_shows_three_rows_and_the_errors(clean):
    import ipywidgets as widgets

    view = ae.denoising_widget(lambda batch: np.full_like(batch, 0.5), clean, level=0.3)
    assert isinstance(view, widgets.VBox)
    pixels = _pixels(view)
    # 3 rows of 28 * 3 pixels, each tile in a 3-pixel white frame, tiles 2 pixels apart.
    assert pixels.shape == (3 * (84 + 6), 6 * (84 + 6 + 2), 3)
    assert "aehelpers-denoising" in view._dom_classes and "aehelpers-view" in view._dom_classes
    noisy, denoised = _numbers(view)
    expected_noisy = np.mean((ae.add_noise(clean, level=0.3, seed=0) - clean) ** 2)
    assert noisy == pytest.approx(expected_noisy, abs=1e-4)
    assert denoised == pytest.approx(np.mean((0.5 - clean) ** 2), abs=1e-4)


def test_slider_changes_the_noise_and_the_model_sees_the_noisy_images(clean):
    seen = []

    def model(batch):
        seen.append(batch.copy())
        return batch

    view = ae.denoising_widget(model, clean, level=0.1)
    first = _pixels(view)
    view.slider.value = 0.6
    assert not np.array_equal(first, _pixels(view))
    np.testing.assert_array_equal(seen[-1], ae.add_noise(clean, level=0.6, seed=0))
    noisy, denoised = _numbers(view)
    assert noisy == pytest.approx(denoised)  # the identity "model" changes nothing
    view.slider.value = 0.0
    assert _numbers(view) == [0.0, 0.0]


def test_kind_menu_switches_to_masking(clean):
    view = ae.denoising_widget(lambda batch: batch, clean, level=0.5)
    view.kind_menu.value = "mask"
    assert "mask noise" in view.caption.value
    noisy = _numbers(view)[0]
    expected = np.mean((ae.add_noise(clean, kind="mask", level=0.5, seed=0) - clean) ** 2)
    assert noisy == pytest.approx(expected, abs=1e-4)


def test_works_with_a_keras_model_on_flat_images():
    import keras

    x = np.random.default_rng(1).random((4, 784), dtype=np.float32)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(784, activation="sigmoid")])
    view = ae.denoising_widget(model, x, kind="mask", level=0.2)
    assert len(_numbers(view)) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"kind": "salt"}, ValueError, "kind"),
        ({"level": -0.1}, ValueError, "level"),
        ({"level": 0.9}, ValueError, "level must be a finite number in [0, 0.8]"),
        ({"max_level": 0}, ValueError, "max_level"),
        ({"kind": "mask", "max_level": 1.5}, ValueError,
         "max_level must be a finite number in (0, 1"),
        ({"level": "high"}, TypeError, "level"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
        ({"image_shape": (28,)}, TypeError, "image_shape"),
        ({"image_shape": (14, 14)}, ValueError, "does not match image_shape"),
    ],
)
def test_rejects_bad_options(clean, kwargs, error, words):
    with pytest.raises(error, match="denoising_widget") as info:
        ae.denoising_widget(lambda b: b, clean, **kwargs)
    assert words in str(info.value)


def test_rejects_bad_models_and_images(clean):
    with pytest.raises(TypeError, match="model"):
        ae.denoising_widget("model", clean)
    with pytest.raises(ValueError, match="1 to 16 images"):
        ae.denoising_widget(lambda b: b, np.zeros((20, 28, 28)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ae.denoising_widget(lambda b: b, clean * 255)
    with pytest.raises(ValueError, match="one denoised image per input"):
        ae.denoising_widget(lambda b: b[:2], clean)

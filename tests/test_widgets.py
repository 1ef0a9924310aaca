"""The interactive views: each builder returns one widget that redraws, filters, reports
errors in its own output, rejects bad input early, and LiveTrainingView updates in place."""

import io

import keras
import numpy as np
import pytest
from PIL import Image

import aehelpers as ae
from aehelpers.widgets import live
from aehelpers.widgets._view import _STATIC_NOTE

N = 60
SIDE = 28


def pixels_of(png, scale):
    """Decode a PNG shown by a view back to the image's pixel values x 255 (undo the
    enlargement and the drawing style: dark ink on white paper, so white is 0, black 255)."""
    array = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB")).astype(np.int64)
    assert np.all(array[..., 0] == array[..., 1]) and np.all(array[..., 1] == array[..., 2])
    return 255 - array[::scale, ::scale, 0]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.random((N, SIDE * SIDE)).astype("float32")
    y = np.arange(N) % 3
    return x, y


@pytest.fixture(scope="module")
def dense_ae():
    """A tiny dense autoencoder with a 2-number code, compiled with cross-entropy."""
    keras.utils.set_random_seed(1)
    encoder = keras.Sequential([keras.Input((SIDE * SIDE,)), keras.layers.Dense(2)])
    decoder = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(SIDE * SIDE, activation="sigmoid")]
    )
    model = keras.Sequential([encoder, decoder])
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=False)
    return encoder, decoder, model


class Recorder:
    """A decoder/model stand-in that records the batches it is called with."""

    def __init__(self, function):
        self.function = function
        self.calls = []

    def __call__(self, batch):
        self.calls.append(np.array(batch))
        return self.function(np.asarray(batch))


# --------------------------------------------------------------------------- browser


def test_browser_is_one_widget_drawn_at_construction(dense_ae, data):
    import ipywidgets

    x, _ = data
    view = ae.reconstruction_browser(dense_ae[2], x)
    assert isinstance(view, ipywidgets.VBox)
    for name in ("original", "reconstruction", "error"):
        assert bytes(view.images[name].value).startswith(b"\x89PNG"), name
    assert "image 0" in view.status.value


def test_browser_slider_shows_the_chosen_image_and_its_reconstruction(dense_ae, data):
    x, _ = data
    model = dense_ae[2]
    view = ae.reconstruction_browser(model, x)
    before = bytes(view.images["reconstruction"].value)
    view.controls["index"].value = 7
    assert bytes(view.images["reconstruction"].value) != before
    scale = 140 // SIDE
    shown_original = pixels_of(view.images["original"].value, scale)
    shown_recon = pixels_of(view.images["reconstruction"].value, scale)
    expected = np.clip(np.rint(model.predict(x[7:8], verbose=0)[0] * 255), 0, 255)
    np.testing.assert_array_equal(shown_original, np.rint(x[7] * 255).reshape(SIDE, SIDE))
    np.testing.assert_allclose(shown_recon, expected.reshape(SIDE, SIDE), atol=1)
    # The index box and the slider are one control.
    view.controls["box"].value = 3
    assert view.controls["index"].value == 3 and view.current == 3


def test_browser_loss_is_the_keras_loss_of_that_image(dense_ae, data):
    x, _ = data
    model = dense_ae[2]
    view = ae.reconstruction_browser(model, x)
    assert view.loss_name == "binary cross-entropy"
    recon = model.predict(x[:5], verbose=0)
    keras_loss = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(x[:5], recon))
    np.testing.assert_allclose(view.losses[:5], keras_loss, rtol=1e-3)
    view.controls["index"].value = 4
    assert f"{view.losses[4]:.4f}" in view.status.value


def test_browser_class_filter_restricts_the_slider(dense_ae, data):
    x, y = data
    view = ae.reconstruction_browser(dense_ae[2], x, labels=y, class_names=["a", "b", "c"])
    view.controls["class"].value = 2
    slider = view.controls["index"]
    assert slider.max == np.sum(y == 2) - 1
    seen = []
    for position in range(slider.max + 1):
        slider.value = position
        seen.append(view.current)
    assert sorted(seen) == list(np.flatnonzero(y == 2))
    assert "· c" in view.status.value
    view.controls["class"].value = -1
    assert slider.max == N - 1


def test_browser_worst_first_starts_at_the_largest_loss(dense_ae, data):
    x, _ = data
    view = ae.reconstruction_browser(dense_ae[2], x)
    view.controls["index"].value = 10
    view.controls["order"].value = "worst"
    assert view.controls["index"].value == 0
    assert view.current == int(np.argmax(view.losses))
    view.controls["order"].value = "best"
    assert view.current == int(np.argmin(view.losses))


def test_uint8_images_are_divided_by_255_with_a_warning(dense_ae, data):
    x, _ = data
    as_bytes = np.rint(x[:10] * 255).astype(np.uint8)
    with pytest.warns(UserWarning, match="dividing by 255"):
        view = ae.reconstruction_browser(dense_ae[2], as_bytes)
    np.testing.assert_array_equal(
        pixels_of(view.images["original"].value, 140 // SIDE), as_bytes[0].reshape(SIDE, SIDE)
    )


def test_images_in_another_layout_reach_the_model_in_that_layout(data):
    x, _ = data
    images = x[:6].reshape(6, SIDE, SIDE, 1)
    model = Recorder(lambda batch: 1.0 - batch)
    view = ae.reconstruction_browser(model, images)
    assert model.calls[0].shape == (6, SIDE, SIDE, 1)
    assert view.losses.shape == (6,)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"model": "autoencoder"}, TypeError, "model must be"),
        ({"model": keras.Model}, TypeError, "model must be"),
        ({"images": np.zeros((4, 10))}, ValueError, "image_shape"),
        ({"images": np.zeros(784)}, ValueError, "batch of images"),
        ({"images": np.full((4, 784), 3.0)}, ValueError, "[0, 1]"),
        ({"images": np.full((4, 784), np.nan)}, ValueError, "NaN"),
        ({"images": np.zeros((4, 784), dtype=np.int64) - 1}, ValueError, "integers"),
        ({"images": "x_test"}, TypeError, "images must be"),
        ({"images": np.zeros((0, 784))}, ValueError, "empty"),
        ({"images": np.zeros((10_001, 784), np.float32)}, ValueError, "pass a slice"),
        ({"labels": [0, 1]}, ValueError, "labels must be a 1-D array"),
        ({"labels": np.full(4, 0.5)}, TypeError, "whole class numbers"),
        ({"labels": [0, 1, -1, 0]}, ValueError, "labels must be >= 0"),
        ({"class_names": ["a"]}, ValueError, "class_names needs labels"),
        ({"labels": [0, 1, 2, 0], "class_names": ["a", "b"]}, ValueError, "class_names has 2"),
        ({"labels": [0, 1, 2, 0], "class_names": "abc"}, TypeError, "class_names must be"),
        ({"image_shape": (28,)}, TypeError, "image_shape must be"),
        ({"image_shape": (28, 28, 2)}, ValueError, "1 or 3 channels"),
    ],
)
def test_browser_rejects_bad_input_before_calling_the_model(kwargs, error, words):
    model = Recorder(lambda batch: batch)
    arguments = {"model": model, "images": np.zeros((4, 784), np.float32), **kwargs}
    with pytest.raises(error) as info:
        ae.reconstruction_browser(arguments.pop("model"), arguments.pop("images"), **arguments)
    assert words in str(info.value)
    assert "reconstruction_browser()" in str(info.value)
    assert model.calls == []


def test_browser_rejects_a_model_that_does_not_reconstruct(data):
    x, _ = data
    classifier = Recorder(lambda batch: np.zeros((len(batch), 10), np.float32))
    with pytest.raises(ValueError, match=r"model returned shape \(10, 10\)"):
        ae.reconstruction_browser(classifier, x[:10])


# --------------------------------------------------------------------------- latent explorer


def test_latent_explorer_2d_sliders_decode_the_code_they_show(dense_ae, data):
    encoder, decoder, _ = dense_ae
    x, y = data
    codes = encoder.predict(x, verbose=0)
    view = ae.latent_explorer(decoder, codes=codes, labels=y, class_names=["a", "b", "c"])
    z0, z1 = view.controls["z0"], view.controls["z1"]
    assert z0.min <= codes[:, 0].min() and z0.max >= codes[:, 0].max()
    before = (bytes(view.images["decoded"].value), bytes(view.images["codes"].value))
    z0.value = z0.min + 0.25 * (z0.max - z0.min)
    z1.value = z1.max
    assert bytes(view.images["decoded"].value) != before[0]
    assert bytes(view.images["codes"].value) != before[1]  # the marker moved
    code = np.array([[z0.value, z1.value]], np.float32)
    expected = np.clip(np.rint(decoder.predict(code, verbose=0)[0] * 255), 0, 255)
    shown = pixels_of(view.images["decoded"].value, 200 // SIDE)
    np.testing.assert_allclose(shown, expected.reshape(SIDE, SIDE), atol=1)


def test_latent_explorer_moves_along_the_main_direction_of_the_codes():
    rng = np.random.default_rng(3)
    main = np.array([3.0, 4.0, 0.0, 0.0, 0.0, 0.0]) / 5.0
    codes = rng.normal(size=(500, 1)) * 5.0 * main + rng.normal(scale=0.1, size=(500, 6))
    decoder = Recorder(lambda z: np.tile(np.tanh(z[:, :1]) * 0.5 + 0.5, (1, 784)))
    view = ae.latent_explorer(decoder, codes=codes)
    assert [name for name in view.controls if name.startswith("z")] == [f"z{i}" for i in range(5)]
    start = decoder.calls[-1][0]
    first_picture = bytes(view.images["decoded"].value)
    view.controls["z0"].value = 2.0
    moved = decoder.calls[-1][0] - start
    cosine = abs(moved @ main) / np.linalg.norm(moved)
    assert cosine > 0.99
    # two standard deviations along that direction (its std is about 5)
    assert 8.0 < np.linalg.norm(moved) < 12.0
    calls = len(decoder.calls)
    view.controls["reset"].click()
    assert all(view.controls[f"z{i}"].value == 0 for i in range(5))
    assert bytes(view.images["decoded"].value) == first_picture
    assert len(decoder.calls) == calls  # the centre was decoded before: taken from the cache


def test_a_code_number_that_never_changes_still_gets_a_usable_slider():
    codes = np.column_stack([np.linspace(-1, 4, 50), np.zeros(50)])  # e.g. a dead ReLU unit
    view = ae.latent_explorer(lambda z: np.zeros((len(z), 784)), codes=codes)
    z1 = view.controls["z1"]
    assert (z1.min, z1.value, z1.max) == (-1.0, 0.0, 1.0)


def test_pictures_keep_their_own_size(dense_ae, data):
    view = ae.reconstruction_browser(dense_ae[2], data[0])
    image = view.images["original"]
    width = Image.open(io.BytesIO(bytes(image.value))).size[0]
    assert image.layout.width == f"{width}px"  # not stretched to the cell's width


def test_latent_explorer_without_codes_reads_the_keras_decoder_input():
    decoder = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784, activation="sigmoid")])
    view = ae.latent_explorer(decoder)
    sliders = [control for name, control in view.controls.items() if name.startswith("z")]
    assert len(sliders) == 3
    assert all(s.min == -3 and s.max == 3 and s.value == 0 for s in sliders)
    assert "codes" not in view.images


def test_an_error_while_redrawing_is_shown_in_the_view(data):
    def decoder(z):
        if z[0, 0] > 1.0:
            raise RuntimeError("the decoder broke on purpose")
        return np.zeros((len(z), 784), np.float32)

    codes = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    view = ae.latent_explorer(decoder, codes=codes)
    assert view.output.outputs == ()
    view.controls["z0"].value = 1.5  # must not raise here
    (shown,) = view.output.outputs
    assert shown["name"] == "stderr"
    assert "RuntimeError: the decoder broke on purpose" in shown["text"]
    assert "Traceback" in shown["text"]
    assert "RuntimeError" in view.status.value
    view.controls["z0"].value = 0.0  # a good value again clears the message
    assert view.output.outputs == ()


@pytest.mark.parametrize(
    ("decoder", "kwargs", "error", "words"),
    [
        (None, {}, TypeError, "decoder must be"),
        ("plain", {}, TypeError, "pass codes="),
        ("plain", {"codes": np.zeros(5)}, ValueError, "must have 2 dimensions"),
        ("plain", {"codes": [np.zeros((4, 2))] * 3}, ValueError, "codes=encoder.predict(x)[0]"),
        ("plain", {"codes": np.full((4, 2), np.inf)}, ValueError, "NaN or infinite"),
        ("keras3", {"codes": np.zeros((4, 2))}, ValueError, "decoder expects 3"),
        ("plain", {"labels": [1, 2]}, ValueError, "labels needs codes"),
        ("plain", {"codes": np.zeros((4, 2)), "labels": [1]}, ValueError, "labels must be"),
        ("plain", {"codes": np.zeros((4, 2)), "image_shape": 784}, TypeError, "image_shape"),
        ("plain", {"codes": np.zeros((4, 2)), "class_names": ["a"]}, ValueError, "needs labels"),
        ("plain", {"codes": np.zeros((4, 2)), "labels": [0, 1, 2, 3], "class_names": ["a"]},
         ValueError, "class_names has 1"),
    ],
)
def test_latent_explorer_rejects_bad_input(decoder, kwargs, error, words):
    if decoder == "plain":
        decoder = Recorder(lambda z: np.zeros((len(z), 784)))
    elif decoder == "keras3":
        decoder = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784)])
    with pytest.raises(error) as info:
        ae.latent_explorer(decoder, **kwargs)
    assert words in str(info.value)
    assert getattr(decoder, "calls", []) == []


def test_latent_explorer_rejects_a_decoder_with_the_wrong_output():
    with pytest.raises(ValueError, match="one image of shape"):
        ae.latent_explorer(lambda z: np.zeros((len(z), 10)), codes=np.zeros((4, 2)))


# --------------------------------------------------------------------------- interpolation


def test_interpolation_decodes_the_straight_line_between_two_codes(data):
    x, _ = data

    def encoder(batch):  # like a VAE encoder: (z_mean, z_log_var); the mean is used
        flat = batch.reshape(len(batch), -1)
        return flat[:, :2] * 10, np.zeros((len(batch), 2))

    decoder = Recorder(lambda z: np.tile(np.clip(z[:, :1] / 10, 0, 1), (1, 784)))
    view = ae.interpolation_widget(encoder, decoder, x[:10])
    start, end, t = view.controls["start"], view.controls["end"], view.controls["t"]
    start.value, end.value = 2, 5
    middle = bytes(view.images["middle"].value)
    t.value = 0.0
    assert bytes(view.images["middle"].value) != middle
    scale = 112 // SIDE
    for value in (0.0, 0.25, 1.0):
        t.value = value
        code = (1 - value) * x[2, :2] * 10 + value * x[5, :2] * 10
        expected = np.rint(255 * np.clip(code[0] / 10, 0, 1))
        shown = pixels_of(view.images["middle"].value, scale)
        assert abs(int(shown[0, 0]) - expected) <= 1
    assert decoder.calls[-1].shape == (21, 2)  # each pair is decoded once, in one batch


@pytest.mark.parametrize(
    ("images", "error", "words"),
    [
        (np.zeros((1, 784)), ValueError, "2 to"),
        (np.zeros((3, 783)), ValueError, "image_shape"),
        (None, TypeError, "images must be"),
    ],
)
def test_interpolation_rejects_bad_images(images, error, words):
    coder = Recorder(lambda batch: batch)
    with pytest.raises(error, match=words):
        ae.interpolation_widget(coder, coder, images)
    assert coder.calls == []


def test_interpolation_rejects_an_encoder_that_is_not_callable(data):
    with pytest.raises(TypeError, match="encoder must be"):
        ae.interpolation_widget(object(), lambda z: z, data[0][:3])


# --------------------------------------------------------------------------- live training view


class FakeNotebook:
    """Stands in for IPython: records display() and update_display() calls."""

    def __init__(self, monkeypatch):
        self.displayed, self.updated = [], []
        monkeypatch.setattr(live, "get_ipython", lambda: object())
        monkeypatch.setattr(live, "display", self.display)
        monkeypatch.setattr(live, "update_display", self.update)

    def display(self, bundle, **kwargs):
        self.displayed.append((bundle, kwargs))

        class Handle:
            display_id = "the-one-display"

        return Handle()

    def update(self, bundle, **kwargs):
        self.updated.append((bundle, kwargs))


def count_changes(image):
    changes = []
    image.observe(lambda change: changes.append(bytes(change["new"])), names="value")
    return changes


def test_live_view_displays_once_and_redraws_in_place(monkeypatch, dense_ae, data):
    notebook = FakeNotebook(monkeypatch)
    x, _ = data
    model = keras.models.clone_model(dense_ae[2])
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=False)
    view = ae.LiveTrainingView(x[:4])
    curves = count_changes(view.widget.images["curves"])
    recons = count_changes(view.widget.images["reconstructions"])
    history = model.fit(x, x, epochs=2, batch_size=32, validation_data=(x[:8], x[:8]),
                        callbacks=[view], verbose=0)
    assert len(notebook.displayed) == 1
    bundle, kwargs = notebook.displayed[0]
    assert kwargs["raw"] is True
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    assert len(notebook.updated) == 1  # the static copy refreshed once, at the end
    assert notebook.updated[0][1]["display_id"] == "the-one-display"
    assert view.redraws == 2
    assert len(set(recons)) == 2 and len(set(curves)) == 2  # one new picture per epoch
    np.testing.assert_allclose(view.history["loss"], history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(view.history["val_loss"], history.history["val_loss"], rtol=1e-6)
    assert view.widget.status.value.startswith("finished: epoch 2 of 2")
    assert view.widget.output.outputs == ()


def test_live_view_redraws_every_n_epochs_and_after_the_last(monkeypatch, dense_ae, data):
    FakeNotebook(monkeypatch)
    x, _ = data
    model = keras.models.clone_model(dense_ae[2])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], jit_compile=False)
    view = ae.LiveTrainingView(every=2)
    single_panel = Image.open(io.BytesIO(bytes(view.widget.images["curves"].value))).size[0]
    model.fit(x, x, epochs=3, batch_size=32, callbacks=[view], verbose=0)
    assert view.redraws == 2  # after epochs 2 and 3
    assert "reconstructions" not in view.widget.images
    assert len(view.history["mae"]) == 3
    # the other logged numbers (here the MAE metric) get a second panel
    assert Image.open(io.BytesIO(bytes(view.widget.images["curves"].value))).size[0] > single_panel


def test_live_view_reports_a_model_that_does_not_reconstruct(monkeypatch, data):
    FakeNotebook(monkeypatch)
    x, y = data
    classifier = keras.Sequential([keras.Input((784,)), keras.layers.Dense(3)])
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                       jit_compile=False)
    view = ae.LiveTrainingView(x[:4])
    history = classifier.fit(x, y, epochs=2, callbacks=[view], verbose=0)
    assert len(history.history["loss"]) == 2  # training went on
    (shown,) = view.widget.output.outputs
    assert "expected reconstructions of the images" in shown["text"]
    assert len(view.history["loss"]) == 2


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((np.zeros((17, 784)),), {}, ValueError, "1 to 16"),
        ((np.zeros((2, 700)),), {}, ValueError, "image_shape"),
        ((), {"every": 0}, ValueError, "every must be"),
        ((), {"every": 1.5}, TypeError, "every must be"),
        ((), {"image_shape": (28, 0)}, ValueError, "image_shape must hold positive integers"),
    ],
)
def test_live_view_rejects_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        ae.LiveTrainingView(*args, **kwargs)


# --------------------------------------------------------------------------- without a kernel


def test_the_displayed_output_carries_a_static_copy(dense_ae, data):
    x, _ = data
    view = ae.reconstruction_browser(dense_ae[2], x)
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.model_id
    assert bundle["text/plain"].startswith("Reconstruction browser (interactive view): image 0")
    assert "VBox(" not in bundle["text/plain"]
    assert bundle["text/html"].count("data:image/png;base64,") == 3
    assert _STATIC_NOTE in bundle["text/html"]

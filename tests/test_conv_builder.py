"""Tests for aehelpers.convolutional: build_conv_autoencoder."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae


def _layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


def test_default_shapes_and_a_small_dense_code():
    enc, dec, auto = ae.build_conv_autoencoder()
    assert auto.input_shape == (None, 28, 28, 1)
    assert auto.output_shape == (None, 28, 28, 1)
    assert enc.output_shape == (None, 32)
    assert dec.input_shape == (None, 32)
    assert dec.output_shape == (None, 28, 28, 1)
    assert _layer_types(enc).count("Conv2D") == 2
    assert _layer_types(dec).count("Conv2DTranspose") == 2
    # The two convolutions halve the image twice: 28 -> 14 -> 7.
    assert enc.get_layer("conv_2").output.shape[1:] == (7, 7, 64)


def test_two_dimensional_input_shape_gives_images_back():
    enc, dec, auto = ae.build_conv_autoencoder(input_shape=(28, 28), code_size=16, filters=(8, 16))
    x = np.random.default_rng(0).random((6, 28, 28), dtype=np.float32)
    codes = enc.predict(x, verbose=0)
    out = auto.predict(x, verbose=0)
    assert codes.shape == (6, 16)
    assert out.shape == (6, 28, 28)
    assert out.min() >= 0.0 and out.max() <= 1.0  # sigmoid pixels
    np.testing.assert_allclose(out, dec.predict(codes, verbose=0), rtol=1e-5, atol=1e-6)


def test_pooling_and_three_blocks_and_colour_images():
    enc, _, auto = ae.build_conv_autoencoder(
        input_shape=(32, 32, 3), filters=(4, 8, 16), downsampling="pool", code_size=10
    )
    assert _layer_types(enc).count("MaxPooling2D") == 3
    assert enc.get_layer("pool_3").output.shape[1:] == (4, 4, 16)
    assert auto.output_shape == (None, 32, 32, 3)


def test_code_size_none_keeps_the_feature_map_as_code():
    enc, dec, auto = ae.build_conv_autoencoder(code_size=None, filters=(8, 16))
    assert enc.output_shape == (None, 7, 7, 16)
    assert dec.input_shape == (None, 7, 7, 16)
    assert "Dense" not in _layer_types(enc) + _layer_types(dec)
    assert auto.output_shape == (None, 28, 28, 1)


def test_conv_model_is_smaller_than_dense_at_the_same_code_size():
    """Weight sharing: convolutions need far fewer weights than 784-256-128-32 dense layers."""
    conv = ae.build_conv_autoencoder(code_size=32, filters=(16, 32)).autoencoder
    dense_weights = 2 * (784 * 256 + 256 * 128 + 128 * 32)  # the stacked model, without biases
    assert conv.count_params() < dense_weights / 2


def test_conv_autoencoder_learns_to_reconstruct():
    import keras

    ae.set_seed(0)
    rng = np.random.default_rng(0)
    # Images of one bright square at random places: easy to learn, impossible to memorise
    # in a few steps as a mean image.
    x = np.zeros((256, 16, 16, 1), dtype=np.float32)
    for image, (r, c) in zip(x, rng.integers(0, 12, size=(256, 2)), strict=True):
        image[r:r + 4, c:c + 4] = 1.0
    _, _, auto = ae.build_conv_autoencoder(input_shape=(16, 16, 1), code_size=8, filters=(8, 16))
    auto.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    before = auto.evaluate(x, x, verbose=0)
    auto.fit(x, x, epochs=15, batch_size=32, verbose=0)
    after = auto.evaluate(x, x, verbose=0)
    assert after < before * 0.6
    mean_image_mse = np.mean((x - x.mean(axis=0)) ** 2)
    assert np.mean((auto.predict(x, verbose=0) - x) ** 2) < mean_image_mse


def test_save_and_reload_with_safe_mode_gives_the_same_outputs(tmp_path):
    import keras

    _, _, auto = ae.build_conv_autoencoder(code_size=8, filters=(4, 8))
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    auto.compile(optimizer="adam", loss="mse")
    auto.fit(x, x, epochs=1, verbose=0)
    path = tmp_path / "conv.keras"
    auto.save(path)
    again = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(again.predict(x, verbose=0), auto.predict(x, verbose=0))


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"input_shape": (784,)}, TypeError, "input_shape"),
        ({"input_shape": 28}, TypeError, "input_shape"),
        ({"input_shape": (28, 0)}, ValueError, "input_shape"),
        ({"input_shape": (30, 30, 1)}, ValueError, "divisible by"),
        ({"filters": (8, 16, 32)}, ValueError, "at most 2 blocks"),
        ({"filters": ()}, TypeError, "filters"),
        ({"filters": 32}, TypeError, "filters"),
        ({"filters": (8, -1)}, ValueError, "filters"),
        ({"code_size": 0}, ValueError, "code_size"),
        ({"code_size": 2.0}, TypeError, "code_size"),
        ({"code_size": 784}, ValueError, "smaller than"),
        ({"kernel_size": 0}, ValueError, "kernel_size"),
        ({"downsampling": "avg"}, ValueError, "downsampling"),
        ({"activation": "rleu"}, ValueError, "activation"),
        ({"output_activation": 5}, TypeError, "output_activation"),
        ({"name": ""}, ValueError, "name"),
        ({"name": 3}, TypeError, "name"),
    ],
)
def test_rejects_impossible_settings(kwargs, error, words):
    with pytest.raises(error, match="build_conv_autoencoder") as info:
        ae.build_conv_autoencoder(**kwargs)
    assert words in str(info.value)


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        ae.build_conv_autoencoder((28, 28, 1))


def test_errors_come_before_keras_is_imported():
    code = (
        "import sys, aehelpers as ae\n"
        "for kwargs in ({'filters': (8, 16, 32)}, {'code_size': -1}, {'activation': 'x'}):\n"
        "    try:\n"
        "        ae.build_conv_autoencoder(**kwargs)\n"
        "    except (ValueError, TypeError):\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit('no error for %r' % kwargs)\n"
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


def test_show_source_shows_the_keras_layers():
    text = ae.show_source(ae.build_conv_autoencoder)
    assert "layers.Conv2D(" in text and "layers.Conv2DTranspose(" in text

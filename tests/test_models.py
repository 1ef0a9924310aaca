"""Tests for aehelpers.models: the dense and stacked builders, Autoencoder, show_source."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae
from aehelpers import models


def _dense_layer_units(model):
    return [layer.units for layer in model.layers if hasattr(layer, "units")]


# --------------------------------------------------------------------------- shapes


def test_dense_flat_shapes_and_layers():
    enc, dec, auto = ae.build_dense_autoencoder(input_shape=(784,), code_size=32)
    assert enc.output_shape == (None, 32)
    assert dec.input_shape == (None, 32)
    assert dec.output_shape == (None, 784)
    assert auto.input_shape == (None, 784)
    assert auto.output_shape == (None, 784)
    assert _dense_layer_units(enc) == [32]
    assert _dense_layer_units(dec) == [784]
    # 784*32 + 32 weights in, 32*784 + 784 out.
    assert auto.count_params() == 784 * 32 + 32 + 32 * 784 + 784


def test_dense_accepts_image_shape_and_gives_images_back():
    enc, dec, auto = ae.build_dense_autoencoder(input_shape=(28, 28), code_size=16)
    x = np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)
    codes = enc.predict(x, verbose=0)
    out = auto.predict(x, verbose=0)
    assert codes.shape == (5, 16)
    assert out.shape == (5, 28, 28)
    assert dec.predict(codes, verbose=0).shape == (5, 28, 28)


def test_int_input_shape_means_flat():
    enc, _, auto = ae.build_dense_autoencoder(input_shape=3, code_size=2, activation=None,
                                              code_activation=None, output_activation=None)
    assert auto.output_shape == (None, 3)
    assert enc.output_shape == (None, 2)


def test_stacked_mirrors_hidden_layers():
    enc, dec, auto = ae.build_stacked_autoencoder(
        input_shape=(28, 28), code_size=32, hidden_sizes=(256, 128)
    )
    assert _dense_layer_units(enc) == [256, 128, 32]
    assert _dense_layer_units(dec) == [128, 256, 784]
    assert auto.output_shape == (None, 28, 28)
    assert auto.name == "stacked_autoencoder"


def test_round_trip_autoencoder_is_decoder_after_encoder():
    enc, dec, auto = ae.build_stacked_autoencoder(input_shape=(784,), code_size=8,
                                                  hidden_sizes=(64,))
    x = np.random.default_rng(1).random((7, 784), dtype=np.float32)
    direct = auto.predict(x, verbose=0)
    two_step = dec.predict(enc.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(direct, two_step, rtol=1e-5, atol=1e-6)
    # Sigmoid output: every reconstructed pixel lies in [0, 1].
    assert direct.min() >= 0.0 and direct.max() <= 1.0


def test_models_share_weights():
    enc, dec, auto = ae.build_dense_autoencoder(input_shape=(20,), code_size=4)
    assert len(auto.weights) == len(enc.weights) + len(dec.weights)
    enc_kernel = enc.get_layer("code").kernel
    enc_kernel.assign(np.zeros(enc_kernel.shape, dtype=np.float32))
    inside = auto.get_layer("encoder").get_layer("code").kernel
    assert np.all(np.asarray(inside) == 0)


def test_activations_are_used():
    _, _, auto = ae.build_dense_autoencoder(
        input_shape=(10,), code_size=3, hidden_sizes=(6,), activation="tanh",
        code_activation=None, output_activation="linear",
    )
    enc = auto.get_layer("encoder")
    assert enc.get_layer("encoder_hidden_1").activation.__name__ == "tanh"
    assert enc.get_layer("code").activation.__name__ == "linear"


def test_linear_autoencoder_learns_a_plane():
    """A 3 -> 2 -> 3 linear autoencoder fits points on a plane almost exactly."""
    import keras

    ae.set_seed(0)
    rng = np.random.default_rng(0)
    basis = np.array([[1.0, 0.5, -0.3], [0.2, -1.0, 0.4]], dtype=np.float32)
    x = (rng.normal(size=(512, 2)) @ basis).astype(np.float32)
    _, _, auto = ae.build_dense_autoencoder(
        input_shape=(3,), code_size=2, activation=None, code_activation=None,
        output_activation=None,
    )
    auto.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    before = auto.evaluate(x, x, verbose=0)
    auto.fit(x, x, epochs=40, batch_size=64, verbose=0)
    after = auto.evaluate(x, x, verbose=0)
    assert after < before / 20


def test_every_listed_activation_is_known_to_keras():
    import keras

    for name in models.ACTIVATIONS:
        assert callable(keras.activations.get(name)), name


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"code_size": 784}, ValueError, "code_size=784 must be smaller"),
        ({"code_size": 1000}, ValueError, "code_size=1000"),
        ({"input_shape": (28, 28), "code_size": 784}, ValueError, "input size 784"),
        ({"code_size": 0}, ValueError, "code_size"),
        ({"code_size": -3}, ValueError, "code_size"),
        ({"code_size": 2.5}, TypeError, "code_size"),
        ({"code_size": True}, TypeError, "code_size"),
        ({"input_shape": (0,)}, ValueError, "input_shape"),
        ({"input_shape": (28, -1)}, ValueError, "input_shape"),
        ({"input_shape": ()}, TypeError, "input_shape"),
        ({"input_shape": "784"}, TypeError, "input_shape"),
        ({"input_shape": (28.0, 28)}, ValueError, "input_shape"),
        ({"hidden_sizes": 128}, TypeError, "hidden_sizes"),
        ({"hidden_sizes": (128, 0)}, ValueError, "hidden_sizes"),
        ({"hidden_sizes": (128, 16)}, ValueError, "larger than code_size=32"),
        ({"activation": "rleu"}, ValueError, "unknown activation 'rleu'"),
        ({"code_activation": "sigmoidal"}, ValueError, "code_activation"),
        ({"output_activation": 3}, TypeError, "output_activation"),
        ({"name": ""}, ValueError, "name"),
        ({"name": 3}, TypeError, "name"),
    ],
)
def test_dense_rejects_impossible_settings(kwargs, error, words):
    with pytest.raises(error, match="build_dense_autoencoder") as info:
        ae.build_dense_autoencoder(**kwargs)
    assert words in str(info.value)


def test_stacked_rejects_no_hidden_layers_and_bad_settings():
    with pytest.raises(ValueError, match="at least one hidden layer"):
        ae.build_stacked_autoencoder(hidden_sizes=())
    with pytest.raises(ValueError, match="build_stacked_autoencoder.*code_size"):
        ae.build_stacked_autoencoder(code_size=784)
    with pytest.raises(ValueError, match="larger than code_size"):
        ae.build_stacked_autoencoder(code_size=64, hidden_sizes=(256, 32))


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        ae.build_dense_autoencoder((784,))
    with pytest.raises(TypeError):
        ae.build_stacked_autoencoder((784,))


def test_errors_come_before_keras_is_imported():
    code = (
        "import sys, aehelpers as ae\n"
        "for kwargs in ({'code_size': 900}, {'activation': 'nope'}, {'hidden_sizes': (8,)}):\n"
        "    try:\n"
        "        ae.build_dense_autoencoder(**kwargs)\n"
        "    except (ValueError, TypeError):\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit('no error for %r' % kwargs)\n"
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- show_source


def test_show_source_prints_the_keras_code(capsys):
    text = ae.show_source(ae.build_dense_autoencoder)
    printed = capsys.readouterr().out
    assert text in printed
    assert "layers.Dense(code_size" in text
    assert "keras.Model(inputs, code" in text


def test_show_source_rejects_objects_without_source():
    with pytest.raises(TypeError, match="show_source"):
        ae.show_source(42)
    with pytest.raises(TypeError, match="show_source"):
        ae.show_source(len)


def test_autoencoder_fields_stay_as_agreed():
    assert ae.Autoencoder._fields == ("encoder", "decoder", "autoencoder")

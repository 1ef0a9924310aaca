"""The exercise checks: right answers pass, each kind of wrong answer fails with a reason."""

import numpy as np
import pytest

import aehelpers as ae


def _dense(code_size, *, out=(28, 28)):
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(code_size, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape(out),
    ])


def test_a_right_autoencoder_passes(capsys):
    assert ae.check_autoencoder(_dense(64), input_shape=(28, 28), code_size=64) is True
    assert capsys.readouterr().out.startswith("Correct")


def test_a_builder_made_model_with_nested_encoder_passes(capsys):
    model = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(128,), code_size=16)
    assert ae.check_autoencoder(model.autoencoder, input_shape=(28, 28), code_size=16)
    assert "code of 16" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "still None"),
        ("a model", "expected a Keras model"),
        (lambda: _dense(32), "narrowest layer"),
        (lambda: _dense(64, out=(784,)), "output has the input's shape"),
    ],
)
def test_wrong_autoencoders_fail_with_the_reason(answer, words, capsys):
    model = answer() if callable(answer) else answer
    assert ae.check_autoencoder(model, input_shape=(28, 28), code_size=64) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out


def test_a_model_for_other_images_fails_instead_of_raising(capsys):
    import keras

    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64),
                              keras.layers.Dense(784)])
    assert ae.check_autoencoder(model, input_shape=(28, 28), code_size=64) is False
    assert "cannot take images of shape (28, 28)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [({"input_shape": "28x28", "code_size": 64}, TypeError, "input_shape"),
     ({"input_shape": (28, 28), "code_size": 0}, ValueError, "code_size"),
     ({"input_shape": (28, 28), "code_size": 6.4}, TypeError, "code_size")],
)
def test_bad_options_of_the_check_itself_raise(kwargs, error, words):
    with pytest.raises(error, match=f"check_autoencoder.*{words}"):
        ae.check_autoencoder(None, **kwargs)


def _mask(images, fraction):
    rng = np.random.default_rng(1)
    return images * (rng.random(images.shape) >= fraction)


def _mask_in_place(images, fraction):
    images[np.random.default_rng(1).random(images.shape) < fraction] = 0
    return images


def test_a_right_masking_function_passes(capsys):
    assert ae.check_masking_function(_mask) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "still None"),
        (42, "expected a function"),
        (_mask_in_place, "changed the images"),
        (lambda x, f: _mask(x, f / 2), "instead of about 30%"),
        (lambda x, f: np.clip(x + f * np.random.default_rng(0).normal(size=x.shape), 0, 1),
         "keep their value"),
        (lambda x, f: _mask(x, f)[:10], "shape"),
        (lambda x: x, "raised TypeError"),
        (lambda x, f: None, "returns None"),
    ],
)
def test_wrong_masking_functions_fail_with_the_reason(answer, words, capsys):
    assert ae.check_masking_function(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_masking_check_rejects_a_bad_image_shape():
    with pytest.raises(ValueError, match="check_masking_function.*image_shape"):
        ae.check_masking_function(_mask, image_shape=(28, -1))

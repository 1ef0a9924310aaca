"""The exercise checks: right answers pass, each kind of wrong answer fails with a reason."""

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

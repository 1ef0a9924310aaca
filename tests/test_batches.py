"""Tests for aehelpers.training: batches and predict_in_batches."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae

# --------------------------------------------------------------------------- batches


def test_batches_cover_every_item_once_per_epoch_in_a_new_order():
    x = (np.arange(50, dtype=np.float32) / 50).reshape(50, 1)
    data = ae.batches(x, batch_size=16, seed=0)
    assert len(data) == 4
    first = np.concatenate([data[i][0] for i in range(len(data))]).ravel()
    assert np.allclose(sorted(first), x.ravel())
    data.on_epoch_end()
    second = np.concatenate([data[i][0] for i in range(len(data))]).ravel()
    assert np.allclose(sorted(second), x.ravel())
    assert not np.array_equal(first, second)
    with pytest.raises(IndexError):
        data[4]


def test_batches_keep_inputs_and_targets_paired_and_transform_inputs_only():
    x = np.arange(40, dtype=np.float32).reshape(20, 2) / 40
    y = -x
    data = ae.batches(x, y, batch_size=8, shuffle=False, transform=lambda b: b + 1000)
    inputs, targets = data[0]
    np.testing.assert_array_equal(inputs, x[:8] + 1000)
    np.testing.assert_array_equal(targets, y[:8])
    np.testing.assert_array_equal(data[2][1], y[16:])  # the last, smaller batch


def test_batches_default_targets_are_the_inputs_and_batch_size_from_recipe():
    x = np.random.default_rng(0).random((600, 3), dtype=np.float32)
    data = ae.batches(x)
    assert len(data) == -(-600 // ae.FAST_RECIPE.batch_size)
    inputs, targets = data[0]
    np.testing.assert_array_equal(inputs, targets)


def test_batches_train_a_keras_model():
    import keras

    ae.set_seed(0)
    x = np.random.default_rng(0).random((64, 4), dtype=np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    before = model.evaluate(x, x, verbose=0)
    history = model.fit(ae.batches(x, batch_size=16), epochs=20, verbose=0)
    assert len(history.history["loss"]) == 20
    assert model.evaluate(x, x, verbose=0) < before / 5


def test_batches_reject_bad_options():
    x = np.zeros((10, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="same number of items"):
        ae.batches(x, np.zeros((9, 3)))
    with pytest.raises(ValueError, match="batch_size"):
        ae.batches(x, batch_size=0)
    with pytest.raises(ValueError, match="seed"):
        ae.batches(x, seed=-2)
    with pytest.raises(TypeError, match="transform"):
        ae.batches(x, transform="noise")
    with pytest.raises(TypeError, match="shuffle"):
        ae.batches(x, shuffle=1)
    with pytest.raises(ValueError, match="empty"):
        ae.batches(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="numbers"):
        ae.batches(np.array(["a", "b"]))
    bad = ae.batches(x, batch_size=5, transform=lambda b: b[:2])
    with pytest.raises(ValueError, match="transform must return"):
        bad[0]


# --------------------------------------------------------------------------- predict_in_batches


def test_predict_in_batches_matches_predict_for_one_and_several_outputs():
    import keras

    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(3)(inputs)
    one = keras.Model(inputs, keras.layers.Dense(6)(hidden))
    two = keras.Model(inputs, [hidden, keras.layers.Dense(2)(hidden)])
    x = np.random.default_rng(0).random((23, 6), dtype=np.float32)
    out = ae.predict_in_batches(one, x, batch_size=5)
    np.testing.assert_allclose(out, one.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    first, second = ae.predict_in_batches(two, x, batch_size=7)
    expected = two.predict(x, verbose=0)
    assert first.shape == (23, 3) and second.shape == (23, 2)
    np.testing.assert_allclose(first, expected[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second, expected[1], rtol=1e-5, atol=1e-6)


def test_predict_in_batches_rejects_bad_arguments():
    x = np.zeros((4, 3), dtype=np.float32)
    with pytest.raises(TypeError, match="predict_in_batches.*Keras model"):
        ae.predict_in_batches("model", x)
    np.testing.assert_array_equal(ae.predict_in_batches(lambda b: b + 1, x, batch_size=3), x + 1)
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="batch_size"):
        ae.predict_in_batches(model, x, batch_size=0)
    with pytest.raises(ValueError, match="empty"):
        ae.predict_in_batches(model, np.zeros((0, 3)))


def test_batches_is_the_function_even_after_predict_in_batches_was_used_first():
    # A learner who runs cells out of order: predict_in_batches first, then batches.
    code = (
        "import numpy as np, aehelpers as ae\n"
        "x = np.zeros((4, 3), dtype=np.float32)\n"
        "ae.predict_in_batches\n"
        "print(len(ae.batches(x, batch_size=2)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2"]

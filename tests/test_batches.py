"""Tests for aehelpers.training: batches and predict_in_batches."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae

# --------------------------------------------------------------------------- batches


def _epoch(data):
    """One pass over a batches() dataset, as lists of NumPy input and target batches."""
    pairs = list(data.as_numpy_iterator())
    return [x for x, _ in pairs], [y for _, y in pairs]


def test_batches_cover_every_item_once_per_epoch_in_a_new_order():
    x = (np.arange(50, dtype=np.float32) / 50).reshape(50, 1)
    data = ae.batches(x, batch_size=16, seed=0)
    assert len(data) == 4
    first = np.concatenate(_epoch(data)[0]).ravel()
    assert [len(b) for b in _epoch(data)[0]] == [16, 16, 16, 2]
    assert np.allclose(sorted(first), x.ravel())
    second = np.concatenate(_epoch(data)[0]).ravel()
    assert np.allclose(sorted(second), x.ravel())
    assert not np.array_equal(first, second)
    # The same seed gives the same orders; another seed others.
    again = np.concatenate(_epoch(ae.batches(x, batch_size=16, seed=0))[0]).ravel()
    other = np.concatenate(_epoch(ae.batches(x, batch_size=16, seed=1))[0]).ravel()
    np.testing.assert_array_equal(again, first)
    assert not np.array_equal(other, first)


def test_batches_give_back_the_loaders_pixels_exactly():
    # Images in 255ths travel as bytes; the batches must hold the very same float32 values.
    pixels = np.random.default_rng(0).integers(0, 256, (300, 28, 28)).astype(np.float32)
    pixels /= 255.0
    (inputs, targets) = _epoch(ae.batches(pixels, shuffle=False, batch_size=300))
    np.testing.assert_array_equal(inputs[0], pixels)
    np.testing.assert_array_equal(targets[0], pixels)
    # Other values in [0, 1] (e.g. noisy images) come back exactly too.
    other = np.random.default_rng(1).random((300, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(_epoch(ae.batches(other, shuffle=False, batch_size=300))[0][0],
                                  other)


def test_batches_keep_inputs_and_targets_paired_and_transform_inputs_only():
    x = np.arange(40, dtype=np.float32).reshape(20, 2) / 40
    y = -x
    data = ae.batches(x, y, batch_size=8, shuffle=False, transform=lambda b: b + 1000)
    inputs, targets = _epoch(data)
    np.testing.assert_array_equal(inputs[0], x[:8] + 1000)
    np.testing.assert_array_equal(targets[0], y[:8])
    np.testing.assert_array_equal(targets[2], y[16:])  # the last, smaller batch
    shuffled = ae.batches(x, np.arange(20), batch_size=8, seed=3)  # labels follow their images
    for inputs, labels in zip(*_epoch(shuffled), strict=True):
        np.testing.assert_array_equal(inputs, x[labels.astype(int)])


def test_batches_default_targets_are_the_inputs_and_batch_size_from_recipe():
    x = np.random.default_rng(0).random((600, 3), dtype=np.float32)
    data = ae.batches(x)
    assert len(data) == -(-600 // ae.FAST_RECIPE.batch_size)
    inputs, targets = _epoch(data)
    assert len(inputs[0]) == ae.FAST_RECIPE.batch_size
    np.testing.assert_array_equal(inputs[0], targets[0])


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
    with pytest.raises(ValueError, match="transform must return"):
        ae.batches(x, batch_size=5, transform=lambda b: b[:2])


def test_training_on_batches_does_not_grow_the_memory_epoch_after_epoch():
    # Without TensorFlow's own memory pool (set by setup_notebook), each epoch on
    # ae.batches left about 20-30 MB more resident memory than the one before.
    code = """
import os, psutil, numpy as np, aehelpers as ae
ae.setup_notebook(verbose=False)
assert os.environ["TF_CPU_ALLOCATOR_USE_BFC"] == "true"
import keras
x = (np.random.default_rng(0).integers(0, 256, (12_000, 28, 28)) / 255).astype("float32")
model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(784, activation="sigmoid"),
                          keras.layers.Reshape((28, 28))])
ae.compile_autoencoder(model, epochs=8, n_train=len(x))
rss = []
record = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: rss.append(psutil.Process().memory_info().rss))
model.fit(ae.batches(x), epochs=8, verbose=0, callbacks=[record],
          validation_data=ae.batches(x[:2000], shuffle=False, batch_size=500))
print((rss[-1] - rss[1]) / 1e6)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    growth_mb = float(done.stdout.split()[-1])
    assert growth_mb < 15, f"resident memory grew by {growth_mb:.0f} MB from epoch 2 to 8"


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

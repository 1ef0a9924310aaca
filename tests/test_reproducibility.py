"""The same seed on the same CPU gives the same training, number for number."""

import numpy as np

import aehelpers as ae


def _train_once(seed, images):
    ae.set_seed(seed)
    model = ae.build_dense_autoencoder(input_shape=(784,), code_size=16).autoencoder
    ae.compile_autoencoder(model, loss="binary_crossentropy", epochs=3, n_train=len(images))
    history = model.fit(
        images, images, batch_size=64, epochs=3, validation_split=0.25, shuffle=True, verbose=0
    )
    return history.history, model.get_weights()[0]


def _images():
    rng = np.random.default_rng(0)
    return (rng.random((512, 784)) < 0.2).astype(np.float32)


def test_same_seed_gives_the_same_history_and_weights():
    images = _images()
    first_history, first_weights = _train_once(11, images)
    second_history, second_weights = _train_once(11, images)
    assert first_history == second_history
    np.testing.assert_array_equal(first_weights, second_weights)


def test_another_seed_gives_another_history():
    images = _images()
    first_history, _ = _train_once(11, images)
    other_history, _ = _train_once(12, images)
    assert first_history["loss"] != other_history["loss"]

"""Every model the builders make saves to .keras and loads back with safe_mode=True."""

import keras
import numpy as np
import pytest
from conftest import ROOT

import aehelpers as ae

BUILDS = {
    "dense": lambda: ae.build_dense_autoencoder(input_shape=(28, 28), code_size=8),
    "stacked": lambda: ae.build_stacked_autoencoder(
        input_shape=(784,), code_size=8, hidden_sizes=(64, 32)
    ),
    "conv": lambda: ae.build_conv_autoencoder(code_size=8, filters=(4, 8)),
    "conv_pool_no_code": lambda: ae.build_conv_autoencoder(
        code_size=None, filters=(4,), downsampling="pool"
    ),
    "vae": lambda: ae.build_vae(latent_dim=2, hidden_sizes=(32,), seed=1),
}


def _numpy(tensor):
    return tensor.numpy() if hasattr(tensor, "numpy") else np.asarray(tensor)


def _input_like(model, seed=0):
    model = getattr(model, "encoder", model)  # a VAE is a subclassed model around its encoder
    shape = tuple(model.inputs[0].shape[1:])
    return np.random.default_rng(seed).random((4, *shape)).astype(np.float32)


def _deterministic_outputs(name, part, model, x):
    """Outputs that do not depend on random sampling (a VAE's z is drawn at random)."""
    if name == "vae" and part in ("encoder", "vae"):
        mean_encoder = model if part == "encoder" else model.encoder
        return [_numpy(mean_encoder(x)[0])]
    out = model(x)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [_numpy(o) for o in outs]


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_every_part_reloads_with_safe_mode_and_gives_the_same_outputs(name, tmp_path):
    parts = BUILDS[name]()
    for part, model in parts._asdict().items():
        x = _input_like(model)
        before = _deterministic_outputs(name, part, model, x)
        path = tmp_path / f"{name}_{part}.keras"
        model.save(path)
        loaded = keras.models.load_model(path, safe_mode=True)
        after = _deterministic_outputs(name, part, loaded, x)
        assert len(before) == len(after)
        for b, a in zip(before, after, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=f"{name}.{part}")


def test_a_trained_autoencoder_reloads_with_its_trained_weights(tmp_path):
    ae.set_seed(0)
    model = ae.build_dense_autoencoder(input_shape=(784,), code_size=8).autoencoder
    ae.compile_autoencoder(model, epochs=1, n_train=64)
    x = np.random.default_rng(0).random((64, 784)).astype(np.float32)
    model.fit(x, x, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "trained.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


def test_a_vae_saved_before_the_keras_classes_moved_to_vae_py_still_loads():
    # Saved by aehelpers/vae_model.py (the module's old name); the registered names
    # "aehelpers>VAE" and "aehelpers>Sampling" did not change.
    import aehelpers.vae  # noqa: F401  (registers the classes, as ae.VAE does)

    data = ROOT / "tests" / "data"
    loaded = keras.models.load_model(data / "vae_saved_by_vae_model.keras", safe_mode=True)
    x = np.random.default_rng(0).random((3, 16)).astype(np.float32)
    expected = np.load(data / "vae_saved_by_vae_model_output.npy")
    np.testing.assert_allclose(_numpy(loaded(x)), expected, rtol=1e-6, atol=1e-6)

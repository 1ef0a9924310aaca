"""Tests for the variational autoencoder: build_vae, the Sampling layer and the VAE model."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae


@pytest.fixture
def blobs():
    """Small images of one bright blob each: structure a VAE can learn in a few epochs."""
    rng = np.random.default_rng(0)
    rows, cols = np.mgrid[0:12, 0:12]
    centres = rng.uniform(3, 9, size=(256, 2))
    x = np.exp(-((rows - centres[:, :1, None]) ** 2 + (cols - centres[:, 1:, None]) ** 2) / 4)
    return x.astype(np.float32)


def _small_vae(**kwargs):
    options = {"input_shape": (12, 12), "latent_dim": 2, "hidden_sizes": (32,), "seed": 0}
    return ae.build_vae(**{**options, **kwargs})


# --------------------------------------------------------------------------- shapes


def test_default_parts_and_shapes():
    enc, dec, vae, mean_enc = ae.build_vae()
    assert ae.VAEParts._fields == ("encoder", "decoder", "vae", "mean_encoder")
    assert [tuple(o.shape) for o in enc.outputs] == [(None, 2)] * 3
    assert [o.name for o in enc.outputs][:2] != []
    assert dec.input_shape == (None, 2)
    assert dec.output_shape == (None, 28, 28, 1)
    assert mean_enc.output_shape == (None, 2)
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    assert vae.predict(x, verbose=0).shape == (3, 28, 28, 1)
    assert isinstance(vae, ae.VAE)
    assert any(isinstance(layer, ae.Sampling) for layer in enc.layers)


def test_flat_and_two_dimensional_inputs():
    _, dec, vae, _ = ae.build_vae(input_shape=(784,), latent_dim=8, hidden_sizes=(64,))
    assert dec.output_shape == (None, 784)
    _, dec2, vae2, mean2 = ae.build_vae(input_shape=(28, 28), latent_dim=3, hidden_sizes=(64,))
    x = np.random.default_rng(0).random((2, 28, 28), dtype=np.float32)
    assert vae2.predict(x, verbose=0).shape == (2, 28, 28)
    assert mean2.predict(x, verbose=0).shape == (2, 3)


def test_mean_encoder_gives_z_mean_and_the_model_decodes_it(blobs):
    enc, dec, vae, mean_enc = _small_vae()
    z_mean, z_log_var, z = enc.predict(blobs[:5], verbose=0)
    np.testing.assert_allclose(mean_enc.predict(blobs[:5], verbose=0), z_mean, rtol=1e-6)
    # Calling the VAE decodes z_mean: the same input always gives the same output.
    np.testing.assert_allclose(vae.predict(blobs[:5], verbose=0),
                               dec.predict(z_mean, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(vae.predict(blobs[:5], verbose=0),
                                  vae.predict(blobs[:5], verbose=0))


# --------------------------------------------------------------------------- Sampling


def test_sampling_draws_around_the_mean_with_the_given_spread():
    layer = ae.Sampling(seed=1)
    z_mean = np.full((20_000, 2), [1.0, -2.0], dtype=np.float32)
    z_log_var = np.full((20_000, 2), [np.log(0.25), 0.0], dtype=np.float32)
    z = np.asarray(layer([z_mean, z_log_var]))
    assert z.shape == (20_000, 2)
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.03)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 1.0], rtol=0.03)
    # Fresh noise on every call.
    assert not np.array_equal(z, np.asarray(layer([z_mean, z_log_var])))


def test_sampling_config_round_trip():
    layer = ae.Sampling(seed=3, name="z")
    again = ae.Sampling.from_config(layer.get_config())
    assert again.seed == 3 and again.name == "z"


# --------------------------------------------------------------------------- losses


def test_kl_term_is_zero_at_the_prior_and_positive_elsewhere():
    from aehelpers.vae import kl_divergence

    zeros = np.zeros((4, 2), dtype=np.float32)
    assert float(kl_divergence(zeros, zeros)) == pytest.approx(0.0, abs=1e-7)
    rng = np.random.default_rng(0)
    for _ in range(20):
        mean = rng.normal(size=(8, 3)).astype(np.float32)
        log_var = rng.normal(size=(8, 3)).astype(np.float32)
        assert float(kl_divergence(mean, log_var)) > 0
    # One dimension, mean 1, variance 1: KL = 0.5 * mean**2 = 0.5.
    one = np.ones((1, 1), dtype=np.float32)
    assert float(kl_divergence(one, 0 * one)) == pytest.approx(0.5, rel=1e-6)


def test_reconstruction_term_sums_pixels_and_averages_images():
    from aehelpers.vae import reconstruction_loss

    images = np.zeros((3, 4, 4), dtype=np.float32)
    guesses = np.full((3, 4, 4), 0.5, dtype=np.float32)
    # Every pixel costs log(2) nats; 16 pixels per image.
    assert float(reconstruction_loss(images, guesses)) == pytest.approx(16 * np.log(2), rel=1e-5)


def test_training_reports_the_terms_separately_and_reconstruction_falls(blobs):
    ae.set_seed(0)
    _, _, vae, _ = _small_vae()
    vae.compile(optimizer=ae.make_optimizer(recipe=ae.Recipe(learning_rate=3e-3)))
    history = vae.fit(blobs, epochs=12, batch_size=32, verbose=0, validation_data=(blobs,))
    h = history.history
    for key in ("loss", "reconstruction_loss", "kl_loss", "val_loss",
                "val_reconstruction_loss", "val_kl_loss"):
        assert key in h and len(h[key]) == 12, key
    assert h["reconstruction_loss"][-1] < 0.8 * h["reconstruction_loss"][0]
    assert all(kl > 0 for kl in h["kl_loss"] + h["val_kl_loss"])
    # The total is the sum of the two terms (beta = 1), epoch by epoch.
    np.testing.assert_allclose(h["loss"], np.add(h["reconstruction_loss"], h["kl_loss"]),
                               rtol=1e-4)
    result = vae.evaluate(blobs, verbose=0, return_dict=True)
    assert set(result) == {"loss", "reconstruction_loss", "kl_loss"}


def test_beta_weighs_the_kl_term(blobs):
    _, _, vae, _ = _small_vae(beta=4.0)
    total, reconstruction, kl = (float(v) for v in vae.compute_losses(blobs[:64]))
    assert total == pytest.approx(reconstruction + 4.0 * kl, rel=1e-5)


def test_trained_vae_saves_and_reloads_with_safe_mode(blobs, tmp_path):
    import keras

    ae.set_seed(0)
    enc, dec, vae, _ = _small_vae(beta=0.5)
    vae.compile(optimizer=ae.make_optimizer(epochs=2, n_train=len(blobs)))
    vae.fit(blobs, epochs=2, batch_size=64, verbose=0)
    path = tmp_path / "vae.keras"
    vae.save(path)
    again = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(again, ae.VAE) and again.beta == 0.5
    np.testing.assert_array_equal(again.predict(blobs, verbose=0), vae.predict(blobs, verbose=0))
    z_mean, z_log_var, _ = enc.predict(blobs, verbose=0)
    z_mean2, z_log_var2, _ = again.encoder.predict(blobs, verbose=0)
    np.testing.assert_array_equal(z_mean2, z_mean)
    np.testing.assert_array_equal(z_log_var2, z_log_var)
    codes = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_array_equal(again.decoder.predict(codes, verbose=0),
                                  dec.predict(codes, verbose=0))
    # The reloaded model keeps training and reporting its terms.
    again.compile(optimizer=ae.make_optimizer(epochs=1, n_train=len(blobs)))
    h = again.fit(blobs, epochs=1, batch_size=64, verbose=0).history
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(h)


def test_saved_file_needs_no_unsafe_deserialization(tmp_path):
    """No Lambda layer and no pickled Python code: only registered classes."""
    import json
    import zipfile

    _, _, vae, _ = _small_vae()
    path = tmp_path / "vae.keras"
    vae.save(path)
    with zipfile.ZipFile(path) as archive:
        config = archive.read("config.json").decode()
    assert "Lambda" not in config
    assert '"aehelpers>VAE"' in config and '"aehelpers>Sampling"' in config
    json.loads(config)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"latent_dim": 0}, ValueError, "latent_dim"),
        ({"latent_dim": 2.0}, TypeError, "latent_dim"),
        ({"latent_dim": 784}, ValueError, "latent_dim"),
        ({"input_shape": "28"}, TypeError, "input_shape"),
        ({"input_shape": (28, 28, 1, 1)}, TypeError, "input_shape"),
        ({"input_shape": (28, -28)}, ValueError, "input_shape"),
        ({"hidden_sizes": ()}, TypeError, "hidden_sizes"),
        ({"hidden_sizes": 256}, TypeError, "hidden_sizes"),
        ({"hidden_sizes": (256, 2)}, ValueError, "larger than latent_dim"),
        ({"activation": "rleu"}, ValueError, "activation"),
        ({"beta": -1.0}, ValueError, "beta"),
        ({"beta": float("inf")}, ValueError, "beta"),
        ({"beta": "1"}, TypeError, "beta"),
        ({"seed": -5}, ValueError, "seed"),
        ({"name": " "}, ValueError, "name"),
    ],
)
def test_rejects_impossible_settings(kwargs, error, words):
    with pytest.raises(error, match="build_vae") as info:
        ae.build_vae(**kwargs)
    assert words in str(info.value)


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        ae.build_vae((28, 28, 1))


def test_errors_come_before_keras_is_imported():
    code = (
        "import sys, aehelpers as ae\n"
        "for kwargs in ({'latent_dim': 0}, {'beta': -1}, {'hidden_sizes': (1,)}):\n"
        "    try:\n"
        "        ae.build_vae(**kwargs)\n"
        "    except (ValueError, TypeError):\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit('no error for %r' % kwargs)\n"
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


def test_show_source_shows_the_loss_terms_and_sampling():
    text = ae.show_source(ae.VAE)
    assert "def train_step" in text and "kl_divergence(" in text
    assert "ops.exp(0.5 * z_log_var)" in ae.show_source(ae.Sampling)

"""The variational autoencoder builder (taught in notebook 06).

``build_vae`` checks its options, then builds the encoder, the decoder and the
:class:`~aehelpers.vae_model.VAE` model from the Keras classes in ``vae_model.py``
(``ae.show_source(ae.VAE)`` and ``ae.show_source(ae.Sampling)`` print them).
"""

import math
import numbers
from typing import NamedTuple

from ._checks import check_activation, check_input_shape, check_name, is_int

__all__ = ["build_vae", "VAEParts"]


class VAEParts(NamedTuple):
    """What :func:`build_vae` returns.

    ``encoder`` maps images to ``[z_mean, z_log_var, z]``; ``decoder`` maps codes to images;
    ``vae`` is the trainable model; ``mean_encoder`` maps images to ``z_mean`` alone (one
    code per image, what the latent explorer and the interpolation widget expect).
    """

    encoder: object
    decoder: object
    vae: object
    mean_encoder: object


def _check_vae_options(input_shape, latent_dim, hidden_sizes, activation, beta, seed, name):
    func = "build_vae"
    input_shape = check_input_shape(
        func, input_shape, ndims=(1, 2, 3),
        expected="a tuple such as (28, 28, 1), (28, 28) or (784,)",
    )
    n_inputs = math.prod(input_shape)
    if not is_int(latent_dim):
        raise TypeError(f"{func}(): latent_dim must be a positive integer, got {latent_dim!r}")
    if not 0 < latent_dim < n_inputs:
        raise ValueError(
            f"{func}(): latent_dim must be between 1 and {n_inputs - 1} (fewer numbers than "
            f"the input has), got {latent_dim!r}"
        )
    if is_int(hidden_sizes) or not isinstance(hidden_sizes, (tuple, list)) or not hidden_sizes:
        raise TypeError(
            f"{func}(): hidden_sizes must be a non-empty tuple of positive integers, e.g. "
            f"(512, 256), got {hidden_sizes!r}"
        )
    if not all(is_int(s) and s > latent_dim for s in hidden_sizes):
        raise ValueError(
            f"{func}(): every hidden size must be an integer larger than latent_dim="
            f"{latent_dim}, got hidden_sizes={tuple(hidden_sizes)!r}"
        )
    check_activation(func, "activation", activation)
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not (
        math.isfinite(beta) and beta >= 0
    ):
        raise ValueError(f"{func}(): beta must be a finite number >= 0, got {beta!r}")
    if seed is not None and (not is_int(seed) or seed < 0):
        raise ValueError(f"{func}(): seed must be None or a non-negative integer, got {seed!r}")
    check_name(func, name)
    return input_shape, n_inputs, tuple(int(s) for s in hidden_sizes)


def build_vae(
    *,
    input_shape=(28, 28, 1),
    latent_dim=2,
    hidden_sizes=(512, 256),
    activation="relu",
    beta=1.0,
    seed=None,
    name="vae",
):
    """Build a variational autoencoder with dense layers; return ``VAEParts``.

    Taught in notebook 06 (MNIST digits, a 2-D code). The encoder flattens the image, goes
    through ``hidden_sizes`` and ends in two heads, ``z_mean`` and ``z_log_var`` (the mean
    and log-variance of a Gaussian over codes); a :class:`~aehelpers.vae_model.Sampling`
    layer draws ``z`` from it. The decoder mirrors the hidden layers and ends in a sigmoid
    layer reshaped to ``input_shape``. The :class:`~aehelpers.vae_model.VAE` model trains
    on ``reconstruction_loss + beta * kl_loss`` and reports both terms; ``seed`` makes the
    sampling repeatable.

    Returns ``VAEParts(encoder, decoder, vae, mean_encoder)``, sharing weights;
    ``mean_encoder`` outputs ``z_mean`` only. Compile with a plain optimizer:
    ``vae.compile(optimizer=ae.make_optimizer(...))``, then ``vae.fit(x_train, ...)``.

    Rejects, before Keras is imported: an input_shape that is not 1 to 3 positive integers;
    a latent_dim that is not a positive integer smaller than the input; empty hidden_sizes
    or a hidden size not larger than latent_dim; an unknown activation; a negative or
    non-finite beta; a seed that is not None or a non-negative integer; an empty name.
    """
    input_shape, n_inputs, hidden_sizes = _check_vae_options(
        input_shape, latent_dim, hidden_sizes, activation, beta, seed, name
    )
    import keras
    from keras import layers

    from .vae_model import VAE, Sampling

    # Encoder: image -> hidden layers -> the mean and log-variance of the code -> a sample z.
    images = keras.Input(shape=input_shape, name="images")
    x = layers.Flatten(name="flatten")(images) if len(input_shape) > 1 else images
    for i, size in enumerate(hidden_sizes, start=1):
        x = layers.Dense(size, activation=activation, name=f"encoder_hidden_{i}")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    encoder = keras.Model(images, [z_mean, z_log_var, z], name="encoder")

    # Decoder: a code -> the hidden layers in reverse -> one value per pixel, in [0, 1].
    codes = keras.Input(shape=(latent_dim,), name="code")
    x = codes
    for i, size in enumerate(reversed(hidden_sizes), start=1):
        x = layers.Dense(size, activation=activation, name=f"decoder_hidden_{i}")(x)
    x = layers.Dense(n_inputs, activation="sigmoid", name="pixels")(x)
    outputs = layers.Reshape(input_shape, name="image")(x) if len(input_shape) > 1 else x
    decoder = keras.Model(codes, outputs, name="decoder")

    vae = VAE(encoder, decoder, beta=beta, name=name)
    vae(keras.ops.zeros((1, *input_shape)))  # build it, so that it can be saved at once
    mean_encoder = keras.Model(images, z_mean, name="mean_encoder")
    return VAEParts(encoder, decoder, vae, mean_encoder)

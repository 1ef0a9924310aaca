"""Every model builder of the course: dense, stacked, convolutional and variational.

The dense and stacked builders (notebooks 01-03) and the convolutional one (04, 05)
return an :class:`Autoencoder` (encoder, decoder, autoencoder); the variational one (06)
returns :class:`VAEParts`, built from the Keras classes in ``vae.py``. ``show_source(builder)``
prints a builder's Keras code, so the architecture is never hidden.

Convolutions look at small patches and share their weights across the image, so they
learn edges and textures once and use them everywhere; a dense layer has to learn every
pixel's neighbourhood separately.
"""

import inspect
import math
from typing import NamedTuple

from ._checks import (
    ACTIVATIONS,  # noqa: F401  (ae.models.ACTIVATIONS: the names the builders accept)
    check_activation,
    check_input_shape,
    check_name,
    check_number,
    check_positive_int,
    check_seed,
    is_int,
)

__all__ = [
    "build_dense_autoencoder", "build_stacked_autoencoder", "build_conv_autoencoder",
    "build_vae", "Autoencoder", "VAEParts", "show_source",
]

DOWNSAMPLING = ("stride", "pool")


class Autoencoder(NamedTuple):
    """What a builder returns: the encoder, the decoder, and the whole model."""

    encoder: object
    decoder: object
    autoencoder: object


def show_source(obj):
    """Print the source code of a builder (or any function or class) and return it as text.

    Used from notebook 03 on, wherever a notebook builds a model with a builder, so the
    Keras code is always one call away. Rejects objects without Python source (e.g. a
    number or a built-in).
    """
    try:
        text = inspect.getsource(obj)
    except (TypeError, OSError):
        raise TypeError(
            f"show_source() needs a Python function or class, got {type(obj).__name__}"
        ) from None
    print(text)
    return text


# --------------------------------------------------------------------------- checks


def _check_hidden_sizes(func, hidden_sizes, code_size):
    if is_int(hidden_sizes) or not isinstance(hidden_sizes, (tuple, list)):
        raise TypeError(
            f"{func}(): hidden_sizes must be a tuple of positive integers such as (256, 128) "
            f"(or () for none), got {hidden_sizes!r}"
        )
    sizes = tuple(check_positive_int(func, "each of hidden_sizes", s) for s in hidden_sizes)
    too_small = [s for s in sizes if s <= code_size]
    if too_small:
        raise ValueError(
            f"{func}(): every hidden size must be larger than code_size={code_size}, or the "
            f"code is not the bottleneck; got hidden_sizes={sizes!r}"
        )
    return sizes


def _check_dense_options(func, input_shape, code_size, hidden_sizes, activations, name):
    """Validate everything a dense builder takes; return (input_shape, n_inputs, hidden)."""
    input_shape = check_input_shape(
        func, input_shape, ndims=range(1, 100),
        expected="a tuple of positive integers such as (784,) or (28, 28)",
    )
    code_size = check_positive_int(func, "code_size", code_size)
    n_inputs = math.prod(input_shape)
    if code_size >= n_inputs:
        raise ValueError(
            f"{func}(): code_size={code_size} must be smaller than the input size {n_inputs} "
            f"(input_shape={input_shape}); otherwise the autoencoder can learn to copy its "
            "input instead of compressing it"
        )
    hidden_sizes = _check_hidden_sizes(func, hidden_sizes, code_size)
    for arg, value in activations.items():
        check_activation(func, arg, value)
    check_name(func, name)
    return input_shape, n_inputs, hidden_sizes


# --------------------------------------------------------------------------- builders


def build_dense_autoencoder(
    *,
    input_shape=(784,),
    code_size=32,
    hidden_sizes=(),
    activation="relu",
    code_activation="relu",
    output_activation="sigmoid",
    name="dense_autoencoder",
):
    """Build a fully connected autoencoder: input -> [hidden...] -> code -> [hidden...] -> input.

    Notebook 02 writes its 784 -> 32 -> 784 model in plain Keras (the same layers as this
    builder makes); notebook 03 builds it here as the shallow baseline.
    ``input_shape`` may be flat, e.g. (784,), or an image shape, e.g. (28, 28): the encoder
    then flattens and the decoder reshapes back. ``hidden_sizes`` are the encoder's hidden
    layers from the input inwards; the decoder mirrors them. ``activation`` is used in the
    hidden layers, ``code_activation`` in the code layer and ``output_activation`` in the last
    layer (sigmoid suits pixels in [0, 1]); None means linear.
    Returns ``Autoencoder(encoder, decoder, autoencoder)``; the three models share weights.

    Rejects, before Keras is imported: a non-positive or non-integer size, a code_size not
    smaller than the input size, a hidden size not larger than code_size, an unknown
    activation name, and an empty name.
    """
    input_shape, n_inputs, hidden_sizes = _check_dense_options(
        "build_dense_autoencoder", input_shape, code_size, hidden_sizes,
        {"activation": activation, "code_activation": code_activation,
         "output_activation": output_activation},
        name,
    )
    import keras
    from keras import layers

    # Encoder: (flatten), hidden layers narrowing down, then the code layer (the bottleneck).
    inputs = keras.Input(shape=input_shape, name="input")
    x = layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, size in enumerate(hidden_sizes, start=1):
        x = layers.Dense(size, activation=activation, name=f"encoder_hidden_{i}")(x)
    code = layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    # Decoder: the mirror image, from the code back to as many values as the input has.
    code_inputs = keras.Input(shape=(code_size,), name="code_input")
    x = code_inputs
    for i, size in enumerate(reversed(hidden_sizes), start=1):
        x = layers.Dense(size, activation=activation, name=f"decoder_hidden_{i}")(x)
    x = layers.Dense(n_inputs, activation=output_activation, name="reconstruction")(x)
    outputs = layers.Reshape(input_shape, name="reshape")(x) if len(input_shape) > 1 else x
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    # The autoencoder is the two in a row: it is trained to give back its input.
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return Autoencoder(encoder, decoder, autoencoder)


def build_stacked_autoencoder(
    *,
    input_shape=(784,),
    code_size=32,
    hidden_sizes=(256, 128),
    activation="relu",
    code_activation="relu",
    output_activation="sigmoid",
    name="stacked_autoencoder",
):
    """Build a deep ("stacked") dense autoencoder, e.g. 784-256-128-32-128-256-784.

    Taught in notebook 03 (Fashion-MNIST). It is :func:`build_dense_autoencoder` with at
    least one hidden layer on each side: read that function's source for the Keras code.
    Options as there; returns ``Autoencoder(encoder, decoder, autoencoder)``.

    Rejects everything :func:`build_dense_autoencoder` rejects, and empty ``hidden_sizes``
    (use build_dense_autoencoder for a shallow model).
    """
    func = "build_stacked_autoencoder"
    _check_dense_options(
        func, input_shape, code_size, hidden_sizes,
        {"activation": activation, "code_activation": code_activation,
         "output_activation": output_activation},
        name,
    )
    if len(hidden_sizes) == 0:
        raise ValueError(
            f"{func}(): hidden_sizes must name at least one hidden layer, e.g. (256, 128); "
            "for a shallow model use build_dense_autoencoder()"
        )
    return build_dense_autoencoder(
        input_shape=input_shape,
        code_size=code_size,
        hidden_sizes=hidden_sizes,
        activation=activation,
        code_activation=code_activation,
        output_activation=output_activation,
        name=name,
    )


# --------------------------------------------------------------------------- convolutional


def _check_conv_options(input_shape, code_size, filters, kernel_size, downsampling):
    """Validate the builder's options; return (input_shape, image_shape, filters)."""
    func = "build_conv_autoencoder"
    input_shape = check_input_shape(
        func, input_shape, ndims=(2, 3),
        expected="(height, width) or (height, width, channels), e.g. (28, 28, 1)",
    )
    image_shape = input_shape if len(input_shape) == 3 else (*input_shape, 1)
    if is_int(filters) or not isinstance(filters, (tuple, list)) or not filters:
        raise TypeError(
            f"{func}(): filters must be a non-empty tuple of positive integers, one per "
            f"convolution block, e.g. (32, 64), got {filters!r}"
        )
    filters = tuple(check_positive_int(func, "each of filters", f) for f in filters)
    factor = 2 ** len(filters)
    height, width, channels = image_shape
    if height % factor or width % factor:
        raise ValueError(
            f"{func}(): each block halves the image, so the height and width in input_shape "
            f"must be divisible by 2**len(filters) = {factor}; got {height}x{width} with "
            f"{len(filters)} blocks (28x28 images allow at most 2 blocks)"
        )
    if code_size is not None:
        code_size = check_positive_int(func, "code_size", code_size)
        if code_size >= height * width * channels:
            raise ValueError(
                f"{func}(): code_size={code_size} must be smaller than the image's "
                f"{height * width * channels} pixels, or the model can learn to copy"
            )
    check_positive_int(func, "kernel_size", kernel_size)
    if downsampling not in DOWNSAMPLING:
        raise ValueError(
            f"{func}(): downsampling must be 'stride' (strided convolutions) or 'pool' "
            f"(convolution + max pooling), got {downsampling!r}"
        )
    return input_shape, image_shape, filters


def build_conv_autoencoder(
    *,
    input_shape=(28, 28, 1),
    code_size=32,
    filters=(32, 64),
    kernel_size=3,
    downsampling="stride",
    activation="relu",
    output_activation="sigmoid",
    name="conv_autoencoder",
):
    """Build a convolutional autoencoder: Conv2D blocks -> small dense code -> Conv2DTranspose.

    Taught in notebook 04 (Fashion-MNIST, compared with the deep dense autoencoder of
    notebook 03) and used as the denoiser of notebook 05.

    Encoder: one block per entry of ``filters``; each block is a ``Conv2D`` that halves the
    image (``downsampling="stride"``: a stride-2 convolution; ``"pool"``: a convolution then
    2x2 max pooling), so 28x28 becomes 14x14 then 7x7. The feature maps are flattened into a
    dense code of ``code_size`` numbers (linear: the code can take any value). With
    ``code_size=None`` there is no dense layer: the code is the last feature map (e.g.
    7x7x64), useful for denoising, where the noise, not a tiny code, stops the model from
    copying its input.
    Decoder: the mirror image, a dense layer back to the feature map (none when
    ``code_size=None``), then one
    ``Conv2DTranspose`` (stride 2) per block, each doubling the size; the last of them has
    one filter per channel and ``output_activation`` (sigmoid for pixels in [0, 1]), and
    gives back the image. (With ``downsampling="pool"`` the decoder is the same: it does
    not use ``UpSampling2D``.)

    ``input_shape`` is (28, 28, 1) or (28, 28); with (28, 28) the models take and return
    (n, 28, 28) arrays. Returns ``Autoencoder(encoder, decoder, autoencoder)`` sharing weights.

    Rejects, before Keras is imported: an input_shape that is not 2 or 3 positive integers;
    empty or non-positive filters; an image size not divisible by 2**len(filters); a
    code_size that is not a positive integer (or None) smaller than the number of pixels; a
    non-positive kernel_size; an unknown downsampling or activation name; an empty name.
    """
    func = "build_conv_autoencoder"
    input_shape, image_shape, filters = _check_conv_options(
        input_shape, code_size, filters, kernel_size, downsampling
    )
    check_activation(func, "activation", activation)
    check_activation(func, "output_activation", output_activation)
    check_name(func, name)
    import keras
    from keras import layers

    # Encoder: each block halves the height and width and adds more filters (features).
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs if len(input_shape) == 3 else layers.Reshape(image_shape, name="add_channel")(inputs)
    for i, n_filters in enumerate(filters, start=1):
        if downsampling == "stride":
            x = layers.Conv2D(n_filters, kernel_size, strides=2, padding="same",
                              activation=activation, name=f"conv_{i}")(x)
        else:
            x = layers.Conv2D(n_filters, kernel_size, padding="same",
                              activation=activation, name=f"conv_{i}")(x)
            x = layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    feature_shape = tuple(x.shape[1:])  # e.g. (7, 7, 64)
    if code_size is not None:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(code_size, name="code")(x)
    encoder = keras.Model(inputs, x, name="encoder")

    # Decoder: from the code back to the feature map, then each block doubles the size.
    code_shape = (code_size,) if code_size is not None else feature_shape
    code_inputs = keras.Input(shape=code_shape, name="code_input")
    x = code_inputs
    if code_size is not None:
        x = layers.Dense(math.prod(feature_shape), activation=activation, name="from_code")(x)
        x = layers.Reshape(feature_shape, name="to_feature_map")(x)
    for i, n_filters in enumerate(reversed(filters[:-1]), start=1):
        x = layers.Conv2DTranspose(n_filters, kernel_size, strides=2, padding="same",
                                   activation=activation, name=f"deconv_{i}")(x)
    # The last transposed convolution gives back the image: one filter per channel.
    x = layers.Conv2DTranspose(image_shape[-1], kernel_size, strides=2, padding="same",
                               activation=output_activation, name="reconstruction")(x)
    outputs = x if len(input_shape) == 3 else layers.Reshape(input_shape, name="drop_channel")(x)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    # The autoencoder is the two in a row, trained to give back its input.
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return Autoencoder(encoder, decoder, autoencoder)


# --------------------------------------------------------------------------- variational


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
    latent_dim = check_positive_int(func, "latent_dim", latent_dim)
    if latent_dim >= n_inputs:
        raise ValueError(
            f"{func}(): latent_dim must be between 1 and {n_inputs - 1} (fewer numbers than "
            f"the input has), got {latent_dim!r}"
        )
    if is_int(hidden_sizes) or not isinstance(hidden_sizes, (tuple, list)) or not hidden_sizes:
        raise TypeError(
            f"{func}(): hidden_sizes must be a non-empty tuple of positive integers, e.g. "
            f"(512, 256), got {hidden_sizes!r}"
        )
    sizes = tuple(check_positive_int(func, "each of hidden_sizes", s) for s in hidden_sizes)
    if not all(s > latent_dim for s in sizes):
        raise ValueError(
            f"{func}(): every hidden size must be larger than latent_dim="
            f"{latent_dim}, got hidden_sizes={sizes!r}"
        )
    check_activation(func, "activation", activation)
    check_number(func, "beta", beta, low=0.0)
    if seed is not None:
        check_seed(func, seed)
    check_name(func, name)
    return input_shape, n_inputs, sizes


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
    and log-variance of a Gaussian over codes); a :class:`~aehelpers.vae.Sampling`
    layer draws ``z`` from it. The decoder mirrors the hidden layers and ends in a sigmoid
    layer reshaped to ``input_shape``. The :class:`~aehelpers.vae.VAE` model trains
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

    from .vae import VAE, Sampling

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

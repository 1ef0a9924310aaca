"""The convolutional autoencoder (taught in notebook 04; the denoiser of notebook 05).

Convolutions look at small patches and share their weights across the image, so they
learn edges and textures once and use them everywhere; a dense layer has to learn every
pixel's neighbourhood separately. Read the Keras code with
``ae.show_source(ae.build_conv_autoencoder)``.
"""

import math

from ._checks import check_activation, check_input_shape, check_name, check_positive_int, is_int
from .models import Autoencoder

__all__ = ["build_conv_autoencoder"]

DOWNSAMPLING = ("stride", "pool")


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
    Decoder: the mirror image, a dense layer back to the feature map, one
    ``Conv2DTranspose`` (stride 2) per block doubling the size, then a ``Conv2D`` with one
    filter per channel and ``output_activation`` (sigmoid for pixels in [0, 1]).

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

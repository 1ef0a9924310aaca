"""Model builders: dense and stacked autoencoders (notebooks 01-03).

Every builder returns an :class:`Autoencoder` (encoder, decoder, autoencoder), and
``show_source(builder)`` prints its Keras code, so the architecture is never hidden.
"""

import inspect
import math
from typing import NamedTuple

from ._checks import (
    ACTIVATIONS,  # noqa: F401  (ae.models.ACTIVATIONS: the names the builders accept)
    check_activation,
    check_input_shape,
    check_name,
    check_positive_int,
    is_int,
)

__all__ = ["build_dense_autoencoder", "build_stacked_autoencoder", "Autoencoder", "show_source"]


class Autoencoder(NamedTuple):
    """What a builder returns: the encoder, the decoder, and the whole model."""

    encoder: object
    decoder: object
    autoencoder: object


def show_source(obj):
    """Print the source code of a builder (or any function or class) and return it as text.

    Used in notebook 02 (and wherever a notebook builds a model with a builder), so the
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

    Taught in notebook 02 (784 -> 32 -> 784 on MNIST) and used in 03 as the shallow baseline.
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

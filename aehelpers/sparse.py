"""Sparse autoencoders: the top-k layer, the tied decoder bias, an L1 penalty and two builders.

Taught in notebook 09, which writes each of these in plain Keras first. A sparse
autoencoder here maps ``n_inputs`` numbers to ``width`` code units (usually more than
``n_inputs``: an *overcomplete* code) and back through one ``Dense`` layer whose kernel rows,
one per code unit, are kept at unit length. Its encoder first subtracts the decoder's bias.
"""

import keras
import numpy as np
from keras import ops

from ._checks import check_bool, check_name, check_number, check_positive_int, is_int

__all__ = [
    "TopK",
    "L1Penalty",
    "DecoderBias",
    "build_topk_autoencoder",
    "build_l1_autoencoder",
    "decoder_directions",
    "best_cosines",
]


@keras.saving.register_keras_serializable(package="aehelpers")
class TopK(keras.layers.Layer):
    """Keep each example's k largest values (made non-negative by a ReLU), zero the rest.

    Notebook 09. With k of the ``width`` units kept, at most k code units are non-zero for
    each input (exactly k when its k largest values are all above 0), unless values tie with
    the k-th largest: every value equal to it is kept.
    """

    def __init__(self, k, **kwargs):
        super().__init__(**kwargs)
        self.k = check_positive_int("TopK", "k", k)

    def call(self, x):
        kth_largest = ops.top_k(x, self.k)[0][..., -1:]  # per example: its k-th largest
        return ops.where(x >= kth_largest, ops.relu(x), 0.0)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="aehelpers")
class L1Penalty(keras.layers.Layer):
    """Pass the code through unchanged and add weight * (sum of |code| per example) to the loss.

    Notebook 09. The penalty is averaged over the batch, so its strength does not depend on
    the batch size.
    """

    def __init__(self, weight, **kwargs):
        super().__init__(**kwargs)
        self.weight = check_number("L1Penalty", "weight", weight, low=0.0)

    def call(self, code):
        self.add_loss(self.weight * ops.mean(ops.sum(ops.abs(code), axis=-1)))
        return code

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


@keras.saving.register_keras_serializable(package="aehelpers")
class DecoderBias(keras.layers.Layer):
    """The decoder's bias b: added as the decoder's last step, subtracted as the encoder's first.

    Notebook 09. One layer object is called twice, once in the encoder with
    ``subtract=True`` and once at the end of the decoder, so both use the same vector.
    """

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer="zeros",
                                    name="bias")

    def call(self, x, subtract=False):
        return x - self.bias if subtract else x + self.bias


def _build(func, n_inputs, width, sparsity_layer, name):
    """Encoder (minus b, Dense, sparsity_layer), decoder (unit-norm Dense, plus b), autoencoder."""
    from .models import Autoencoder

    bias = DecoderBias(name="decoder_bias")
    inputs = keras.Input(shape=(n_inputs,))
    pre_activations = keras.layers.Dense(width, name="encoder_dense")(bias(inputs, subtract=True))
    code = sparsity_layer(pre_activations)
    encoder = keras.Model(inputs, code, name="encoder")
    code_in = keras.Input(shape=(width,))
    # The kernel has one row per code unit: the direction that unit writes. UnitNorm(axis=1)
    # rescales every row to length 1 after each training step.
    dictionary = keras.layers.Dense(n_inputs, use_bias=False, name="decoder_dense",
                                    kernel_constraint=keras.constraints.UnitNorm(axis=1))
    decoder = keras.Model(code_in, bias(dictionary(code_in)), name="decoder")
    # Start with unit-length rows, and each unit reading the direction it writes (the
    # encoder's kernel is the decoder's, transposed; Gao et al. 2024): fewer dead units.
    rows = keras.ops.convert_to_numpy(dictionary.kernel)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    dictionary.kernel.assign(rows)
    encoder.get_layer("encoder_dense").kernel.assign(rows.T)
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return Autoencoder(encoder, decoder, autoencoder)


def _check_sizes(func, n_inputs, width, name):
    n_inputs = check_positive_int(func, "n_inputs", n_inputs)
    width = check_positive_int(func, "width", width)
    return n_inputs, width, check_name(func, name)


def build_topk_autoencoder(n_inputs, width, *, k, name="topk_autoencoder"):
    """Build a top-k sparse autoencoder: n_inputs -> width units, k of them active -> n_inputs.

    Notebook 09 (parts 2 to 4). The encoder subtracts the decoder's bias, applies a ``Dense``
    layer of ``width`` units and keeps each input's k largest values (:class:`TopK`); the
    decoder is a ``Dense`` layer without bias whose kernel rows have unit length, followed by
    the shared bias. Returns ``Autoencoder(encoder, decoder, autoencoder)`` (shared weights).
    Rejects sizes that are not positive integers and a k larger than ``width``.
    """
    func = "build_topk_autoencoder"
    n_inputs, width, name = _check_sizes(func, n_inputs, width, name)
    if not is_int(k):
        raise TypeError(f"{func}(): k must be a positive integer, got {k!r}")
    if not 1 <= k <= width:
        raise ValueError(f"{func}(): k must be between 1 and width={width}, got {k!r}")
    return _build(func, n_inputs, width, TopK(int(k), name="top_k"), name)


def build_l1_autoencoder(n_inputs, width, *, l1, name="l1_autoencoder"):
    """Build an L1 sparse autoencoder: like :func:`build_topk_autoencoder`, with ReLU and a penalty.

    Notebook 09 (part 2). The code is ``relu`` of the encoder's ``Dense`` layer, and
    :class:`L1Penalty` adds ``l1`` times the sum of the code's values to the loss. Returns
    ``Autoencoder(encoder, decoder, autoencoder)``. Rejects sizes that are not positive
    integers and an ``l1`` that is not a non-negative number.
    """
    func = "build_l1_autoencoder"
    n_inputs, width, name = _check_sizes(func, n_inputs, width, name)
    l1 = check_number(func, "l1", l1, low=0.0)

    penalty = L1Penalty(l1, name="l1_penalty")
    relu = keras.layers.Activation("relu", name="relu")
    return _build(func, n_inputs, width, lambda x: penalty(relu(x)), name)


def decoder_directions(decoder):
    """Return the decoder's directions, one unit-length row per code unit: (width, n_inputs).

    Notebook 09. ``decoder`` is a Keras decoder whose first ``Dense`` layer maps the code to
    the output (as the builders of this module make), or a builder's ``Autoencoder``.
    """
    decoder = getattr(decoder, "decoder", decoder)
    if not isinstance(decoder, keras.Model):
        raise TypeError(f"decoder_directions(): decoder must be a Keras model, got "
                        f"{type(decoder).__name__}")
    dense = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError("decoder_directions(): the decoder has no Dense layer")
    kernel = keras.ops.convert_to_numpy(dense[0].kernel)
    return kernel / np.maximum(np.linalg.norm(kernel, axis=1, keepdims=True), 1e-12)


def best_cosines(true_directions, found_directions, *, signed=False):
    """For each true direction, the largest cosine similarity with any found direction.

    Notebook 09 (part 2): how well a model recovered known features. Both arguments are 2-D
    arrays with one direction per row and the same number of columns. By default the cosines
    are taken in absolute value, for methods whose directions have no meaningful sign (PCA):
    the result is between 0 (nothing found near it) and 1 (found exactly, up to sign). With
    ``signed=True`` a direction must point the same way: use it for a sparse autoencoder's
    decoder rows, whose codes are never negative, so a row opposite a feature writes a
    different feature; the result is then between -1 and 1. Rejects a ``signed`` that is not
    a bool.
    """
    func = "best_cosines"
    check_bool(func, "signed", signed)
    arrays = []
    for name, value in (("true_directions", true_directions),
                        ("found_directions", found_directions)):
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{func}(): {name} must be a NumPy array, got {type(value).__name__}")
        if value.ndim != 2 or len(value) == 0:
            raise ValueError(f"{func}(): {name} must be 2-D with one direction per row, got "
                             f"shape {value.shape}")
        norms = np.linalg.norm(value, axis=1, keepdims=True)
        arrays.append(value / np.maximum(norms, 1e-12))
    if arrays[0].shape[1] != arrays[1].shape[1]:
        raise ValueError(f"{func}(): the directions must have the same length, got "
                         f"{arrays[0].shape[1]} and {arrays[1].shape[1]}")
    cosines = arrays[0] @ arrays[1].T
    return (cosines if signed else np.abs(cosines)).max(axis=1)

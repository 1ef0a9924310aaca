"""Exercise checks of notebook 04 (a convolutional autoencoder).

Each check looks at what the learner's answer does (it runs the layer or the model, and
trains a fresh copy briefly where it matters), prints "Correct: ..." or "Not yet: ..." with a
hint for that mistake, and returns True or False. A wrong answer never raises.
"""

import numbers

import numpy as np

from ._feedback import not_yet, passed
from ._inspect import activation_name, layer_types, layers, width
from .notebook03 import _check_images, _learns, _runs_on_images

__all__ = ["check_transposed_convolution_prediction", "check_pooling_autoencoder",
           "check_small_conv_autoencoder"]

# The 4 x 4 map of ones of exercise 1, and the layer it goes through.
MAP_SIZE, KERNEL_SIZE, STRIDE = 4, 3, 2


def _transposed_convolution_of_ones():
    """Run Conv2DTranspose(1, 3, strides=2, padding="same"), all weights 1, no bias, on ones."""
    import keras

    layer = keras.layers.Conv2DTranspose(1, KERNEL_SIZE, strides=STRIDE, padding="same",
                                         use_bias=False, kernel_initializer="ones")
    out = layer(np.ones((1, MAP_SIZE, MAP_SIZE, 1), "float32"))
    return keras.ops.convert_to_numpy(out)[0, :, :, 0]


def check_transposed_convolution_prediction(prediction):
    """Check the prediction of exercise 1 of notebook 04 by running the layer.

    ``prediction`` is the set of values the learner expects in the 8 x 8 output of a
    ``Conv2DTranspose(1, 3, strides=2, padding="same")`` whose 9 weights are 1 (no bias),
    applied to a 4 x 4 map of ones. The check runs that layer, prints the output and why
    it looks so, and returns True or False.
    """
    check = "check_transposed_convolution_prediction"
    if prediction is None:
        return not_yet(check, "none", "write your prediction first, as a set of numbers, "
                                      "e.g. my_prediction = {1, 9}.")
    values = list(prediction) if isinstance(prediction, (set, frozenset, list, tuple)) else [
        prediction]
    if not values or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                             for v in values):
        return not_yet(check, "type", f"expected a set of numbers such as {{1, 9}}, got "
                                      f"{prediction!r}.")
    out = _transposed_convolution_of_ones()
    shown = sorted({int(round(v)) for v in out.ravel()})
    grid = "\n".join(" ".join(f"{int(v)}" for v in row) for row in out)
    why = ("Each input value adds its 3 x 3 patch of weights to the output, and the patches "
           "of neighbouring inputs are placed 2 pixels apart, so they overlap by one row or "
           "one column: output pixels get 1, 2 or 4 contributions, in a checkerboard pattern. "
           "With a kernel of 4 (a multiple of the stride) the inside would be covered "
           "evenly. Uneven overlap is one cause of the checkerboard patterns that "
           "decoders made of transposed convolutions can draw.")
    if sorted({float(v) for v in values}) == [float(v) for v in shown]:
        return passed(f"the output holds {set(shown)}:\n{grid}\n{why}")
    said = sorted({float(v) for v in values})
    if said == [9.0] or 9.0 in said:
        mistake, text = "nine", ("no output pixel gets all 9 weights of 9 inputs: a transposed "
                                 "convolution spreads each input over a patch, it does not "
                                 "gather a patch into each output.")
    elif said == [1.0]:
        mistake, text = "one", "the patches are 3 wide but placed 2 apart, so some overlap."
    else:
        mistake, text = "prediction", "some values are missing or extra."
    return not_yet(check, mistake,
                   f"you predicted {set(values)}; the run gives {set(shown)}:\n{grid}\n{text} "
                   f"{why}",
                   ["Draw one row: inputs at 0, 2, 4, 6 on the output each cover 3 pixels. "
                    "How many cover each output pixel? The 2-D count is the product of the "
                    "row count and the column count."])


def check_pooling_autoencoder(model, images):
    """Check exercise 2 of notebook 04: pooling down, UpSampling2D up, a 16-number code.

    Looks at the learner's model (28 x 28 images in and out; MaxPooling2D, not strided
    convolutions, to shrink; UpSampling2D, not Conv2DTranspose, to grow; a 16-number code;
    a sigmoid output) and trains a fresh copy for one short epoch on 2,000 of ``images`` to
    see its loss fall. Prints what is right or what to fix and returns True or False.
    Rejects ``images`` that are not a float array of at least 2,000 images of 28 x 28.
    """
    func = check = "check_pooling_autoencoder"
    _check_images(func, "images", images, at_least=2_000)
    if not _runs_on_images(check, model):
        return False
    all_layers = list(layers(model))
    types = layer_types(model)
    strided = [layer.name for layer in all_layers if type(layer).__name__ == "Conv2D"
               and tuple(layer.strides) != (1, 1)]
    if strided:
        return not_yet(check, "strides",
                       f"the Conv2D layers {strided} use strides to shrink the image; this "
                       "exercise asks for pooling instead.",
                       ["Keep every Conv2D at the default strides=1 and halve the maps with "
                        "a separate layer.",
                        "keras.layers.MaxPooling2D(2) after a Conv2D halves height and "
                        "width."])
    if types.count("MaxPooling2D") < 2:
        other = [t for t in types if "Pooling" in t and t != "MaxPooling2D"]
        return not_yet(check, "pooling",
                       f"found {types.count('MaxPooling2D')} MaxPooling2D layer(s)"
                       + (f" (and {other}, which the exercise does not ask for)" if other
                          else "") + "; two halve 28 x 28 to 7 x 7.",
                       ["One MaxPooling2D(2) after each of the two Conv2D layers."])
    if "Conv2DTranspose" in types:
        return not_yet(check, "transpose",
                       "the decoder uses Conv2DTranspose; this exercise grows the maps with "
                       "UpSampling2D followed by an ordinary Conv2D.",
                       ["keras.layers.UpSampling2D(2) repeats each value in a 2 x 2 block; "
                        "a Conv2D with padding='same' after it smooths the result."])
    if types.count("UpSampling2D") < 2:
        return not_yet(check, "upsampling",
                       f"found {types.count('UpSampling2D')} UpSampling2D layer(s); two "
                       "double 7 x 7 back to 28 x 28.",
                       ["Mirror the encoder: each MaxPooling2D gets an UpSampling2D in the "
                        "decoder."])
    widths = [(w, layer.name) for layer in all_layers if (w := width(layer)) is not None]
    narrowest, name = min(widths)
    if narrowest != 16:
        return not_yet(check, "code size",
                       f"the narrowest layer ({name!r}) outputs {narrowest} numbers; the "
                       "code should have 16.",
                       ["Flatten the 7 x 7 maps and add a Dense(16) layer: that is the code."])
    last = [layer for layer in all_layers if hasattr(layer, "activation")][-1]
    if activation_name(last) != "sigmoid":
        return not_yet(check, "output activation",
                       f"the last layer with weights ({last.name!r}) uses "
                       f"{activation_name(last)!r}; pixels lie in [0, 1] and the loss is "
                       "binary cross-entropy, which needs outputs in (0, 1).",
                       ['End with a Conv2D of one filter and activation="sigmoid".'])
    ok, losses = _learns(check, model, images[:2_000])
    if not ok:
        return False
    return passed(f"two MaxPooling2D down, two UpSampling2D up, a {narrowest}-number code, a "
                  f"sigmoid output; a fresh copy's error fell from {losses[0]:.4f} to "
                  f"{losses[-1]:.4f} in one short epoch; {model.count_params():,} weights.")


def _small_model_verdict(check, model, x_test, *, pca_mse, seconds, max_weights, max_seconds,
                        target=1.0, code_size=32):
    """The verdict of exercise 3: a small trained autoencoder against PCA; True or False.

    The learner's trained ``model`` must take and give back 28 x 28 images, have a code of
    at most ``code_size`` numbers (its narrowest layer), at most ``max_weights`` weights,
    and reach a test MSE below ``target`` times ``pca_mse``. ``seconds``, the training time
    the learner measured, is reported, and checked against ``max_seconds`` unless that is
    None (a busy machine makes any time limit unfair).
    """
    if not _runs_on_images(check, model):
        return False
    if seconds is None or isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return not_yet(check, "seconds", "my_seconds should be the training time in seconds, "
                                         "e.g. measured with time.perf_counter() around fit.")
    narrowest = min((w for layer in layers(model) if (w := width(layer)) is not None),
                    default=None)
    if narrowest is None or narrowest > code_size:
        return not_yet(check, "code size",
                       f"the narrowest layer outputs {narrowest} numbers; PCA gets "
                       f"{code_size}, so the code may have at most {code_size}.",
                       ["Put a bottleneck layer with at most "
                        f"{code_size} units between the encoder and the decoder."])
    weights = model.count_params()
    if weights > max_weights:
        return not_yet(check, "too many weights",
                       f"{weights:,} weights; the limit is {max_weights:,}.",
                       ["Most weights sit in the two Dense layers next to the code: "
                        "(feature maps before the code) x (code size) each.",
                        "Fewer filters in the last Conv2D (e.g. 16 instead of 64) shrink "
                        "the Dense layers next to the code four times."])
    if max_seconds is not None and seconds > max_seconds:
        return not_yet(check, "too slow",
                       f"training took {seconds:.0f} s; the limit is {max_seconds} s.",
                       ["Fewer epochs, or a smaller model, or fewer training images."])
    mse = float(np.mean((_predict(model, x_test) - x_test) ** 2))
    goal = target * pca_mse
    if not mse < goal:
        return not_yet(check, "not better",
                       f"test MSE per pixel {mse:.4f}; the goal is below {goal:.4f}"
                       + (f" ({target:.0%} of PCA's {pca_mse:.4f})." if target != 1 else
                          " (PCA's)."),
                       ["Did the model train? Run fit before this check, and look at the "
                        "loss it printed.",
                        "A linear code, a sigmoid output and the fast recipe "
                        "(ae.compile_autoencoder with the epochs and n_train of your fit) "
                        "help; so do more epochs."])
    return passed(f"test MSE per pixel {mse:.4f}, {mse / pca_mse:.0%} of PCA's, with "
                  f"{weights:,} weights, a {narrowest}-number code, trained in "
                  f"{seconds:.0f} s.")


def _predict(model, images, batch_size=500):
    import keras

    return np.concatenate([keras.ops.convert_to_numpy(model(images[k:k + batch_size],
                                                            training=False))
                           for k in range(0, len(images), batch_size)])


def _check_limits(func, **limits):
    """Each limit must be a positive number (None allowed for max_seconds)."""
    for name, value in limits.items():
        if value is None and name == "max_seconds":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
            raise TypeError(f"{func}(): {name} must be a positive number, got {value!r}")
        if not value > 0:
            raise ValueError(f"{func}(): {name} must be a positive number, got {value!r}")


def check_small_conv_autoencoder(model, x_test, *, pca_mse, seconds, max_weights=60_000,
                                 target=1.0, max_seconds=None):
    """Check exercise 3 of notebook 04: a test MSE below PCA-32's with at most 60,000 weights.

    ``model`` is the learner's trained autoencoder (a code of at most 32 numbers),
    ``seconds`` the training time they measured, ``pca_mse`` PCA's test MSE per pixel on
    ``x_test``; the goal is a test MSE below ``target`` times ``pca_mse`` (the notebook
    asks for ``target=1.1`` in quick mode, which trains on 6,000 images). The check
    measures the model's MSE on ``x_test`` and counts its weights and code size. Prints
    what is right or what to fix and returns True or False. Rejects test images that are
    not a float array of 28 x 28 images, or limits that are not positive numbers.
    """
    func = "check_small_conv_autoencoder"
    _check_images(func, "x_test", x_test, at_least=1)
    _check_limits(func, pca_mse=pca_mse, max_weights=max_weights, max_seconds=max_seconds,
                  target=target)
    return _small_model_verdict(func, model, x_test, pca_mse=pca_mse, seconds=seconds,
                                max_weights=max_weights, max_seconds=max_seconds,
                                target=target)

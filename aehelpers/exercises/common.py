"""Exercise checks shared by several notebooks (01 to 05).

A check looks at the learner's answer, prints what is right or what to fix, and returns
True or False. A wrong answer is never an error: the message says what was expected and
what came back. Only a wrong *option* of the check itself (e.g. ``code_size="64"``)
raises a TypeError or ValueError.
"""

import math

import numpy as np

from .._checks import check_input_shape, check_positive_int
from ._inspect import layers, width

__all__ = ["check_autoencoder", "check_masking_function"]


def _verdict(ok, text):
    print(("Correct: " if ok else "Not yet: ") + text)
    return ok


def check_autoencoder(model, *, input_shape, code_size):
    """Check that model is an autoencoder from input_shape through a code of code_size numbers.

    Used by the exercises of notebooks 01 (a 1-number code), 02 (a 64-number code), 03 (a
    deeper model) and 04 (a convolutional one). It runs the model on two blank inputs, so
    the output must have the input's shape, and the narrowest layer must output exactly
    ``code_size`` numbers. Prints a verdict and returns True or False. Rejects an
    ``input_shape`` or ``code_size`` that is not a shape or a positive integer (a
    TypeError/ValueError naming it).
    """
    func = "check_autoencoder"
    input_shape = check_input_shape(func, input_shape, ndims=(1, 2, 3),
                                    expected="a tuple such as (28, 28) or (784,)")
    code_size = check_positive_int(func, "code_size", code_size)
    if model is None:
        return _verdict(False, "the answer is still None: build a Keras model in the cell "
                               "above and run it again.")
    import keras

    if not isinstance(model, keras.Model):
        return _verdict(False, f"expected a Keras model (e.g. keras.Sequential([...])), got "
                               f"{type(model).__name__}.")
    try:
        output = keras.ops.convert_to_numpy(model(np.zeros((2, *input_shape), "float32")))
    except Exception as err:  # the learner's model cannot take these images
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return _verdict(False, f"the model cannot take images of shape {input_shape}: "
                               f"{first_line[:200]}")
    if output.shape[1:] != input_shape:
        return _verdict(False, f"an autoencoder's output has the input's shape {input_shape}; "
                               f"this one gives {output.shape[1:]} (a Reshape at the end?).")
    widths = [(w, layer.name) for layer in layers(model)
              if (w := width(layer)) is not None]
    if not widths:
        return _verdict(False, "could not read the layers' output sizes: start the model "
                               f"with keras.Input(shape={input_shape}).")
    narrowest, name = min(widths)
    if narrowest != code_size:
        return _verdict(False, f"the narrowest layer ({name!r}) outputs {narrowest} numbers; "
                               f"the code should have {code_size}.")
    if not np.all(np.isfinite(output)):
        return _verdict(False, "the model outputs NaN or inf for blank images.")
    return _verdict(True, f"{math.prod(input_shape)} numbers in, a code of {code_size} "
                          f"(layer {name!r}), {math.prod(input_shape)} out; "
                          f"{model.count_params():,} weights.")


def check_masking_function(mask, *, image_shape=(28, 28)):
    """Check a learner's ``mask(images, fraction)``: a copy with that fraction of pixels set to 0.

    Used by the exercise of notebook 05. It tries fractions 0, 0.3 and 1 on a batch of
    grey images and checks the shape, that the input was left unchanged, that kept pixels
    keep their value, and that about ``fraction`` of the pixels became 0. Prints a verdict
    and returns True or False. Rejects an ``image_shape`` that is not a shape.
    """
    func = "check_masking_function"
    image_shape = check_input_shape(func, image_shape, ndims=(1, 2, 3),
                                    expected="a tuple such as (28, 28)", name="image_shape")
    if mask is None:
        return _verdict(False, "the answer is still None: write the function in the cell "
                               "above and run it again.")
    if not callable(mask):
        return _verdict(False, f"expected a function mask(images, fraction), got "
                               f"{type(mask).__name__}.")
    images = np.random.default_rng(0).uniform(0.2, 1.0, (200, *image_shape)).astype("float32")
    original = images.copy()
    for fraction in (0.0, 0.3, 1.0):
        try:
            masked = mask(images, fraction)
        except Exception as err:
            return _verdict(False, f"mask(images, {fraction}) raised {type(err).__name__}: "
                                   f"{str(err)[:200]}")
        if masked is None:
            return _verdict(False, "the function returns None: end it with `return` and the "
                                   "masked copy.")
        masked = np.asarray(masked)
        if not np.array_equal(images, original):
            return _verdict(False, "the function changed the images it was given: work on a "
                                   "copy (the clean images are the targets).")
        if masked.shape != images.shape:
            return _verdict(False, f"expected the images' shape {images.shape}, got "
                                   f"{masked.shape}.")
        kept = masked != 0
        if not np.allclose(masked[kept], images[kept]):
            return _verdict(False, "pixels that are not masked must keep their value "
                                   "(masking sets some pixels to 0 and leaves the rest).")
        zeros = 1.0 - kept.mean()
        if abs(zeros - fraction) > 0.03:
            return _verdict(False, f"with fraction={fraction}, {zeros:.0%} of the pixels were "
                                   f"set to 0 instead of about {fraction:.0%}.")
    return _verdict(True, "the fraction of pixels asked for is set to 0, the rest is kept, "
                          "and the clean images are untouched.")

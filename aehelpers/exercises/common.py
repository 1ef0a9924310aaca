"""Exercise checks shared by several notebooks (01 to 04).

A check looks at the learner's answer, prints what is right or what to fix, and returns
True or False. A wrong answer is never an error: the message says what was expected and
what came back. Only a wrong *option* of the check itself (e.g. ``code_size="64"``)
raises a TypeError or ValueError.
"""

import math

import numpy as np

from .._checks import check_input_shape, check_positive_int
from ._inspect import layers, width

__all__ = ["check_autoencoder"]


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

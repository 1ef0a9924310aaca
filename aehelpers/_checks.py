"""Argument checks shared by the model builders (models, convolutional, variational).

They run before Keras is imported, so a typo gets a clear message that names the argument
and what was expected, instead of a deep Keras traceback.
"""

import numbers

# Activation names every Keras 3 release understands.
ACTIVATIONS = (
    "linear", "relu", "sigmoid", "tanh", "elu", "selu", "gelu", "silu", "swish",
    "softplus", "softsign", "leaky_relu", "relu6", "mish", "exponential", "hard_sigmoid",
    "softmax", "log_softmax",
)


def is_int(value):
    """Return True for an integer (a NumPy one too), False for a bool or anything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(func, name, value):
    """Return value as an int; TypeError if it is not an integer, ValueError if it is < 1."""
    if not is_int(value):
        raise TypeError(f"{func}(): {name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{func}(): {name} must be a positive integer, got {value!r}")
    return int(value)


def check_input_shape(func, input_shape, *, ndims, expected, name="input_shape"):
    """Return input_shape as a tuple of positive ints with a length in ndims.

    An int n means (n,) when 1 is in ndims. ``expected`` words the accepted shapes for the
    message, e.g. "(height, width) or (height, width, channels), e.g. (28, 28, 1)";
    ``name`` is the argument's name in the message.
    """
    if is_int(input_shape) and 1 in ndims:
        input_shape = (input_shape,)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in ndims:
        raise TypeError(f"{func}(): {name} must be {expected}, got {input_shape!r}")
    if not all(is_int(d) and d > 0 for d in input_shape):
        raise ValueError(
            f"{func}(): {name} must hold positive integers, got {tuple(input_shape)!r}"
        )
    return tuple(int(d) for d in input_shape)


def check_activation(func, name, value):
    """Return value if it is an activation name, a callable or None (linear)."""
    if value is None or callable(value):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"{func}(): {name} must be an activation name, a callable or None, got {value!r}"
        )
    if value not in ACTIVATIONS:
        raise ValueError(
            f"{func}(): unknown {name} {value!r}; use one of {', '.join(ACTIVATIONS)}, "
            "a callable, or None (linear)"
        )
    return value


def check_name(func, name):
    """Return name if it is a non-empty string (a Keras model name)."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"{func}(): name must be a non-empty string, got {name!r}")
    return name

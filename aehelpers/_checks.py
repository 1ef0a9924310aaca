"""Argument checks shared by every module: one rule per kind of input.

They run before Keras is imported, so a mistake gets a clear message that names the
function, the argument and what was expected, instead of a deep Keras traceback.

The exception rule, for every public function of the package: a value of the wrong
TYPE (a string where a number is expected, a float where a count is, something that is
not callable) raises ``TypeError``; a value of the right type that is WRONG (zero, out of
range, the wrong shape, NaN) raises ``ValueError``. Messages start with ``func():``.

The image rule (:func:`check_images`), the same for models, noise, metrics, plots,
widgets and training batches: images are a batch (first axis = images) of pixel values
in [0, 1], 0 = white paper, 1 = black ink. Floats outside [0, 1], NaN and infinity are
rejected (ValueError); integer images holding 0-255 (e.g. uint8 as loaded from a file)
are divided by 255 with a warning; booleans are read as 0 and 1.
"""

import math
import numbers
import warnings

import numpy as np

# Activation names every Keras 3 release understands.
ACTIVATIONS = (
    "linear", "relu", "sigmoid", "tanh", "elu", "selu", "gelu", "silu", "swish",
    "softplus", "softsign", "leaky_relu", "relu6", "mish", "exponential", "hard_sigmoid",
    "softmax", "log_softmax",
)


def is_int(value):
    """Return True for an integer (a NumPy one too), False for a bool or anything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """Return True for a real number (NumPy ones too), False for a bool or anything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(func, name, value):
    """Return value as an int; TypeError if it is not an integer, ValueError if it is < 1."""
    if not is_int(value):
        raise TypeError(f"{func}(): {name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{func}(): {name} must be a positive integer, got {value!r}")
    return int(value)


def check_seed(func, seed, *, name="seed"):
    """Return seed as an int; TypeError if it is not an integer, ValueError if negative."""
    if not is_int(seed):
        raise TypeError(f"{func}(): {name} must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"{func}(): {name} must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_number(func, name, value, *, low=-math.inf, high=math.inf, low_open=False):
    """Return value as a float in [low, high] ((low, high] with low_open); finite always."""
    if not is_real(value):
        raise TypeError(f"{func}(): {name} must be a number, got {value!r}")
    value = float(value)
    below = value <= low if low_open else value < low
    if not math.isfinite(value) or below or value > high:
        bounds = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        raise ValueError(f"{func}(): {name} must be a finite number in {bounds}, got {value!r}")
    return value


def check_bool(func, name, value):
    """Return value if it is True or False; TypeError otherwise."""
    if not isinstance(value, bool):
        raise TypeError(f"{func}(): {name} must be True or False, got {value!r}")
    return value


def check_callable(func, name, value):
    """Return value if it can be called on a batch (a Keras model or a function)."""
    if isinstance(value, type) or not callable(value):
        raise TypeError(
            f"{func}(): {name} must be a Keras model (or a function) that maps a batch to a "
            f"batch, got {value!r:.60}"
        )
    return value


def check_title(func, title):
    """Return title if it is a string or None."""
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{func}(): title must be a string or None, got {title!r}")
    return title


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


def check_image_shape(func, image_shape, *, colour=False):
    """Return image_shape as (height, width) (or (h, w, 1 or 3) when ``colour`` is allowed)."""
    ndims = (2, 3) if colour else (2,)
    expected = ("(height, width), (height, width, 1) or (height, width, 3)" if colour
                else "(height, width)")
    shape = check_input_shape(func, image_shape, ndims=ndims, expected=f"{expected}, e.g. "
                              "(28, 28)", name="image_shape")
    if len(shape) == 3 and shape[2] not in (1, 3):
        raise ValueError(f"{func}(): image_shape must have 1 or 3 channels, got {shape!r}")
    return shape


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
    if not isinstance(name, str):
        raise TypeError(f"{func}(): name must be a non-empty string, got {name!r}")
    if not name.strip():
        raise ValueError(f"{func}(): name must be a non-empty string, got {name!r}")
    return name


def _numeric_array(func, name, value, what):
    """Return value as a NumPy array of real numbers (or booleans), or raise TypeError."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{func}(): {name} must be {what}, got {value!r:.60}")
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise TypeError(f"{func}(): {name} must be {what} (could not make an array)") from None
    if array.dtype == object or np.issubdtype(array.dtype, np.complexfloating) or not (
            np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{func}(): {name} must be {what}, got dtype {array.dtype}")
    return array


def _finite_range(func, name, array, *, expected="finite numbers"):
    """Return (min, max) of a non-empty array; ValueError if it holds NaN or infinity."""
    low, high = array.min(), array.max()  # NaN and inf show up in the min or the max
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{func}(): {name} hold NaN or infinite values; expected {expected}")
    return float(low), float(high)


def check_array(func, name, value, *, ndim=None, min_len=1, dtype=np.float64):
    """Return value as a finite array of numbers (``dtype``), with ``ndim`` dimensions if given."""
    array = _numeric_array(func, name, value, "an array of numbers")
    if ndim is not None and array.ndim not in np.atleast_1d(ndim):
        raise ValueError(
            f"{func}(): {name} must have {' or '.join(map(str, np.atleast_1d(ndim)))} "
            f"dimensions, got shape {array.shape}"
        )
    if array.ndim == 0 or len(array) < min_len:
        raise ValueError(f"{func}(): {name} is empty (need at least {min_len}), got shape "
                         f"{array.shape}")
    array = array.astype(dtype, copy=False)
    if array.size:
        _finite_range(func, name, array)
    return array


def check_images(func, images, *, name="images", image_shape=None, min_count=1, max_count=None,
                 stacklevel=3):
    """Return a batch of images as float32 pixel values in [0, 1], in the layout it was given.

    The package's one image rule (see the module's docstring). ``image_shape`` (if given)
    is what each image must hold: (n, 784), (n, 28, 28) and (n, 28, 28, 1) all fit
    (28, 28). ``min_count``/``max_count`` bound the number of images.
    """
    what = "an array of numbers (images: pixel values in [0, 1])"
    array = _numeric_array(func, name, images, what)
    if array.ndim < 2:
        raise ValueError(
            f"{func}(): {name} must be a batch of images with at least 2 dimensions, shape "
            f"(n, ...) with the images along the first axis, got shape {array.shape} (for one "
            "image x, pass x[None])"
        )
    if image_shape is not None and math.prod(array.shape[1:]) != math.prod(image_shape):
        raise ValueError(
            f"{func}(): each image in {name} has shape {array.shape[1:]}, which does not "
            f"match image_shape={tuple(image_shape)} ({math.prod(image_shape)} pixels); pass "
            "image_shape= to describe your images"
        )
    if len(array) == 0 or array.size == 0:
        raise ValueError(f"{func}(): {name} is empty: need at least {min_count} image(s), got "
                         f"shape {array.shape}")
    high_count = math.inf if max_count is None else max_count
    if not min_count <= len(array) <= high_count:
        most = "" if max_count is None else f" to {max_count}"
        raise ValueError(
            f"{func}(): {name} must hold {min_count}{most} images, got {len(array)}"
            + (" (pass a slice such as x_test[:1000])" if len(array) > high_count else "")
        )
    if array.dtype == bool:
        return array.astype(np.float32)
    low, high = _finite_range(func, name, array, expected="pixel values in [0, 1]")
    if np.issubdtype(array.dtype, np.integer):
        if low < 0 or high > 255:
            raise ValueError(
                f"{func}(): {name} are integers from {low:g} to {high:g}; expected floats in "
                "[0, 1] (or integers 0-255, which are divided by 255)"
            )
        warnings.warn(
            f"{func}(): {name} are integers 0-255, dividing by 255 (pass floats in [0, 1] "
            "to silence this)",
            UserWarning, stacklevel=stacklevel,
        )
        return array.astype(np.float32) / np.float32(255.0)
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"{func}(): {name} must hold pixel values in [0, 1], got values from {low:.3g} to "
            f"{high:.3g} (divide 0-255 images by 255; scale other maps into [0, 1])"
        )
    return array.astype(np.float32, copy=False)


def check_scores(func, name, scores):
    """Return scores as a non-empty, finite, 1-D float64 array."""
    return check_array(func, name, scores, ndim=1)


def check_labels(func, labels, n, *, whole=True):
    """Return labels as a 1-D array with one entry per item (n); ints >= 0 when ``whole``."""
    array = _numeric_array(func, "labels", labels, "a 1-D array of class numbers")
    if array.ndim != 1 or len(array) != n:
        raise ValueError(
            f"{func}(): labels must be a 1-D array with one class number per item ({n}), "
            f"got shape {array.shape}"
        )
    if not whole:
        return array
    if not np.issubdtype(array.dtype, np.integer) and not (
            np.issubdtype(array.dtype, np.floating) and np.all(array == np.round(array))):
        raise TypeError(f"{func}(): labels must be whole class numbers, got dtype {array.dtype}")
    array = array.astype(np.int64)
    if n and array.min() < 0:
        raise ValueError(f"{func}(): labels must be >= 0, got {int(array.min())}")
    return array


def check_class_names(func, class_names, labels):
    """Return a tuple of names covering every label (or None), or raise."""
    if class_names is None:
        return None
    if isinstance(class_names, (str, bytes)) or not hasattr(class_names, "__len__"):
        raise TypeError(
            f"{func}(): class_names must be a list of names, e.g. ae.FASHION_CLASSES, "
            f"got {class_names!r:.60}"
        )
    if labels is None:
        raise ValueError(f"{func}(): class_names needs labels= as well")
    names = tuple(str(name) for name in class_names)
    if len(labels) and int(labels.max()) >= len(names):
        raise ValueError(
            f"{func}(): class_names has {len(names)} names but labels go up to "
            f"{int(labels.max())}"
        )
    return names


def check_codes(func, codes):
    """Return codes as a finite (n, k) float64 array with n >= 2, or raise."""
    if isinstance(codes, (list, tuple)) and codes and np.ndim(codes[0]) == 2 and len(codes) <= 3:
        raise ValueError(
            f"{func}(): codes looks like several encoder outputs ({len(codes)} arrays). If "
            "your encoder returns (z_mean, z_log_var, z) as a VAE's does, pass the first: "
            "codes=encoder.predict(x)[0]"
        )
    array = check_array(func, "codes", codes, ndim=2, min_len=2)
    if array.shape[1] < 1:
        raise ValueError(f"{func}(): codes need at least one number each, got {array.shape}")
    return array

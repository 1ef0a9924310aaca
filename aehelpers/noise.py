"""Noise for denoising autoencoders (taught in notebook 05): Gaussian noise and masking.

A denoising autoencoder is trained on NOISY inputs against CLEAN targets, so it has to
learn what images look like instead of copying its input. :func:`add_noise` makes the
noisy inputs; it never changes the clean images it is given.
"""

import numbers

import numpy as np

__all__ = ["add_noise"]

KINDS = ("gaussian", "mask")


def _check_images(func, images):
    """Return ``images`` as a float array in [0, 1] (no copy when it already is one)."""
    try:
        array = np.asarray(images)
    except Exception:  # ragged lists and the like
        raise TypeError(f"{func}(): images must be an array of pixel values") from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{func}(): images must be an array of numbers (pixel values in [0, 1]), "
            f"got dtype {array.dtype}"
        )
    if array.ndim == 0 or array.size == 0:
        raise ValueError(
            f"{func}(): images must be a non-empty array of images, e.g. shape (n, 28, 28), "
            f"got shape {array.shape}"
        )
    low, high = float(np.min(array)), float(np.max(array))
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0.0 or high > 1.0:
        raise ValueError(
            f"{func}(): images must hold pixel values in [0, 1] (divide 0-255 images by 255), "
            f"got values from {low} to {high}"
        )
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float32)
    return array


def _check_level(func, kind, level, n_images):
    """Return ``level`` as a float or as one float per image, within the range of ``kind``."""
    top = 1.0 if kind == "mask" else None
    meaning = (
        "the fraction of pixels masked, between 0 and 1"
        if kind == "mask"
        else "the noise's standard deviation, a number >= 0"
    )
    if isinstance(level, bool) or not (
        isinstance(level, (numbers.Real, np.ndarray, list, tuple))
    ):
        raise TypeError(f"{func}(): level must be {meaning} (or one per image), got {level!r}")
    values = np.asarray(level, dtype=np.float64) if not isinstance(level, numbers.Real) else None
    if values is not None:
        if values.shape != (n_images,):
            raise ValueError(
                f"{func}(): level as an array must hold one value per image, shape "
                f"({n_images},), got shape {values.shape}"
            )
        checked = values
    else:
        checked = np.asarray([float(level)])
    bad = ~np.isfinite(checked) | (checked < 0) | ((checked > top) if top else False)
    if np.any(bad):
        shown = level if values is None else checked[bad][0]
        raise ValueError(f"{func}(): level must be {meaning} for kind={kind!r}, got {shown!r}")
    return float(level) if values is None else values


def _rng(func, seed):
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"{func}(): seed must be None, a non-negative integer or a numpy Generator, "
            f"got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def add_noise(images, *, kind="gaussian", level=0.3, seed=None):
    """Return a noisy copy of ``images`` (float32, clipped to [0, 1]); ``images`` is unchanged.

    Taught in notebook 05 (denoising autoencoder); used in notebook 07 for corrupted images.

    - ``kind="gaussian"`` adds ``level * N(0, 1)`` to every pixel: ``level`` is the noise's
      standard deviation (0.3 is strong noise for pixels in [0, 1]).
    - ``kind="mask"`` sets each pixel to 0 with probability ``level`` (dropout-style masking:
      0.5 hides half of the pixels).

    ``level`` is one number, or an array with one number per image (per entry of the first
    axis), e.g. to train on a range of noise levels. ``seed``: None for fresh noise on every
    call, an integer for the same noise every time, or a ``numpy.random.Generator`` to draw
    from (each call then continues the generator's stream).

    Rejects (ValueError/TypeError): images that are not numbers in [0, 1] or are empty; an
    unknown kind; a negative or non-finite level, a mask level above 1, a level array of the
    wrong length; a seed that is not None, a non-negative integer or a Generator.
    """
    func = "add_noise"
    if kind not in KINDS:
        kinds = ", ".join(map(repr, KINDS))
        raise ValueError(f"{func}(): kind must be one of {kinds}, got {kind!r}")
    array = _check_images(func, images)
    level = _check_level(func, kind, level, len(array))
    rng = _rng(func, seed)
    if isinstance(level, np.ndarray):
        # One level per image (first axis): broadcast over each image's own axes.
        level = level.reshape((-1,) + (1,) * (array.ndim - 1))
    if kind == "gaussian":
        noisy = rng.standard_normal(array.shape, dtype=np.float32)
        noisy *= np.asarray(level, dtype=np.float32)
        noisy += array
        np.clip(noisy, 0.0, 1.0, out=noisy)
    else:
        keep = rng.random(array.shape, dtype=np.float32) >= np.asarray(level, dtype=np.float32)
        noisy = np.where(keep, array, 0.0).astype(np.float32, copy=False)
    return noisy

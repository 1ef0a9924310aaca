"""Noise for denoising autoencoders (taught in notebook 05): Gaussian noise and masking.

A denoising autoencoder is trained on NOISY inputs against CLEAN targets, so it has to
learn what images look like instead of copying its input. :func:`add_noise` makes the
noisy inputs; it never changes the clean images it is given.
"""


import numpy as np

from ._checks import check_images, check_seed, is_real

__all__ = ["add_noise"]

KINDS = ("gaussian", "mask")


def check_kind(func, kind):
    """Return kind if it is one of KINDS (TypeError for a non-string, ValueError otherwise)."""
    kinds = ", ".join(map(repr, KINDS))
    if not isinstance(kind, str):
        raise TypeError(f"{func}(): kind must be one of {kinds}, got {kind!r}")
    if kind not in KINDS:
        raise ValueError(f"{func}(): kind must be one of {kinds}, got {kind!r}")
    return kind


def _check_level(func, kind, level, n_images):
    """Return ``level`` as a float or as one float per image, within the range of ``kind``."""
    top = 1.0 if kind == "mask" else None
    meaning = (
        "the fraction of pixels masked, between 0 and 1"
        if kind == "mask"
        else "the noise's standard deviation, a number >= 0"
    )
    if not (is_real(level) or isinstance(level, (np.ndarray, list, tuple))):
        raise TypeError(f"{func}(): level must be {meaning} (or one per image), got {level!r}")
    values = None if is_real(level) else np.asarray(level)
    if values is not None and (values.dtype == bool or not np.issubdtype(values.dtype, np.number)):
        raise TypeError(f"{func}(): level must be {meaning} (or one per image), got {level!r}")
    if values is not None:
        if values.shape != (n_images,):
            raise ValueError(
                f"{func}(): level as an array must hold one value per image, shape "
                f"({n_images},), got shape {values.shape}"
            )
        checked = values.astype(np.float64)
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
    return np.random.default_rng(check_seed(func, seed))


def add_noise(images, *, kind="gaussian", level=0.3, seed=None):
    """Return a noisy copy of ``images`` (float32, clipped to [0, 1]); ``images`` is unchanged.

    Taught in notebook 05 (denoising autoencoder); used in notebook 07 for corrupted images.

    - ``kind="gaussian"`` adds ``level * N(0, 1)`` to every pixel, then clips to [0, 1]:
      ``level`` is the noise's standard deviation before clipping (0.3 is strong noise for
      pixels in [0, 1]). On a pixel at 0 a negative draw is clipped back to 0, so there the
      noise is never negative.
    - ``kind="mask"`` sets each pixel to 0 with probability ``level`` and leaves the others
      as they are (unlike dropout, nothing is rescaled): 0.5 sets about half of the pixels
      to 0 (a pixel that is 0 already does not change).

    ``level`` is one number, or an array with one number per image (per entry of the first
    axis), e.g. to train on a range of noise levels. ``seed``: None for fresh noise on every
    call, an integer for the same noise every time, or a ``numpy.random.Generator`` to draw
    from (each call then continues the generator's stream).

    Rejects: images that break the package's image rule (see ``aehelpers/_checks.py``:
    pixel values in [0, 1]; 0-255 integers are divided by 255 with a warning); an unknown
    kind; a negative or non-finite level, a mask level above 1, a level array of the wrong
    length; a seed that is not None, a non-negative integer or a Generator.
    """
    func = "add_noise"
    check_kind(func, kind)
    array = check_images(func, images)
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

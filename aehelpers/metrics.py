"""How well a model reconstructs: one error per image, and a threshold picked on normal data.

``reconstruction_errors`` compares models in notebooks 02-04 and is the anomaly score of
notebook 07: an autoencoder trained on normal images only reconstructs normal images
well, so an image it reconstructs badly is unusual. ``pick_threshold`` takes a high
quantile of the scores of NORMAL validation images, so no anomaly is used to choose it.
The histogram of the scores is ``plot_error_histograms`` in ``plots.py``.
"""

import numpy as np

from ._calls import call_model
from ._checks import check_callable, check_images, check_number, check_positive_int, check_scores

__all__ = ["reconstruction_errors", "pick_threshold"]

REDUCTIONS = ("mean", "sum")


def _declared_output_shape(model):
    """Return the model's declared output shape (without the batch axis), or None if unknown."""
    try:
        shape = model.output_shape
    except Exception:  # a model that is not built yet, or has no such attribute
        return None
    if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
        return shape[1:]
    return None


def reconstruction_errors(model, images, *, batch_size=500, reduce="mean"):
    """Return one reconstruction error per image: the mean squared error between image and output.

    ``model`` maps a batch of images to reconstructions of the same shape: a Keras
    autoencoder (called with ``training=False``) or any function of a NumPy batch.
    ``images`` is an array of shape (n, ...), e.g. (n, 784) or (n, 28, 28), of pixel values
    in [0, 1]; it is run through the model ``batch_size`` images at a time, so memory stays
    small. ``reduce="mean"`` gives the per-image MSE, ``reduce="sum"`` the per-image sum of
    squared errors. Returns a float64 array of shape (n,). Used in notebooks 02-04 to compare
    models and in notebook 07 as the anomaly score.

    Rejects, before TensorFlow runs: a model that is not callable; images that break the
    package's image rule (see ``aehelpers/_checks.py``); a ``batch_size`` that is not a
    positive integer; an unknown ``reduce``; and a model whose declared ``output_shape``
    differs from the images' shape. An output of another shape found when the model runs
    is also a ValueError.
    """
    func = "reconstruction_errors"
    check_callable(func, "model", model)
    x = check_images(func, images)
    batch_size = check_positive_int(func, "batch_size", batch_size)
    if not isinstance(reduce, str):
        raise TypeError(f"{func}(): reduce must be one of {REDUCTIONS}, got {reduce!r}")
    if reduce not in REDUCTIONS:
        raise ValueError(f"{func}(): reduce must be one of {REDUCTIONS}, got {reduce!r}")
    declared = _declared_output_shape(model)
    if declared is not None and (
        len(declared) != x.ndim - 1
        or any(d is not None and d != s for d, s in zip(declared, x.shape[1:], strict=True))
    ):
        raise ValueError(
            f"{func}(): the model's output shape {(None, *declared)} does not match the images' "
            f"shape {x.shape}: it needs an autoencoder whose output has the shape of its input "
            "(reshape the images to what the model expects)"
        )
    errors = np.empty(len(x), dtype=np.float64)
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size]
        output = call_model(model, batch)
        if output.shape != batch.shape:
            raise ValueError(
                f"{func}(): the model returned shape {output.shape} for a batch of shape "
                f"{batch.shape}: it needs an output of the same shape as the input"
            )
        squared = np.square(batch.reshape(len(batch), -1).astype(np.float64)
                            - output.reshape(len(batch), -1))
        errors[start:start + len(batch)] = (
            squared.mean(axis=1) if reduce == "mean" else squared.sum(axis=1)
        )
    return errors


def pick_threshold(scores_normal, *, quantile=0.99):
    """Return the anomaly threshold: the ``quantile`` of the scores of NORMAL images.

    Give it the reconstruction errors of normal validation images that the model did not
    train on (never the test anomalies: that would be tuning on the answer). With
    ``quantile=0.99`` about 1% of the given scores lie above it: the false-alarm rate you
    chose. On new normal images that 1% is only an estimate: the threshold rests on the few
    highest of the given scores, so the rate on new images can differ. Used in notebook 07.
    Rejects scores that are not a non-empty 1-D array of finite numbers, and a quantile
    outside (0, 1).
    """
    func = "pick_threshold"
    scores = check_scores(func, "scores_normal", scores_normal)
    quantile = check_number(func, "quantile", quantile, low=0.0, high=1.0, low_open=True)
    if quantile >= 1.0:
        raise ValueError(f"{func}(): quantile must be strictly between 0 and 1, got {quantile!r}")
    return float(np.quantile(scores, quantile))

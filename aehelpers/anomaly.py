"""Anomaly scores from reconstruction errors, and a threshold picked on normal data
(taught in notebook 07; notebook 08 does not need them).

The idea in three lines: an autoencoder trained on normal images only reconstructs
normal images well; an image it reconstructs badly is unusual. The score of an image
is its mean squared reconstruction error; the threshold is a high quantile of the
scores of NORMAL validation images, so no anomaly is ever used to choose it.
"""

import numbers

import numpy as np

__all__ = ["reconstruction_errors", "pick_threshold", "plot_error_histograms"]

REDUCTIONS = ("mean", "sum")


def _check_images(images, *, name="images"):
    """Return ``images`` as a float32 array of at least one image, or raise naming ``name``."""
    try:
        array = np.asarray(images)
    except Exception as err:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of images, could not convert: {err}") from None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold numbers (an array of images), got dtype {array.dtype}")
    if array.ndim < 2:
        raise ValueError(
            f"{name} must be a batch of images, shape (n, ...) with at least 2 dimensions, "
            f"got shape {array.shape}"
        )
    if len(array) == 0:
        raise ValueError(f"{name} is empty: need at least one image, got shape {array.shape}")
    array = array.astype(np.float32, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


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
    ``images`` is an array of shape (n, ...), e.g. (n, 784) or (n, 28, 28); it is run through
    the model ``batch_size`` images at a time, so memory stays small. ``reduce="mean"`` gives
    the per-image MSE, ``reduce="sum"`` the per-image sum of squared errors. Returns a float64
    array of shape (n,). Used in notebook 07 as the anomaly score.

    Rejects, before TensorFlow runs: a model that is not callable (TypeError); images that
    are not numbers (TypeError), have fewer than 2 dimensions, are empty or hold NaN/inf; a
    ``batch_size`` that is not a positive integer; an unknown ``reduce``; and a model whose
    declared ``output_shape`` differs from the images' shape (ValueError). An output of
    another shape found when the model runs is also a ValueError.
    """
    if not callable(model):
        raise TypeError(
            "model must be a Keras model or a function of a batch of images, "
            f"got {type(model).__name__}"
        )
    x = _check_images(images)
    batch_size = _check_positive_int("batch_size", batch_size)
    if reduce not in REDUCTIONS:
        raise ValueError(f"reduce must be one of {REDUCTIONS}, got {reduce!r}")
    declared = _declared_output_shape(model)
    if declared is not None and (
        len(declared) != x.ndim - 1
        or any(d is not None and d != s for d, s in zip(declared, x.shape[1:], strict=True))
    ):
        raise ValueError(
            f"the model's output shape {(None, *declared)} does not match the images' shape "
            f"{x.shape}: reconstruction_errors needs an autoencoder whose output has the shape "
            "of its input (reshape the images to what the model expects)"
        )
    run = _runner(model)
    errors = np.empty(len(x), dtype=np.float64)
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size]
        output = np.asarray(run(batch))
        if output.shape != batch.shape:
            raise ValueError(
                f"the model returned shape {output.shape} for a batch of shape {batch.shape}: "
                "reconstruction_errors needs an output of the same shape as the input"
            )
        squared = np.square(batch.reshape(len(batch), -1).astype(np.float64)
                            - output.reshape(len(batch), -1))
        errors[start:start + len(batch)] = (
            squared.mean(axis=1) if reduce == "mean" else squared.sum(axis=1)
        )
    return errors


def _runner(model):
    """Return a function batch -> output: Keras models run in inference mode (no dropout)."""
    if type(model).__module__.startswith(("keras", "tensorflow")) or hasattr(model, "layers"):
        import keras

        if isinstance(model, keras.Model):
            return lambda batch: model(batch, training=False)
    return model


def pick_threshold(scores_normal, *, quantile=0.99):
    """Return the anomaly threshold: the ``quantile`` of the scores of NORMAL images.

    Give it the reconstruction errors of normal validation images that the model did not
    train on (never the test anomalies: that would be tuning on the answer). With
    ``quantile=0.99`` about 1% of normal images are flagged: the false-alarm rate you chose.
    Used in notebook 07. Rejects scores that are not a non-empty 1-D array of finite
    numbers, and a quantile outside (0, 1).
    """
    scores = _check_scores(scores_normal, name="scores_normal")
    if (
        isinstance(quantile, bool)
        or not isinstance(quantile, numbers.Real)
        or not 0.0 < float(quantile) < 1.0
    ):
        raise ValueError(f"quantile must be a number strictly between 0 and 1, got {quantile!r}")
    return float(np.quantile(scores, float(quantile)))


def _check_scores(scores, *, name):
    try:
        array = np.asarray(scores)
    except Exception as err:
        raise TypeError(f"{name} must be a 1-D array of numbers ({err})") from None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array.astype(np.float64)


def plot_error_histograms(errors, *, threshold=None, bins=60, log=True):
    """Return a matplotlib Figure of overlaid histograms of reconstruction errors per group.

    ``errors`` maps a group name (e.g. "normal", "Fashion-MNIST") to that group's 1-D scores;
    ``threshold`` draws a vertical line; ``log=True`` spaces the bins logarithmically
    (errors span decades). Used in notebook 07. Rejects an empty or non-dict ``errors``,
    bad score arrays, a non-positive ``bins``, and (with ``log=True``) scores <= 0.
    """
    import matplotlib.pyplot as plt

    if not isinstance(errors, dict) or not errors:
        raise TypeError("errors must be a non-empty dict {group name: 1-D array of scores}")
    groups = {str(k): _check_scores(v, name=f"errors[{k!r}]") for k, v in errors.items()}
    bins = _check_positive_int("bins", bins)
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)
    ):
        raise TypeError(f"threshold must be a number or None, got {threshold!r}")
    everything = np.concatenate(list(groups.values()))
    if log:
        if everything.min() <= 0:
            raise ValueError("log=True needs positive scores; pass log=False for zeros")
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    for name, scores in groups.items():
        ax.hist(scores, bins=edges, alpha=0.5, density=True, label=f"{name} ({len(scores)})")
    if threshold is not None:
        ax.axvline(float(threshold), color="black", linestyle="--", label="threshold")
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("reconstruction error (MSE per image)")
    ax.set_ylabel("density")
    ax.legend(fontsize="small")
    fig.tight_layout()
    plt.close(fig)
    return fig

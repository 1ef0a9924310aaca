"""Calling a model on a NumPy batch: the one helper that metrics, training and widgets use."""

import sys

import numpy as np


def call_model(model, batch, *, all_outputs=False):
    """Run ``model`` on ``batch`` and return NumPy float32 output(s).

    A Keras model runs in inference mode (``training=False``: no dropout, no sampling
    noise in a VAE); anything else is called as a function of the batch. A model with
    several outputs (a VAE encoder's z_mean, z_log_var, z) gives its first output, or a
    list of all of them with ``all_outputs=True``.
    """
    keras = sys.modules.get("keras")  # a Keras model exists only once keras is imported
    if keras is not None and isinstance(model, keras.Model):
        out = model(batch, training=False)
    else:
        out = model(batch)
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (list, tuple)):
        outputs = [np.asarray(o, dtype=np.float32) for o in out]
        return outputs if all_outputs else outputs[0]
    out = np.asarray(out, dtype=np.float32)
    return [out] if all_outputs else out


def call_checked(func, model, name, batch, per_item, *, what):
    """Run the model and check it returned ``per_item`` values for each item of the batch.

    Returns the output as (n, per_item); a failing call or a wrong shape is a ValueError
    that names ``func`` and the model's argument ``name``.
    """
    try:
        out = call_model(model, batch)
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise ValueError(
            f"{func}(): calling {name} on a batch of shape {batch.shape} failed with "
            f"{type(err).__name__}: {first[:300]}"
        ) from err
    if out.ndim == 0 or len(out) != len(batch) or out.size != len(batch) * per_item:
        raise ValueError(
            f"{func}(): {name} returned shape {out.shape} for a batch of shape {batch.shape}; "
            f"expected {what} ({per_item} values each)"
        )
    return out.reshape(len(batch), per_item)

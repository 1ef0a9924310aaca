"""The Keras classes behind ``training.py``: imported on first use, since they need Keras.

``array_batches`` builds what ``ae.batches`` returns; ``ScheduleCheck`` is the callback that
``ae.compile_autoencoder`` adds to ``fit`` for a cosine schedule.
"""

import warnings

import keras
import numpy as np

from .training import ScheduleWarning, schedule_advice


def array_batches(inputs, targets, batch_size, shuffle, seed, transform):
    """A tf.data pipeline of (input, target) batches cut from the arrays (see ``ae.batches``).

    The arrays go into TensorFlow once, as one compact tensor (see :func:`_as_tensor`), and
    TensorFlow's own pipeline shuffles, gathers and converts each batch: no Python runs per
    batch unless there is a ``transform``.
    """
    import tensorflow as tf

    x, x_scale = _as_tensor(inputs)
    y, y_scale = (x, x_scale) if targets is inputs else _as_tensor(targets)
    n = len(inputs)
    rows = tf.data.Dataset.range(n)
    if shuffle:  # a new order every epoch, the same orders for the same seed
        rows = rows.shuffle(n, seed=seed, reshuffle_each_iteration=True)

    def grab(index):
        x_batch, y_batch = _take(x, index, x_scale), _take(y, index, y_scale)
        if transform is not None:
            x_batch = tf.ensure_shape(
                tf.numpy_function(transform, [x_batch], tf.float32, stateful=True),
                x_batch.shape)
        return x_batch, y_batch

    return rows.batch(batch_size).map(grab).prefetch(1)


def _as_tensor(array):
    """``array`` as a TensorFlow variable and the number to divide it by (or None).

    Values in [0, 1] that are all whole numbers of 255ths (the course's loaders' pixels) are
    stored as bytes, a quarter of the float32 memory (60,000 Fashion-MNIST images: 47 MB),
    and divided by 255 batch by batch, which gives back exactly the same float32 values.
    Anything else is stored as float32 (a copy of the array).
    """

    if array.dtype == np.float32 and array.size:
        as_bytes = np.empty(array.shape, dtype=np.uint8)
        for start in range(0, len(array), 4096):  # in pieces: no full-size temporary copies
            part = array[start:start + 4096]
            whole = np.rint(part * np.float32(255))
            if not (np.array_equal(whole / np.float32(255), part)
                    and whole.min() >= 0 and whole.max() <= 255):
                break
            as_bytes[start:start + 4096] = whole
        else:
            return _held(as_bytes), 255.0
    return _held(np.asarray(array, dtype=np.float32)), None


def _held(array):
    """A TensorFlow variable holding a copy of ``array``, read by reference by the pipeline."""
    import tensorflow as tf

    return tf.Variable(array, trainable=False)


def _take(tensor, index, scale):
    import tensorflow as tf

    batch = tf.gather(tensor, index)
    return batch if scale is None else tf.cast(batch, tf.float32) / scale


class ScheduleCheck(keras.callbacks.Callback):
    """Warn when training starts if fit's epochs and batches disagree with the schedule."""

    def __init__(self, *, optimizer, plan):
        super().__init__()
        self.optimizer, self.plan = optimizer, plan
        self.advice = None

    def on_train_begin(self, logs=None):
        epochs, steps = (self.params or {}).get("epochs"), (self.params or {}).get("steps")
        if self.model.optimizer is not self.optimizer or not epochs or not steps:
            return  # compiled again with another optimizer, or a run of unknown length
        self.advice = schedule_advice(self.plan, done=int(self.optimizer.iterations.numpy()),
                                      fit_epochs=epochs, fit_steps=steps)
        if self.advice:
            warnings.warn(self.advice, ScheduleWarning, stacklevel=2)

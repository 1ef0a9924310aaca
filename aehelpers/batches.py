"""Big image arrays in and out of Keras batch by batch, without copies (notebooks 04-06).

``model.fit(x_train, x_train)`` on the 60,000 Fashion-MNIST images makes several copies of
the array inside TensorFlow (about 0.8 GB more memory), too much for Binder's 2 GB.
:func:`batches` hands Keras one shuffled batch at a time from the array instead, and can
change each input batch on the fly (fresh noise every epoch for a denoising autoencoder).
:func:`predict_in_batches` is ``model.predict`` without its data pipeline (which costs
over 150 MB on 10,000 images).
"""

import numbers

import numpy as np

__all__ = ["batches", "predict_in_batches"]


def batches(inputs, targets=None, *, batch_size=None, shuffle=True, seed=0, transform=None):
    """Return a ``keras.utils.PyDataset`` of ``(input_batch, target_batch)`` for ``model.fit``.

    Taught in notebooks 04 and 05. ``targets`` defaults to ``inputs`` (an autoencoder learns
    to give back its input). ``batch_size`` defaults to ``ae.FAST_RECIPE.batch_size``. With
    ``shuffle=True`` the order changes every epoch, drawn from ``seed``. ``transform``, if
    given, is called on every INPUT batch (a float32 array) and must return an array of the
    same shape, e.g. ``lambda b: ae.add_noise(b, level=0.3, seed=rng)``: the targets stay
    clean. Use it as ``model.fit(ae.batches(x_train), epochs=..., validation_data=...)``.

    Rejects: inputs that are not a non-empty array, targets with a different number of
    items, a non-positive batch_size, a seed that is not a non-negative integer, and a
    transform that is not callable.
    """
    func = "batches"
    inputs = _check_array(func, "inputs", inputs)
    targets = inputs if targets is None else _check_array(func, "targets", targets)
    if len(targets) != len(inputs):
        raise ValueError(
            f"{func}(): inputs and targets must hold the same number of items, got "
            f"{len(inputs)} and {len(targets)}"
        )
    if batch_size is None:
        from .training import FAST_RECIPE

        batch_size = FAST_RECIPE.batch_size
    if (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
            or batch_size <= 0):
        raise ValueError(f"{func}(): batch_size must be a positive integer, got {batch_size!r}")
    if not isinstance(shuffle, bool):
        raise TypeError(f"{func}(): shuffle must be True or False, got {shuffle!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{func}(): seed must be a non-negative integer, got {seed!r}")
    if transform is not None and not callable(transform):
        raise TypeError(f"{func}(): transform must be a function or None, got {transform!r}")
    return _batch_class()(inputs, targets, int(batch_size), shuffle, int(seed), transform)


def predict_in_batches(model, inputs, *, batch_size=500):
    """Return ``model``'s outputs for ``inputs``, computed ``batch_size`` items at a time.

    Used in notebooks 04-06. The same numbers as ``model.predict(inputs)`` with far less
    memory: it calls ``model.predict_on_batch`` on slices of the array and joins the results.
    A model with several outputs (a VAE's encoder) gives a list of arrays.

    Rejects: a model without ``predict_on_batch`` (not a Keras model), inputs that are not
    a non-empty array of numbers, and a non-positive batch_size.
    """
    func = "predict_in_batches"
    if not callable(getattr(model, "predict_on_batch", None)):
        raise TypeError(f"{func}(): model must be a Keras model, got {type(model).__name__}")
    inputs = _check_array(func, "inputs", inputs)
    if (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
            or batch_size <= 0):
        raise ValueError(f"{func}(): batch_size must be a positive integer, got {batch_size!r}")
    parts = [model.predict_on_batch(inputs[start:start + batch_size])
             for start in range(0, len(inputs), batch_size)]
    if isinstance(parts[0], (list, tuple)):
        return [np.concatenate([part[i] for part in parts]) for i in range(len(parts[0]))]
    return np.concatenate(parts)


def _check_array(func, name, value):
    array = np.asarray(value)
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{func}(): {name} must be a non-empty array, got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) and array.dtype != bool):
        raise TypeError(f"{func}(): {name} must hold numbers, got dtype {array.dtype}")
    return array


_CLASS = None


def _batch_class():
    """Define the PyDataset subclass on first use (it needs Keras, which is imported late)."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    import keras

    class ArrayBatches(keras.utils.PyDataset):
        """Shuffled batches of (inputs, targets) taken from arrays, without copying them."""

        def __init__(self, inputs, targets, batch_size, shuffle, seed, transform):
            super().__init__()
            self.inputs, self.targets = inputs, targets
            self.batch_size, self.shuffle, self.transform = batch_size, shuffle, transform
            self._rng = np.random.default_rng(seed)
            self._order = np.arange(len(inputs))
            self.on_epoch_end()

        def __len__(self):
            return -(-len(self.inputs) // self.batch_size)

        def __getitem__(self, index):
            if not 0 <= index < len(self):
                raise IndexError(f"batch {index} out of range (there are {len(self)})")
            # Sorted indices read memory in order: faster, and the batch's content is the same.
            rows = np.sort(self._order[index * self.batch_size:(index + 1) * self.batch_size])
            x = self.inputs[rows].astype(np.float32, copy=False)
            y = self.targets[rows].astype(np.float32, copy=False)
            if self.transform is not None:
                changed = np.asarray(self.transform(x), dtype=np.float32)
                if changed.shape != x.shape:
                    raise ValueError(
                        f"batches(): transform must return an array of the batch's shape "
                        f"{x.shape}, got {changed.shape}"
                    )
                x = changed
            return x, y

        def on_epoch_end(self):
            if self.shuffle:
                self._rng.shuffle(self._order)

    _CLASS = ArrayBatches
    return _CLASS

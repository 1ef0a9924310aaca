"""The Keras classes behind ``training.py``: imported on first use, since they need Keras.

``ArrayBatches`` is what ``ae.batches`` returns; ``ScheduleCheck`` is the callback that
``ae.compile_autoencoder`` adds to ``fit`` for a cosine schedule.
"""

import warnings

import keras
import numpy as np

from .training import ScheduleWarning, schedule_advice


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

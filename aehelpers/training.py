"""The course's training recipe for a CPU (used by every notebook that trains; measured in
``benchmarks/RESULTS.md``).

A recipe is only numbers: batch size, learning rate and schedule, and how many steps
Keras runs per call. The notebooks show them with ``compile_autoencoder`` and
``model.fit(..., batch_size=recipe.batch_size)``, so nothing about training is hidden.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Recipe", "FAST_RECIPE", "SHALLOW_RECIPE", "REFERENCE_RECIPE", "compile_autoencoder",
    "make_optimizer",
    "batches", "predict_in_batches",
]

SCHEDULES = ("constant", "cosine")


def _is_positive_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0


@dataclass(frozen=True)
class Recipe:
    """How to train: batch size, Adam learning rate and schedule, steps per execution.

    ``schedule="cosine"`` lowers the rate from ``learning_rate`` to 0 along a half cosine
    over the whole run (so it needs to know the run's length: see :func:`make_optimizer`).
    ``steps_per_execution`` is how many training steps Keras runs in one call into
    TensorFlow: on a CPU, small models spend most of their time in the per-call overhead.
    ``jit_compile`` turns on XLA compilation (slower to start; measured not worth it here).
    Used in every notebook that trains (01-08), usually as ``ae.FAST_RECIPE``.

    Rejects a non-positive or non-integer batch_size or steps_per_execution, a learning
    rate that is not a positive finite number, an unknown schedule, and a non-bool
    jit_compile.
    """

    batch_size: int = 256
    learning_rate: float = 1e-3
    schedule: str = "constant"  # "constant" or "cosine" (decays to 0 over the run)
    steps_per_execution: int = 1
    jit_compile: bool = False

    def __post_init__(self):
        for name in ("batch_size", "steps_per_execution"):
            value = getattr(self, name)
            if not _is_positive_int(value):
                raise ValueError(f"Recipe: {name} must be a positive integer, got {value!r}")
        rate = self.learning_rate
        if (isinstance(rate, bool) or not isinstance(rate, numbers.Real)
                or not math.isfinite(rate) or rate <= 0):
            raise ValueError(f"Recipe: learning_rate must be a positive number, got {rate!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"Recipe: schedule must be 'constant' or 'cosine', got {self.schedule!r}"
            )
        if not isinstance(self.jit_compile, bool):
            raise TypeError(f"Recipe: jit_compile must be True or False, got {self.jit_compile!r}")


# The classic Keras-blog recipe (Adam at its default rate, batch 256): the reference.
REFERENCE_RECIPE = Recipe()

# The course default, chosen by benchmarks/run.py (see benchmarks/RESULTS.md): small
# batches at a higher rate that decays to zero (more, cheaper updates per epoch), and many
# steps per call so that Python's per-step overhead vanishes on a CPU. Measured best for the
# deep dense and the convolutional autoencoders (notebooks 03-05); the default everywhere.
FAST_RECIPE = Recipe(batch_size=32, learning_rate=3e-3, schedule="cosine", steps_per_execution=100)

# For a shallow dense autoencoder (one layer each side, e.g. 784-32-784, notebook 02): such
# a small model learns in proportion to its number of updates, and a batch of 16 costs
# little more per epoch than 32 once the per-step overhead is gone. (Deeper models do worse
# with batch 16: use FAST_RECIPE for them.)
SHALLOW_RECIPE = Recipe(batch_size=16, learning_rate=3e-3, schedule="cosine",
                        steps_per_execution=100)


def _check_recipe(func, recipe):
    if not isinstance(recipe, Recipe):
        raise TypeError(
            f"{func}(): recipe must be an aehelpers Recipe (e.g. ae.FAST_RECIPE), "
            f"got {type(recipe).__name__}"
        )


def _check_run_length(func, recipe, epochs, n_train):
    """Check epochs and n_train: required for a cosine schedule, optional otherwise."""
    for name, value in (("epochs", epochs), ("n_train", n_train)):
        if value is None and recipe.schedule != "cosine":
            continue
        if not _is_positive_int(value):
            need = "a cosine recipe needs" if value is None else "needs"
            raise ValueError(
                f"{func}(): {need} {name} as a positive integer (the number of "
                f"{'epochs' if name == 'epochs' else 'training examples'}), got {value!r}"
            )


def make_optimizer(*, recipe=FAST_RECIPE, epochs=None, n_train=None):
    """Return the recipe's Adam optimizer; a cosine schedule needs ``epochs`` and ``n_train``.

    Used by :func:`compile_autoencoder` (every notebook that trains); call it yourself to
    compile a model with options of your own.
    The cosine schedule spans ``epochs * ceil(n_train / recipe.batch_size)`` steps.
    Rejects a recipe that is not a :class:`Recipe`, and ``epochs``/``n_train`` that are not
    positive integers (missing ones too, for a cosine recipe).
    """
    _check_recipe("make_optimizer", recipe)
    _check_run_length("make_optimizer", recipe, epochs, n_train)
    import keras

    rate = recipe.learning_rate
    if recipe.schedule == "cosine":
        steps = epochs * -(-n_train // recipe.batch_size)
        rate = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=steps)
    return keras.optimizers.Adam(learning_rate=rate)


def compile_autoencoder(model, *, loss="binary_crossentropy", recipe=FAST_RECIPE, epochs=None,
                        n_train=None, metrics=None):
    """Compile ``model`` with the recipe's optimizer and execution settings; return the model.

    Used in every notebook that trains (01-08): ``ae.compile_autoencoder(model,
    epochs=EPOCHS, n_train=len(x_train))``, then ``model.fit(x_train, x_train,
    batch_size=ae.FAST_RECIPE.batch_size, epochs=EPOCHS, ...)`` with the SAME epochs
    (the cosine schedule reaches zero at the end of that many epochs).
    Rejects a model that is not a Keras model, a recipe that is not a Recipe, and what
    :func:`make_optimizer` rejects.
    """
    _check_recipe("compile_autoencoder", recipe)
    _check_run_length("compile_autoencoder", recipe, epochs, n_train)
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(
            f"compile_autoencoder(): model must be a keras.Model, got {type(model).__name__}"
        )
    model.compile(
        optimizer=make_optimizer(recipe=recipe, epochs=epochs, n_train=n_train),
        loss=loss,
        metrics=metrics,
        steps_per_execution=recipe.steps_per_execution,
        jit_compile=recipe.jit_compile,
    )
    return model


# --------------------------------------------------------------------------- batches


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

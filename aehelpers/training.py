"""How the course trains: the recipe (batch size, learning rate and its schedule), compiling,
and handing big image arrays to Keras batch by batch (used by every notebook that trains;
the recipes are measured in ``benchmarks/RESULTS.md``).

A recipe is only numbers: batch size, learning rate and schedule, and how many steps
Keras runs per call. It is said once: ``ae.compile_autoencoder(model, recipe=R, epochs=E,
n_train=len(x_train))`` sizes the learning-rate schedule, ``ae.batches(x_train, recipe=R)``
cuts the batches, ``model.fit(..., epochs=E)`` runs it; if ``fit``'s epochs or batches
disagree with the schedule, a warning says so in plain words when training starts.

``model.fit(x_train, x_train)`` on the 60,000 Fashion-MNIST images makes several copies of
the array inside TensorFlow (about 0.8 GB more memory), too much for the course's 1.2 GB
per notebook (Binder gives a session 1 to 2 GB).
:func:`batches` hands Keras one shuffled batch at a time from the array instead, and can
change each input batch on the fly (fresh noise every epoch for a denoising autoencoder).
:func:`predict_in_batches` is ``model.predict`` without its data pipeline (which costs
over 150 MB on 10,000 images).
"""

import functools
import math
from dataclasses import dataclass

import numpy as np

from ._calls import call_model
from ._checks import (
    check_array,
    check_bool,
    check_callable,
    check_images,
    check_positive_int,
    check_seed,
    is_real,
)

__all__ = [
    "Recipe", "FAST_RECIPE", "DENSE_RECIPE", "SHALLOW_RECIPE", "REFERENCE_RECIPE",
    "compile_autoencoder",
    "make_optimizer", "batches", "predict_in_batches", "ScheduleWarning",
]

SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class Recipe:
    """How to train: batch size, Adam learning rate and schedule, steps per execution.

    ``schedule="cosine"`` lowers the rate from ``learning_rate`` to 0 along a half cosine
    over the whole run (so it needs to know the run's length: see :func:`make_optimizer`).
    ``steps_per_execution`` is how many training steps Keras runs in one call into
    TensorFlow: on a CPU, small models spend most of their time in the per-call overhead.
    ``jit_compile`` turns on XLA compilation (slower to start; measured not worth it here).
    The course's own recipes are ``ae.FAST_RECIPE``, ``ae.DENSE_RECIPE`` and
    ``ae.SHALLOW_RECIPE``; a notebook can also make its own, as notebook 01 does for its 3D
    cloud.

    Rejects (TypeError for a wrong type, ValueError for a wrong value) a batch_size or
    steps_per_execution that is not a positive integer, a learning rate that is not a
    positive finite number, an unknown schedule, and a non-bool jit_compile.
    """

    batch_size: int = 256
    learning_rate: float = 1e-3
    schedule: str = "constant"  # "constant" or "cosine" (decays to 0 over the run)
    steps_per_execution: int = 1
    jit_compile: bool = False

    def __post_init__(self):
        for name in ("batch_size", "steps_per_execution"):
            check_positive_int("Recipe", name, getattr(self, name))
        rate = self.learning_rate
        if not is_real(rate):
            raise TypeError(f"Recipe(): learning_rate must be a positive number, got {rate!r}")
        if not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"Recipe(): learning_rate must be a positive number, got {rate!r}")
        if not isinstance(self.schedule, str):
            raise TypeError(f"Recipe(): schedule must be 'constant' or 'cosine', got "
                            f"{self.schedule!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"Recipe(): schedule must be 'constant' or 'cosine', got {self.schedule!r}"
            )
        check_bool("Recipe", "jit_compile", self.jit_compile)


# The classic Keras-blog recipe (Adam at its default rate, batch 256): the reference.
REFERENCE_RECIPE = Recipe()

# The course default, chosen by benchmarks/run.py (see benchmarks/RESULTS.md): small
# batches at a higher rate that decays to zero (more, cheaper updates per epoch), and many
# steps per call so that Python's per-step overhead vanishes on a CPU. Measured best for the
# convolutional autoencoder of notebook 04 (also used in 05, 07, 08 and the exercise
# checks); the default of compile_autoencoder, make_optimizer and batches.
FAST_RECIPE = Recipe(batch_size=32, learning_rate=3e-3, schedule="cosine", steps_per_execution=100)

# For deep dense autoencoders (notebooks 03 and 06): on a CPU a training step of 128 images
# costs far less than four steps of 32 (bigger matrix products use the CPU better, and each
# step's fixed costs are paid a quarter as often), so an epoch takes less than half the
# time; a higher rate makes up for the fewer updates (benchmarks/RESULTS.md: section 2's
# table, section 3's notes).
DENSE_RECIPE = Recipe(batch_size=128, learning_rate=5e-3, schedule="cosine",
                      steps_per_execution=100)

# For a shallow dense autoencoder (one layer each side, e.g. 784-32-784, notebook 02): such
# a small model learns in proportion to its number of updates, and a batch of 16 costs
# little more per epoch than 32 once the per-step overhead is gone. (Deeper models do worse
# with batch 16: use DENSE_RECIPE for dense ones, FAST_RECIPE for convolutional ones.)
SHALLOW_RECIPE = Recipe(batch_size=16, learning_rate=3e-3, schedule="cosine",
                        steps_per_execution=100)


def _check_recipe(func, recipe):
    if not isinstance(recipe, Recipe):
        raise TypeError(
            f"{func}(): recipe must be an aehelpers Recipe (e.g. ae.FAST_RECIPE), "
            f"got {type(recipe).__name__}"
        )
    return recipe


def _check_run_length(func, recipe, epochs, n_train):
    """Check epochs and n_train: required for a cosine schedule, optional otherwise."""
    for name, value in (("epochs", epochs), ("n_train", n_train)):
        if value is None and recipe.schedule != "cosine":
            continue
        what = "epochs" if name == "epochs" else "training examples"
        if value is None:
            raise ValueError(f"{func}(): a cosine recipe needs {name} as a positive integer "
                             f"(the number of {what}), got None")
        check_positive_int(func, name, value)


def _steps_per_epoch(n_train, batch_size):
    return -(-n_train // batch_size)


def make_optimizer(*, recipe=FAST_RECIPE, epochs=None, n_train=None):
    """Return the recipe's Adam optimizer; a cosine schedule needs ``epochs`` and ``n_train``.

    Used by :func:`compile_autoencoder` (every notebook that trains); call it yourself to
    compile a model with options of your own.
    The cosine schedule spans ``epochs * ceil(n_train / recipe.batch_size)`` steps.
    Rejects a recipe that is not a :class:`Recipe` (TypeError), and ``epochs``/``n_train``
    that are not positive integers (TypeError for a non-integer, ValueError for one < 1 or
    a missing one for a cosine recipe).
    """
    _check_recipe("make_optimizer", recipe)
    _check_run_length("make_optimizer", recipe, epochs, n_train)
    import keras

    rate = recipe.learning_rate
    if recipe.schedule == "cosine":
        steps = epochs * _steps_per_epoch(n_train, recipe.batch_size)
        rate = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=steps)
    return keras.optimizers.Adam(learning_rate=rate)


def compile_autoencoder(model, *, loss="binary_crossentropy", recipe=FAST_RECIPE, epochs=None,
                        n_train=None, metrics=None):
    """Compile ``model`` with the recipe's optimizer and execution settings; return the model.

    Used in every notebook that trains (01-08): ``ae.compile_autoencoder(model,
    recipe=RECIPE, epochs=EPOCHS, n_train=len(x_train))``, then
    ``model.fit(ae.batches(x_train, recipe=RECIPE), epochs=EPOCHS, ...)`` (or
    ``model.fit(x_train, x_train, batch_size=RECIPE.batch_size, epochs=EPOCHS, ...)``).
    A cosine schedule lasts ``epochs * ceil(n_train / recipe.batch_size)`` steps, so fit
    must run the SAME epochs over batches of the SAME size: for a cosine recipe, this
    function also makes ``model.fit`` add a check that warns (a :class:`ScheduleWarning`)
    when training starts if fit's epochs and batches would end the schedule early (the
    learning rate reaching zero before the last epoch) or late (never decaying to zero).
    Rejects a model that is not a Keras model, a recipe that is not a Recipe, and what
    :func:`make_optimizer` rejects.
    """
    func = "compile_autoencoder"
    _check_recipe(func, recipe)
    _check_run_length(func, recipe, epochs, n_train)
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"{func}(): model must be a keras.Model, got {type(model).__name__}")
    optimizer = make_optimizer(recipe=recipe, epochs=epochs, n_train=n_train)
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        steps_per_execution=recipe.steps_per_execution,
        jit_compile=recipe.jit_compile,
    )
    if recipe.schedule == "cosine":
        from ._keras_parts import ScheduleCheck

        check = ScheduleCheck(optimizer=optimizer, plan=_Plan(epochs, n_train, recipe.batch_size))
        _fit_with(model, check)
    return model


class ScheduleWarning(UserWarning):
    """Warned when ``fit``'s epochs or batches disagree with the learning-rate schedule."""


@dataclass(frozen=True)
class _Plan:
    """The run a cosine schedule was sized for."""

    epochs: int
    n_train: int
    batch_size: int

    @property
    def steps(self):
        return self.epochs * _steps_per_epoch(self.n_train, self.batch_size)


def schedule_advice(plan, *, done, fit_epochs, fit_steps):
    """Return a plain-words warning when a fit does not match the schedule's plan, else None.

    ``done`` is how many steps the optimizer has already taken; fit then runs
    ``fit_epochs`` epochs of ``fit_steps`` batches each.
    """
    planned = (f"compile_autoencoder sized the learning-rate schedule for {plan.epochs} "
               f"epochs of {_steps_per_epoch(plan.n_train, plan.batch_size)} batches "
               f"({plan.n_train} examples in batches of {plan.batch_size}: {plan.steps} steps)")
    running = f"this fit runs {fit_epochs} epochs of {fit_steps} batches"
    fix = ("Give fit the epochs given to compile_autoencoder, and batches of the same recipe "
           "(ae.batches(x, recipe=...) or batch_size=recipe.batch_size).")
    end = done + fit_epochs * fit_steps
    if done >= plan.steps:
        return (f"The learning rate is already zero: {planned}, and all of them are done, so "
                "this fit will not change the weights. Compile the model again to train more.")
    if end > plan.steps:
        zero_after = math.ceil((plan.steps - done) / fit_steps)
        return (f"The learning rate will reach zero after epoch {zero_after} of {fit_epochs}: "
                f"{planned}, but {running}. The last {fit_epochs - zero_after} epochs will "
                f"learn (almost) nothing. {fix}")
    if end < plan.steps:
        left = 0.5 * (1 + math.cos(math.pi * end / plan.steps))
        return (f"The learning rate will still be {left:.0%} of its starting value when this "
                f"fit ends: {planned}, but {running}, so the schedule never decays to zero "
                f"(the fine-tuning at a small rate at the end never happens). {fix}")
    return None


def _fit_with(model, callback):
    """Make ``model.fit`` add ``callback`` to the callbacks it is given (once)."""
    fit = type(model).fit.__get__(model)  # the class's own fit, even if compiled twice

    @functools.wraps(fit)
    def fit_with_check(*args, callbacks=None, **kwargs):
        return fit(*args, callbacks=[*(callbacks or []), callback], **kwargs)

    model.fit = fit_with_check


# --------------------------------------------------------------------------- batches


def batches(inputs, targets=None, *, recipe=None, batch_size=None, shuffle=True, seed=0,
            transform=None):
    """Return a ``keras.utils.PyDataset`` of ``(input_batch, target_batch)`` for ``model.fit``.

    Taught in notebooks 02 and 04; used wherever a notebook trains on images. ``inputs`` are
    images (the package's image rule: pixel values in [0, 1], see ``aehelpers/_checks.py``);
    ``targets`` default to ``inputs`` (an autoencoder learns to give back its input) and may
    be any numbers with one entry per input (e.g. labels). The batch size is the
    ``recipe``'s (the one given to ``compile_autoencoder``; default ``ae.FAST_RECIPE``), or
    ``batch_size`` for batches that do not train (validation, evaluation); giving both with
    different sizes is an error. With ``shuffle=True`` the order changes every epoch, drawn
    from ``seed``. ``transform``, if given, is called on every INPUT batch (a float32 array)
    and must return an array of the same shape, e.g. ``lambda b: ae.add_noise(b, level=0.3,
    seed=rng)``: the targets stay clean. Use it as ``model.fit(ae.batches(x_train,
    recipe=RECIPE), epochs=..., validation_data=...)``.

    Rejects: inputs that are not a non-empty batch of images, targets with a different
    number of items, a recipe that is not a Recipe, a batch_size that is not a positive
    integer or differs from the recipe's, a non-bool shuffle, a seed that is not a
    non-negative integer, and a transform that is not callable.
    """
    func = "batches"
    inputs = check_images(func, inputs, name="inputs")
    targets = inputs if targets is None else check_array(func, "targets", targets,
                                                          dtype=np.float32)
    if len(targets) != len(inputs):
        raise ValueError(
            f"{func}(): inputs and targets must hold the same number of items, got "
            f"{len(inputs)} and {len(targets)}"
        )
    if batch_size is not None:
        batch_size = check_positive_int(func, "batch_size", batch_size)
    if recipe is not None:
        _check_recipe(func, recipe)
        if batch_size is not None and batch_size != recipe.batch_size:
            raise ValueError(
                f"{func}(): batch_size={batch_size} differs from the recipe's batch size "
                f"{recipe.batch_size}; give only recipe= (the learning-rate schedule was sized "
                "for its batches)"
            )
    batch_size = batch_size or (recipe or FAST_RECIPE).batch_size
    check_bool(func, "shuffle", shuffle)
    seed = check_seed(func, seed)
    if transform is not None and not callable(transform):
        raise TypeError(f"{func}(): transform must be a function or None, got {transform!r}")
    from ._keras_parts import ArrayBatches

    return ArrayBatches(inputs, targets, batch_size, shuffle, seed, transform)


def predict_in_batches(model, inputs, *, batch_size=500):
    """Return ``model``'s outputs for ``inputs``, computed ``batch_size`` items at a time.

    Used from notebook 02 on. The same numbers as ``model.predict(inputs)`` with far less
    memory: it calls the model (a Keras model in inference mode, or a function) on slices
    of the array and joins the results. A model with several outputs (a VAE's encoder)
    gives a list of arrays.

    Rejects: a model that is not callable, inputs that are not a non-empty array of
    numbers, and a batch_size that is not a positive integer.
    """
    func = "predict_in_batches"
    check_callable(func, "model", model)
    inputs = check_array(func, "inputs", inputs, dtype=np.float32)
    batch_size = check_positive_int(func, "batch_size", batch_size)
    parts = [call_model(model, inputs[start:start + batch_size], all_outputs=True)
             for start in range(0, len(inputs), batch_size)]
    joined = [np.concatenate([part[i] for part in parts]) for i in range(len(parts[0]))]
    return joined if len(joined) > 1 else joined[0]

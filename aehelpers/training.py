"""The course's training recipe for a CPU (used by every notebook that trains; measured in
``benchmarks/RESULTS.md``).

A recipe is only numbers: batch size, learning rate and schedule, and how many steps
Keras runs per call. The notebooks show them with ``compile_autoencoder`` and
``model.fit(..., batch_size=recipe.batch_size)``, so nothing about training is hidden.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """How to train: batch size, Adam learning rate and schedule, steps per execution."""

    batch_size: int = 256
    learning_rate: float = 1e-3
    schedule: str = "constant"  # "constant" or "cosine" (decays to 0 over the run)
    steps_per_execution: int = 1
    jit_compile: bool = False


# The classic Keras-blog recipe (Adam at its default rate, batch 256): the reference.
REFERENCE_RECIPE = Recipe()

# The course default, chosen by benchmarks/run.py (see benchmarks/RESULTS.md): small
# batches at a higher rate that decays to zero (more, cheaper updates per epoch), and many
# steps per call so that Python's per-step overhead vanishes on a CPU.
FAST_RECIPE = Recipe(batch_size=32, learning_rate=3e-3, schedule="cosine", steps_per_execution=100)


def _check_recipe(recipe):
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be an aehelpers Recipe, got {type(recipe).__name__}")
    if recipe.schedule not in ("constant", "cosine"):
        raise ValueError(f"recipe.schedule must be 'constant' or 'cosine', got {recipe.schedule!r}")


def make_optimizer(*, recipe=FAST_RECIPE, epochs=None, n_train=None):
    """Return the recipe's Adam optimizer; a cosine schedule needs ``epochs`` and ``n_train``."""
    import keras

    _check_recipe(recipe)
    rate = recipe.learning_rate
    if recipe.schedule == "cosine":
        for name, value in (("epochs", epochs), ("n_train", n_train)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"a cosine recipe needs {name} as a positive integer, got {value!r}"
                )
        steps = epochs * -(-n_train // recipe.batch_size)
        rate = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=steps)
    return keras.optimizers.Adam(learning_rate=rate)


def compile_autoencoder(model, *, loss="binary_crossentropy", recipe=FAST_RECIPE, epochs=None,
                        n_train=None, metrics=None):
    """Compile ``model`` with the recipe's optimizer and execution settings; return the model.

    Rejects a model that is not a Keras model and a recipe that is not a Recipe.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    model.compile(
        optimizer=make_optimizer(recipe=recipe, epochs=epochs, n_train=n_train),
        loss=loss,
        metrics=metrics,
        steps_per_execution=recipe.steps_per_execution,
        jit_compile=recipe.jit_compile,
    )
    return model

"""Tests for aehelpers.training: Recipe checks, the optimizer and its schedule, compile, and
the warning when fit disagrees with the schedule."""

import dataclasses

import numpy as np
import pytest

import aehelpers as ae
from aehelpers import training


def _tiny_model():
    import keras

    inputs = keras.Input((6,))
    code = keras.layers.Dense(2, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(6, activation="sigmoid")(code))


# --------------------------------------------------------------------------- Recipe


def test_reference_recipe_is_the_keras_blog_classic():
    r = ae.REFERENCE_RECIPE
    assert (r.batch_size, r.learning_rate, r.schedule) == (256, 1e-3, "constant")
    assert (r.steps_per_execution, r.jit_compile) == (1, False)


def test_fast_recipe_is_a_valid_recipe_that_differs_from_the_reference():
    assert isinstance(ae.FAST_RECIPE, ae.Recipe)
    assert ae.FAST_RECIPE != ae.REFERENCE_RECIPE
    assert ae.FAST_RECIPE.schedule in training.SCHEDULES


def test_shallow_recipe_is_exported_and_valid():
    assert isinstance(ae.SHALLOW_RECIPE, ae.Recipe)
    assert ae.SHALLOW_RECIPE.schedule in training.SCHEDULES
    assert "SHALLOW_RECIPE" in dir(ae)


def test_recipe_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ae.FAST_RECIPE.batch_size = 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("batch_size", 0, ValueError),
        ("batch_size", 32.0, TypeError),
        ("batch_size", True, TypeError),
        ("steps_per_execution", -1, ValueError),
        ("learning_rate", 0, ValueError),
        ("learning_rate", -1e-3, ValueError),
        ("learning_rate", float("nan"), ValueError),
        ("learning_rate", "0.001", TypeError),
        ("schedule", "linear", ValueError),
        ("schedule", 1, TypeError),
        ("jit_compile", 1, TypeError),
    ],
)
def test_recipe_rejects_bad_values_naming_the_field(field, value, error):
    with pytest.raises(error, match=field):
        ae.Recipe(**{field: value})


def test_recipe_accepts_numpy_integers_and_int_rates():
    r = ae.Recipe(batch_size=np.int64(64), learning_rate=1, steps_per_execution=np.int32(8))
    assert r.batch_size == 64 and r.steps_per_execution == 8


# --------------------------------------------------------------------------- make_optimizer


def test_constant_optimizer_is_adam_at_the_recipe_rate():
    import keras

    opt = ae.make_optimizer(recipe=ae.Recipe(learning_rate=5e-3))
    assert isinstance(opt, keras.optimizers.Adam)
    assert float(np.asarray(opt.learning_rate)) == pytest.approx(5e-3)


def test_cosine_schedule_decays_from_the_rate_to_zero_over_the_whole_run():
    import keras

    recipe = ae.Recipe(batch_size=10, learning_rate=0.01, schedule="cosine")
    opt = ae.make_optimizer(recipe=recipe, epochs=4, n_train=95)  # 10 batches per epoch
    schedule = opt._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    steps = 4 * 10
    rates = [float(schedule(step)) for step in range(0, steps + 1, 10)]
    assert rates[0] == pytest.approx(0.01)
    assert rates[2] == pytest.approx(0.005, rel=1e-3)  # half-way: half the rate
    assert rates[-1] == pytest.approx(0.0, abs=1e-9)  # zero at the end of the last epoch
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))  # strictly falling


@pytest.mark.parametrize("missing", ["epochs", "n_train"])
def test_cosine_needs_epochs_and_n_train(missing):
    kwargs = {"epochs": 3, "n_train": 100}
    kwargs[missing] = None
    with pytest.raises(ValueError, match=missing):
        ae.make_optimizer(recipe=ae.Recipe(schedule="cosine"), **kwargs)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (2.5, TypeError),
                                        (True, TypeError), ("10", TypeError)])
def test_make_optimizer_rejects_bad_epochs_even_for_a_constant_rate(bad, error):
    with pytest.raises(error, match="epochs"):
        ae.make_optimizer(recipe=ae.REFERENCE_RECIPE, epochs=bad, n_train=100)


def test_make_optimizer_rejects_a_recipe_that_is_not_a_recipe():
    with pytest.raises(TypeError, match="recipe"):
        ae.make_optimizer(recipe={"batch_size": 32})


def test_errors_come_before_tensorflow_is_imported():
    import subprocess
    import sys

    code = (
        "import sys, aehelpers as ae\n"
        "try:\n    ae.make_optimizer(recipe=ae.Recipe(schedule='cosine'))\n"
        "except ValueError:\n    pass\n"
        "try:\n    ae.Recipe(batch_size=0)\n"
        "except ValueError:\n    pass\n"
        "print('tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


# --------------------------------------------------------------------------- compile


def test_compile_sets_what_the_recipe_says():
    import keras

    model = _tiny_model()
    recipe = ae.Recipe(batch_size=8, learning_rate=2e-3, schedule="cosine",
                       steps_per_execution=7)
    returned = ae.compile_autoencoder(model, loss="mse", recipe=recipe, epochs=2, n_train=40,
                                      metrics=["mae"])
    assert returned is model
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert isinstance(model.optimizer._learning_rate, keras.optimizers.schedules.CosineDecay)
    assert model.optimizer._learning_rate.decay_steps == 2 * 5
    assert model.steps_per_execution == 7
    assert model.jit_compile is False
    history = model.fit(np.full((40, 6), 0.5, "float32"), np.full((40, 6), 0.5, "float32"),
                        batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "mae"}


def test_compile_default_is_the_fast_recipe_with_binary_cross_entropy():
    model = _tiny_model()
    ae.compile_autoencoder(model, epochs=1, n_train=10)
    assert model.steps_per_execution == ae.FAST_RECIPE.steps_per_execution
    x = np.random.default_rng(0).random((4, 6)).astype("float32")
    y = model.predict(x, verbose=0)
    expected = -np.mean(x * np.log(y) + (1 - x) * np.log(1 - y))
    assert model.evaluate(x, x, verbose=0) == pytest.approx(expected, rel=1e-3)


def test_compiled_model_learns_with_the_fast_recipe():
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = (rng.random((512, 2)) @ rng.random((2, 6)) / 2).astype("float32")  # 2-D structure
    model = _tiny_model()
    ae.compile_autoencoder(model, loss="mse", epochs=20, n_train=len(x))
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, batch_size=ae.FAST_RECIPE.batch_size, epochs=20, verbose=0)
    assert model.evaluate(x, x, verbose=0) < 0.3 * before


def test_compile_rejects_what_is_not_a_keras_model():
    with pytest.raises(TypeError, match="model"):
        ae.compile_autoencoder(lambda x: x, epochs=1, n_train=10)


def test_compile_rejects_a_cosine_recipe_without_run_length():
    with pytest.raises(ValueError, match="epochs"):
        ae.compile_autoencoder(_tiny_model(), recipe=ae.FAST_RECIPE.__class__(schedule="cosine"))


# --------------------------------------------------------------------------- the recipe said once


def _fit_warnings(model, x, *, epochs, batch_size):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(ae.batches(x, batch_size=batch_size), epochs=epochs, verbose=0)
    return [str(w.message) for w in caught if issubclass(w.category, ae.ScheduleWarning)]


def _small_model():
    return ae.build_dense_autoencoder(input_shape=(8,), code_size=2).autoencoder


def test_fit_that_matches_the_schedule_gives_no_warning():
    x = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    model = ae.compile_autoencoder(_small_model(), epochs=2, n_train=len(x))
    assert _fit_warnings(model, x, epochs=2, batch_size=ae.FAST_RECIPE.batch_size) == []
    assert model.fit(ae.batches(x, recipe=ae.FAST_RECIPE), epochs=0, verbose=0) is not None


def test_more_epochs_or_smaller_batches_than_planned_warn_that_the_rate_reaches_zero_early():
    x = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    model = ae.compile_autoencoder(_small_model(), epochs=2, n_train=len(x))
    (message,) = _fit_warnings(model, x, epochs=4, batch_size=ae.FAST_RECIPE.batch_size)
    assert "reach zero after epoch 2 of 4" in message and "last 2 epochs" in message
    model = ae.compile_autoencoder(_small_model(), epochs=2, n_train=len(x))
    (message,) = _fit_warnings(model, x, epochs=2, batch_size=16)  # 4 batches, not 2
    assert "reach zero after epoch 1 of 2" in message and "batches of 32" in message


def test_fewer_epochs_or_bigger_batches_than_planned_warn_that_the_rate_never_decays():
    x = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    model = ae.compile_autoencoder(_small_model(), epochs=4, n_train=len(x))
    (message,) = _fit_warnings(model, x, epochs=2, batch_size=ae.FAST_RECIPE.batch_size)
    assert "still be 50% of its starting value" in message and "never decays" in message
    model = ae.compile_autoencoder(_small_model(), epochs=2, n_train=len(x))
    (message,) = _fit_warnings(model, x, epochs=2, batch_size=64)
    assert "never decays" in message


def test_a_second_fit_after_the_schedule_ended_warns_that_nothing_will_change():
    x = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    model = ae.compile_autoencoder(_small_model(), epochs=1, n_train=len(x))
    assert _fit_warnings(model, x, epochs=1, batch_size=32) == []
    (message,) = _fit_warnings(model, x, epochs=1, batch_size=32)
    assert "already zero" in message


def test_batches_take_the_batch_size_from_the_recipe_and_reject_a_different_one():
    x = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    assert ae.batches(x, recipe=ae.SHALLOW_RECIPE).batch_size == ae.SHALLOW_RECIPE.batch_size
    assert ae.batches(x, recipe=ae.SHALLOW_RECIPE, batch_size=16).batch_size == 16
    with pytest.raises(ValueError, match="differs from the recipe"):
        ae.batches(x, recipe=ae.SHALLOW_RECIPE, batch_size=32)
    with pytest.raises(TypeError, match="recipe"):
        ae.batches(x, recipe="fast")


def test_dense_recipe_is_exported_and_batches_more_than_the_fast_one():
    r = ae.DENSE_RECIPE
    assert isinstance(r, ae.Recipe) and "DENSE_RECIPE" in dir(ae)
    assert r.batch_size > ae.FAST_RECIPE.batch_size
    assert r.schedule == "cosine"
    assert r.steps_per_execution == ae.FAST_RECIPE.steps_per_execution

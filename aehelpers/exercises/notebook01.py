"""Exercise checks of notebook 01 (reducing a 3D cloud to 2D).

Each check builds the same clouds as the notebook (``make_3d_data``, seeds 0 and 1), trains
or evaluates what the learner wrote, prints what is right or what to fix, and returns True
or False. A wrong answer never raises.
"""

import numpy as np

from ._feedback import not_yet, passed
from ._inspect import activation_name, layers, width

__all__ = ["check_flat_sheet_prediction", "check_bending_half", "check_small_sheet_autoencoder"]

# The notebook's recipe for the cloud: batches of 128, Adam from 0.02 decaying to 0 (cosine).
EPOCHS = 60
_N_VAL = 1_000
_PREDICTIONS = ("lower", "same", "higher")
# The flat-sheet question's bands: nonlinear / PCA below 0.8 is "lower", above 1.25 "higher".
_SAME_BAND = (0.8, 1.25)
# One bending half: at most this share of PCA-2's error.
HALF_MAX_RATIO = 0.5
# The small-model task: at most this many weights, and at most this share of PCA-2's error.
MAX_WEIGHTS = 120
SMALL_MAX_RATIO = 1 / 4


def _n_points():
    from .. import QUICK_SIZES, quick_mode

    return QUICK_SIZES["n_points"] if quick_mode() else 2_000


def _clouds(curvature=0.5):
    """The notebook's training and validation clouds (seeds 0 and 1)."""
    from .. import make_3d_data

    return (make_3d_data(_n_points(), curvature=curvature, seed=0),
            make_3d_data(_N_VAL, curvature=curvature, seed=1))


def _mse(a, b):
    return float(np.mean((a - b) ** 2))


def _pca_mse(x_train, x_val, n_components):
    from sklearn.decomposition import PCA

    pca = PCA(n_components=n_components).fit(x_train)
    return _mse(x_val, pca.inverse_transform(pca.transform(x_val)))


def _train(model, x_train, *, seed=0, epochs=EPOCHS):
    """Train ``model`` in place with the notebook's recipe (MSE, batch 128, cosine from 0.02)."""
    import keras

    from .. import Recipe, compile_autoencoder

    keras.utils.set_random_seed(seed)
    recipe = Recipe(batch_size=128, learning_rate=0.02, schedule="cosine",
                    steps_per_execution=50)  # same updates as the notebook, fewer calls
    compile_autoencoder(model, loss="mse", recipe=recipe, epochs=epochs, n_train=len(x_train))
    model.fit(x_train, x_train, batch_size=recipe.batch_size, epochs=epochs, verbose=0)
    return model


def _nonlinear_2d(seed=0):
    """The notebook's nonlinear autoencoder: 3 -> 32 tanh -> 2 -> 32 tanh -> 3."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(2),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(3),
    ])


def _flat_sheet_errors(seed=0):
    """Train the notebook's nonlinear autoencoder on a flat sheet; return (its MSE, PCA's MSE)."""
    x_train, x_val = _clouds(curvature=0.0)
    model = _train(_nonlinear_2d(seed), x_train, seed=seed)
    return _mse(x_val, model.predict(x_val, verbose=0)), _pca_mse(x_train, x_val, 2)


def check_flat_sheet_prediction(prediction, *, seed=0):
    """Exercise 1 of notebook 01: on a flat sheet, is the nonlinear model's error lower than PCA's?

    ``prediction`` is "lower", "same" or "higher". The check trains the notebook's nonlinear
    autoencoder on a flat cloud (``curvature=0``) with the notebook's recipe, compares its
    validation MSE with PCA's, and explains the outcome. Prints a verdict; returns True or
    False.
    """
    check = "check_flat_sheet_prediction"
    if prediction is None:
        return not_yet(check, "missing", "write your prediction first: my_prediction = "
                       "\"lower\", \"same\" or \"higher\".")
    if not isinstance(prediction, str) or prediction.strip().lower() not in _PREDICTIONS:
        return not_yet(check, "format", f"the prediction must be one of {_PREDICTIONS}, got "
                       f"{prediction!r}.")
    prediction = prediction.strip().lower()
    print("Training the nonlinear autoencoder on a flat sheet (a few seconds)...")
    deep, pca = _flat_sheet_errors(seed)
    ratio = deep / pca
    outcome = ("lower" if ratio < _SAME_BAND[0] else
               "higher" if ratio > _SAME_BAND[1] else "same")
    floor = 0.05**2 / 3
    print(f"flat sheet, validation MSE: nonlinear autoencoder {deep:.5f}, PCA {pca:.5f} "
          f"(ratio {ratio:.2f}); the noise across the sheet alone: {floor:.5f}")
    why = ("On a flat sheet the plane IS the best smooth 2D surface: PCA finds it, and is "
           "left with little more than the noise across the sheet. Bending can only help "
           "where the data bends, so the nonlinear model, for all its 389 weights, has "
           "nothing to add.")
    if prediction != outcome:
        return not_yet(check, "wrong prediction",
                       f"you predicted {prediction!r}; this run shows {outcome!r}. {why}",
                       ("Compare each model's error with the noise across the sheet printed "
                        "above: how much is left for the nonlinear model to win?",
                        "Where does the best smooth 2D surface for a flat sheet lie, and which "
                        "model finds it without training?"))
    return passed(f"as you predicted, {outcome!r}. {why}")


def _structure(check, model, *, code_size):
    """Shared structural checks; return the model's layers, or None after printing a hint."""
    if model is None:
        not_yet(check, "missing", "the answer is still None: build a Keras model in the cell "
                "above and run it again.")
        return None
    import keras

    if not isinstance(model, keras.Model):
        not_yet(check, "type", f"expected a Keras model (e.g. keras.Sequential([...])), got "
                f"{type(model).__name__}.")
        return None
    try:
        out = keras.ops.convert_to_numpy(model(np.zeros((2, 3), "float32")))
    except Exception as err:  # the learner's model cannot take 3 numbers
        line = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        not_yet(check, "input", f"the model cannot take points of 3 numbers: {line}",
                ("Start the model with keras.Input(shape=(3,)).",))
        return None
    if out.shape[1:] != (3,):
        not_yet(check, "output", f"an autoencoder gives back 3 numbers per point; this one "
                f"gives shape {out.shape[1:]}.", ("The last layer should be Dense(3).",))
        return None
    found = list(layers(model))
    widths = [w for layer in found if (w := width(layer)) is not None]
    if not widths or min(widths) != code_size:
        narrowest = min(widths) if widths else "an unknown number of"
        not_yet(check, "code size", f"the narrowest layer outputs {narrowest} numbers; the "
                f"code should have {code_size}.",
                (f"The code layer is the Dense layer with {code_size} unit(s), between the "
                 "encoder's and the decoder's hidden layers.",))
        return None
    return found


def _bounded_output(found):
    """The name of the last layer's activation if it cannot reach every coordinate, else None."""
    name = activation_name(found[-1]) if found else None
    return name if name in ("sigmoid", "tanh", "relu", "softmax", "hard_sigmoid") else None


def _is_linear(found):
    return not any(_halves(found, len(found) - 1))


def _halves(found, code_index):
    """Whether the encoder (up to and with the code layer) and the decoder are nonlinear."""
    def bends(part):
        return any(type(layer).__name__ == "Activation"
                   or activation_name(layer) not in (None, "linear") for layer in part)
    return bends(found[:code_index + 1]), bends(found[code_index + 1:])


def _ratio_to_pca(model, *, seed):
    """Train ``model`` with the notebook's recipe; return (its validation MSE, PCA-2's)."""
    x_train, x_val = _clouds()
    print("Training your model with the notebook's recipe (a few seconds)...")
    model_mse = _mse(x_val, _train(model, x_train, seed=seed).predict(x_val, verbose=0))
    return model_mse, _pca_mse(x_train, x_val, 2)


def check_bending_half(model, *, seed=0):
    """Exercise 2 of notebook 01: one hidden tanh layer, in the half that has to bend.

    ``model`` (untrained) takes and gives 3 numbers through a 2-number code, with a
    nonlinear hidden layer in one half only. The check trains it with the notebook's recipe
    and requires at most ``HALF_MAX_RATIO`` of PCA's validation error; a learner's model
    whose decoder is linear is still trained, to show it cannot get there. Prints a verdict;
    returns True or False.
    """
    check = "check_bending_half"
    found = _structure(check, model, code_size=2)
    if found is None:
        return False
    widths = [width(layer) for layer in found]
    code_index = widths.index(2)
    encoder_bends, decoder_bends = _halves(found, code_index)
    if not encoder_bends and not decoder_bends:
        return not_yet(check, "linear", "every layer is linear, so the whole model is one "
                       "matrix plus a bias: it can only do what PCA does.",
                       ("Add a hidden layer with activation=\"tanh\" to one of the two "
                        "halves.",))
    if encoder_bends and decoder_bends:
        return not_yet(check, "both halves", "both halves are nonlinear; the exercise asks "
                       "for a nonlinear layer in one half only, to find out which one matters.",
                       ("Keep the hidden tanh layer in one half and make the other half a "
                        "single linear Dense layer.",))
    bounded = _bounded_output(found)
    if bounded:
        return not_yet(check, "output activation", f"the last layer uses {bounded!r}, whose "
                       "outputs are limited (e.g. to [0, 1] or [-1, 1]); the coordinates of "
                       "the cloud are not.", ("Leave the last Dense layer linear (no "
                                              "activation).",))
    model_mse, pca_mse = _ratio_to_pca(model, seed=seed)
    ratio = model_mse / pca_mse
    print(f"validation MSE: your model {model_mse:.5f}, PCA {pca_mse:.5f} (ratio {ratio:.2f})")
    if not decoder_bends:
        return not_yet(check, "linear decoder", f"with a linear decoder the model reaches "
                       f"{ratio:.0%} of PCA's error, no better: a nonlinear encoder can choose "
                       "the code cleverly, but the decoder still turns every code into a point "
                       "of one plane.",
                       ("Where can a linear decoder's outputs lie, whatever code it gets?",
                        "Put the hidden tanh layer after the code, and make the encoder a "
                        "single linear Dense(2)."))
    if not np.isfinite(ratio) or ratio > HALF_MAX_RATIO:
        return not_yet(check, "weak", f"your model reaches {ratio:.0%} of PCA's error; the "
                       f"goal is {HALF_MAX_RATIO:.0%} or less.",
                       ("Give the decoder's hidden layer enough units, e.g. 32, with tanh.",))
    return passed(f"a linear encoder and a bending decoder reach {ratio:.0%} of PCA's error. "
                  "The sheet is a graph over a plane, so a linear encoder (a projection onto "
                  "that plane) keeps the position (u, v); the decoder must bend to rebuild "
                  "the height.")


def check_small_sheet_autoencoder(model):
    """Exercise 3 of notebook 01: a trained 2-number-code model, small and accurate.

    ``model`` must be already trained. It must take and give 3 numbers, have a 2-number
    code, at most ``MAX_WEIGHTS`` weights, and a validation MSE at most ``SMALL_MAX_RATIO``
    of PCA's with 2 components (on the notebook's validation cloud). Prints a verdict;
    returns True or False.
    """
    check = "check_small_sheet_autoencoder"
    found = _structure(check, model, code_size=2)
    if found is None:
        return False
    n_weights = model.count_params()
    if n_weights > MAX_WEIGHTS:
        return not_yet(check, "too many weights", f"{n_weights} weights; the goal is at most "
                       f"{MAX_WEIGHTS}.",
                       ("The hidden layers hold almost all the weights: try fewer units.",
                        "One hidden layer of h units on each side costs 12 h + 5 weights."))
    x_train, x_val = _clouds()
    model_mse = _mse(x_val, model.predict(x_val, verbose=0))
    pca_mse = _pca_mse(x_train, x_val, 2)
    mean_mse = _mse(x_val, x_train.mean(axis=0))
    print(f"validation MSE: your model {model_mse:.5f} ({n_weights} weights), PCA "
          f"{pca_mse:.5f}, goal {SMALL_MAX_RATIO * pca_mse:.5f}")
    if not np.isfinite(model_mse) or model_mse > 0.5 * mean_mse:
        return not_yet(check, "untrained", "the model is barely better than answering the "
                       "mean point: has it been trained?",
                       ("Compile and fit it on x_train as the notebook's nonlinear "
                        "autoencoder, before the check.",))
    if model_mse > SMALL_MAX_RATIO * pca_mse:
        hints = ("A linear model cannot beat PCA: are the hidden layers nonlinear (tanh)?"
                 if _is_linear(found) else
                 "Train with the notebook's recipe for all EPOCHS, and spend the weights on "
                 "one hidden layer on each side.",)
        return not_yet(check, "weak", f"the error is {model_mse / pca_mse:.0%} of PCA's; the "
                       f"goal is at most {SMALL_MAX_RATIO:.0%}.", hints)
    return passed(f"{n_weights} weights and {model_mse / pca_mse:.0%} of PCA's error "
                  f"with a 2-number code.")

"""Exercise checks of notebook 02 (a dense autoencoder for MNIST).

Each check measures or trains what the learner wrote, prints what is right or what to fix,
and returns True or False. A wrong answer never raises.
"""

import numpy as np

from ._feedback import not_a_function, not_yet, passed
from ._inspect import activation_name, layers, width

__all__ = ["check_best_rebuilt_digit", "check_bce_loss", "check_small_code_beats_pca"]

# The open task: a code of at most this many numbers must beat PCA with 32 components.
MAX_CODE = 16


def _per_digit(errors, labels):
    """Mean of ``errors`` per digit of ``labels``: {digit: mean error}."""
    return {int(d): float(errors[labels == d].mean()) for d in np.unique(labels)}


def _errors_and_share_on_ink(model, images):
    """Each image's MSE, and the share of all the squared error on pixels with ink (above 0)."""
    from .. import reconstruction_errors
    from .._calls import call_model

    outputs = []

    def kept(batch):  # the model, its outputs kept: one pass gives both measures
        outputs.append(call_model(model, batch))
        return outputs[-1]

    images = np.asarray(images, "float32")
    errors = reconstruction_errors(kept, images)
    squared = np.square(np.concatenate(outputs).reshape(images.shape) - images)
    total = float(squared.sum())
    return errors, (float(squared[images > 0].sum()) / total if total > 0 else float("nan"))


def check_best_rebuilt_digit(prediction, autoencoder, images, labels):
    """Exercise 1 of notebook 02: which digit does the autoencoder rebuild with the lowest MSE?

    ``prediction`` is the learner's digit (0-9). The check measures the mean squared error
    per digit of ``autoencoder`` on ``images`` (with their ``labels``), prints the ranking
    next to each digit's mean amount of ink and the share of the error that falls on the
    pixels with ink, and explains the outcome. Prints a verdict; returns True or False.
    """
    check = "check_best_rebuilt_digit"
    if prediction is None:
        return not_yet(check, "missing", "write your prediction first: my_prediction = a "
                       "digit from 0 to 9.")
    if isinstance(prediction, bool) or not isinstance(prediction, (int, np.integer)) \
            or not 0 <= prediction <= 9:
        return not_yet(check, "format", f"the prediction must be a digit from 0 to 9 (an int), "
                       f"got {prediction!r}.")
    labels = np.asarray(labels)
    errors, on_ink = _errors_and_share_on_ink(autoencoder, images)
    per_digit = _per_digit(errors, labels)
    ink = {d: float(np.asarray(images)[labels == d].mean()) for d in per_digit}
    ranking = sorted(per_digit, key=per_digit.get)
    print("digit  mean MSE  mean ink (pixel value)")
    for d in ranking:
        print(f"  {d}    {per_digit[d]:.4f}    {ink[d]:.3f}")
    inked = float(np.mean(np.asarray(images) > 0))
    print(f"the pixels with ink (above 0 in the originals) are {inked:.0%} of all pixels and "
          f"carry {on_ink:.0%} of the squared error")
    best = ranking[0]
    least_ink = min(ink, key=ink.get)
    why = (f"The MSE is a mean over all {np.asarray(images)[0].size} pixels, and most of "
           f"them are blank paper, which the model rebuilds well: the {inked:.0%} of pixels "
           f"with ink carry {on_ink:.0%} of the error. A digit with little ink has few "
           f"stroke pixels to get wrong, so it can score best even if its shape is no "
           f"easier. Here the digit with the least ink is {least_ink}.")
    if int(prediction) != best:
        return not_yet(check, "wrong prediction",
                       f"you predicted {int(prediction)}; this run rebuilds {best} best "
                       f"(MSE {per_digit[best]:.4f} against {per_digit[int(prediction)]:.4f} "
                       f"for {int(prediction)}). {why}",
                       ("Compare the MSE column with the ink column above.",
                        "Which pixels can a reconstruction get wrong? Count them per digit."))
    return passed(f"as you predicted, {best} has the lowest MSE ({per_digit[best]:.4f}). {why}")


def _keras_bce(x, p):
    """Keras' own binary cross-entropy of outputs p for targets x, as one mean per pixel."""
    import keras

    # It averages over the last axis; every row has the same length, so the mean of those
    # means is the mean over all pixels, as Keras reports a loss.
    return float(np.mean(keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(x, p))))


def _call_loss(loss, x, p):
    """The learner's loss on arrays x (targets) and p (outputs), as one mean number."""
    import keras

    value = loss(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(p))
    return float(np.mean(keras.ops.convert_to_numpy(value)))


def check_bce_loss(loss, images):
    """Exercise 2 of notebook 02: binary cross-entropy written by hand as a Keras loss.

    ``loss(y_true, y_pred)`` must give what ``keras.losses.binary_crossentropy`` gives on a
    test batch, averaged over the pixels (per image or over the batch), stay finite for
    outputs of exactly 0 or 1, and train a small 784 -> 32 -> 784 autoencoder on ``images``
    (one short epoch) so that its loss goes down. Prints a verdict; returns True or False.
    """
    check = "check_bce_loss"
    if (wrong := not_a_function(check, loss, "my_bce(y_true, y_pred)")) is not None:
        return wrong
    rng = np.random.default_rng(0)
    x = (rng.random((4, 28, 28)) < 0.2).astype("float32")
    x[:, :2] = 0.5  # some grey targets too
    p = rng.uniform(0.05, 0.95, (4, 28, 28)).astype("float32")
    try:
        got = _call_loss(loss, x, p)
    except Exception as err:
        return not_yet(check, "raises", f"my_bce(y_true, y_pred) raised {type(err).__name__}: "
                       f"{str(err)[:200]}", ("Use keras.ops (keras.ops.log, keras.ops.mean, "
                                             "keras.ops.clip) on the two tensors.",))
    want = _keras_bce(x, p)
    print(f"on a test batch: your loss {got:.4f}, Keras' binary cross-entropy {want:.4f}")
    if not np.isfinite(got):
        return not_yet(check, "not finite", "your loss is not a finite number on outputs "
                       "between 0.05 and 0.95.", ("Look for a log of 0 or of a negative "
                                                  "number.",))
    if np.isclose(got, -want, rtol=1e-3):
        return not_yet(check, "sign", "your loss has the right size but the wrong sign: "
                       "minimising it would make the reconstructions worse.",
                       ("The log of a probability is negative, so the sum inside is too.",
                        "BCE is minus the mean of x log p + (1 - x) log(1 - p)."))
    if np.isclose(got, want * 784, rtol=1e-3) or np.isclose(got, want * 28, rtol=1e-3):
        return not_yet(check, "sum", "your loss is a sum over pixels, not a mean: its scale "
                       "(and so the learning rate it needs) depends on the image size.",
                       ("Average over the pixels with keras.ops.mean.",))
    if not np.isclose(got, want, rtol=1e-3, atol=1e-4):
        swapped = _call_swapped(loss, x, p)
        if swapped is not None and np.isclose(swapped, want, rtol=1e-3):
            return not_yet(check, "order", "your loss expects the outputs first: Keras "
                           "calls a loss as loss(y_true, y_pred), the targets first.",
                           ("Swap the two arguments of your function.",))
        return not_yet(check, "value", f"your loss gives {got:.4f} where binary "
                       f"cross-entropy gives {want:.4f}.",
                       ("For one pixel: -(x log p + (1 - x) log(1 - p)), x the target and "
                        "p the output; then the mean over pixels.",))
    edge = np.array([[0.0, 1.0, 1.0, 0.0]], "float32"), np.array([[0.0, 1.0, 0.0, 1.0]],
                                                                   "float32")
    try:
        edge_value = _call_loss(loss, *edge)
    except Exception as err:
        edge_value = float("nan")
        print(f"(on outputs of exactly 0 and 1 it raised {type(err).__name__})")
    if not np.isfinite(edge_value):
        return not_yet(check, "clip", "your loss is inf or NaN when an output is exactly 0 or "
                       "1 (a sigmoid in float32 reaches them): log(0) = -inf.",
                       ("Keep the outputs away from exactly 0 and 1 before taking logs.",
                        "Clip the outputs to [eps, 1 - eps] first, with keras.ops.clip and a "
                        "small eps such as 1e-7."))
    return _trains(check, loss, images)


def _call_swapped(loss, x, p):
    try:
        return _call_loss(loss, p, x)
    except Exception:
        return None


def _trains(check, loss, images):
    """Train a small autoencoder with the learner's loss for one short epoch."""
    import keras

    from ._probe import fit_briefly

    images = np.asarray(images, "float32")[:1_000]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=images.shape[1:]),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(int(np.prod(images.shape[1:])), activation="sigmoid"),
        keras.layers.Reshape(images.shape[1:]),
    ])
    try:
        losses = fit_briefly(model, images, images, loss=loss, epochs=1, batch_size=32)
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        return not_yet(check, "trains", f"training with your loss failed: {first}",
                       ("Inside a loss, use keras.ops functions, not NumPy ones: Keras "
                        "traces the loss into a graph and needs its gradient.",))
    print(f"a 784 -> 32 -> 784 autoencoder trained for one short epoch with your loss: "
          f"{losses[0]:.4f} -> {losses[-1]:.4f}")
    if not losses[-1] < 0.8 * losses[0]:
        return not_yet(check, "no learning", "the loss did not go down when training with "
                       "it.", ("Check that the loss depends on y_pred through keras.ops.",))
    return passed("your loss matches Keras' binary cross-entropy, stays finite at 0 and 1, "
                  "and a model trains with it.")


def check_small_code_beats_pca(model, images, *, pca_mse):
    """Exercise 3 of notebook 02: a trained autoencoder with a small code that beats PCA-32.

    ``model`` must be already trained, take and give images of ``images``' shape, have a
    narrowest layer of at most ``MAX_CODE`` numbers, and reach a mean squared error on
    ``images`` below ``pca_mse`` (PCA with 32 components, computed in the notebook); a
    missing sigmoid output is named in the hint, not required. Prints a verdict; returns
    True or False.
    """
    check = "check_small_code_beats_pca"
    if model is None:
        return not_yet(check, "missing", "the answer is still None: build and train a model "
                       "in the cell above and run it again.")
    import keras

    if not isinstance(model, keras.Model):
        return not_yet(check, "type", f"expected a Keras model, got {type(model).__name__}.")
    images = np.asarray(images, "float32")
    try:
        out = keras.ops.convert_to_numpy(model(images[:2]))
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        return not_yet(check, "input", f"the model cannot take images of shape "
                       f"{images.shape[1:]}: {first}",
                       (f"Start with keras.Input(shape={images.shape[1:]}).",))
    if out.shape[1:] != images.shape[1:]:
        return not_yet(check, "output", f"the output has shape {out.shape[1:]}, not the "
                       f"images' {images.shape[1:]}.", ("End with a Reshape to the image "
                                                        "shape.",))
    found = list(layers(model))
    widths = [w for layer in found if (w := width(layer)) is not None]
    code = min(widths) if widths else None
    if code is None or code > MAX_CODE:
        return not_yet(check, "code size", f"the narrowest layer outputs {code} numbers; "
                       f"the goal is a code of at most {MAX_CODE}.",
                       ("Make the code layer smaller and spend the weights on hidden "
                        "layers around it instead.",))
    from .. import reconstruction_errors

    model_mse = float(reconstruction_errors(model, images).mean())
    print(f"MSE per pixel: your model {model_mse:.4f} with a {code}-number code, PCA with 32 "
          f"components {pca_mse:.4f}")
    mean_image_mse = float(np.mean((images - images.mean(axis=0)) ** 2))
    if not np.isfinite(model_mse) or model_mse > mean_image_mse:
        return not_yet(check, "untrained", f"the error is above the mean image's "
                       f"({mean_image_mse:.4f}): has the model been trained?",
                       ("Compile it with ae.compile_autoencoder and fit it on x_train as in "
                        "'Training, live', before the check.",))
    if model_mse >= pca_mse:
        last = activation_name(found[-1]) if found else None
        if last != "sigmoid" and not (found and type(found[-1]).__name__ == "Reshape"
                                      and activation_name(found[-2]) == "sigmoid"):
            hint = ("Pixels lie in [0, 1]: end the decoder with a sigmoid, which also suits "
                    "binary cross-entropy.")
        else:
            hint = ("One layer each side is not enough for so small a code: add a hidden "
                    "layer (e.g. 256 relu units) on each side of the code.")
        return not_yet(check, "weak", f"{model_mse:.4f} is not yet below PCA-32's "
                       f"{pca_mse:.4f}.", (hint, "Train for the notebook's S.epochs with "
                                           "ae.FAST_RECIPE, and give each side a hidden "
                                           "layer of a few hundred units."))
    return passed(f"{code} numbers do better than PCA's 32 here "
                  f"({model_mse:.4f} against {pca_mse:.4f}).")

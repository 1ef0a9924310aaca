"""Exercise checks of notebook 03 (a deep autoencoder for Fashion-MNIST).

Each check looks at what the learner's answer does (it runs, and where it matters trains
briefly, the learner's model), prints "Correct: ..." or "Not yet: ..." with a hint for that
mistake, and returns True or False. A wrong answer never raises.
"""

import math

import numpy as np

from .._checks import check_positive_int
from ._feedback import not_yet, passed
from ._inspect import activation_name, layers, width
from ._probe import fit_briefly

__all__ = ["check_shuffled_pixels_prediction", "check_deeper_autoencoder",
           "check_fewer_numbers"]

IMAGE_SHAPE = (28, 28)

# The shuffled-pixels experiment: a shallow dense autoencoder trained briefly twice, once on
# the images and once on the same images with their pixels shuffled by one fixed permutation.
# Its test error ratio (shuffled / original) varies from run to run by up to about 3%
# (seeds 0-4, quick mode); within 1 +- SAME_WITHIN counts as "the same"
# (tests/test_exercises_03_04.py pins the spread).
SHUFFLE_TRAIN, SHUFFLE_TEST, SHUFFLE_EPOCHS = 3_000, 1_000, 2
SAME_WITHIN = 0.10
CHOICES = ("better", "the same", "worse")

# A model "learned" when one short epoch lowers its error below this share of the start.
LEARNED_BELOW = 0.5


# --------------------------------------------------------------------------- shared parts


def _check_images(func, name, images, *, at_least):
    """The check's own data argument: a float array of (n, 28, 28) images, n >= at_least."""
    if not isinstance(images, np.ndarray) or images.dtype.kind != "f":
        raise TypeError(f"{func}(): {name} must be a float NumPy array of images, "
                        f"got {type(images).__name__}")
    if images.shape[1:] != IMAGE_SHAPE or len(images) < at_least:
        raise ValueError(f"{func}(): {name} must hold at least {at_least} images of 28 x 28, "
                         f"got shape {images.shape}")
    return images


def _runs_on_images(check, model):
    """Not-yet feedback (False) unless model is a Keras model giving 28x28 images back."""
    if model is None:
        return not_yet(check, "none", "the answer is still None: write your model in the "
                                      "cell above, run it, then run this cell again.")
    import keras

    if not isinstance(model, keras.Model):
        return not_yet(check, "type", f"expected a Keras model (e.g. keras.Sequential([...])), "
                                      f"got {type(model).__name__}.",
                       ["Wrap your layers in keras.Sequential([...]) and assign the result."])
    try:
        output = keras.ops.convert_to_numpy(model(np.zeros((2, *IMAGE_SHAPE), "float32")))
    except Exception as err:  # the learner's model cannot take these images
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return not_yet(check, "input", f"the model cannot take 28 x 28 images: {first[:200]}",
                       ["Start the model with keras.Input(shape=(28, 28))."])
    if output.shape[1:] != IMAGE_SHAPE:
        return not_yet(check, "output shape",
                       f"an autoencoder gives back images of 28 x 28; this one gives "
                       f"{output.shape[1:]}.",
                       ["Look at the last rows of model.summary(): the output must be "
                        "(None, 28, 28).",
                        "End the model with keras.layers.Reshape((28, 28))."])
    return True


def _dense_parts(model):
    """(hidden layers before the code, the code layer, hidden layers after, output layer).

    The code is the narrowest Dense layer; the output layer is the last Dense layer.
    """
    dense = [layer for layer in layers(model) if type(layer).__name__ == "Dense"]
    if len(dense) < 2:
        return None
    code_at = min(range(len(dense)), key=lambda k: width(dense[k]) or math.inf)
    return dense[:code_at], dense[code_at], dense[code_at + 1:-1], dense[-1]


def _learns(check, model, images, *, seed=0):
    """Train a fresh copy of the model for one short epoch; not-yet feedback if it does not learn.

    The copy is trained with binary cross-entropy (Adam, the course's learning rate 3e-3,
    batches of 32) and judged by its reconstruction error (MSE per pixel) on ``images``,
    which an autoencoder that learns lowers to below LEARNED_BELOW times its starting error.
    Returns (ok, errors): the MSE before training and after the epoch.
    """
    import keras

    try:
        fresh = keras.models.clone_model(model)
    except Exception:  # a model Keras cannot clone: train the learner's own
        fresh = model

    def mse():
        out = keras.ops.convert_to_numpy(fresh.predict(images, batch_size=500, verbose=0))
        return float(np.mean((out - images) ** 2))

    try:
        keras.utils.set_random_seed(seed)
        before = mse()
        fit_briefly(fresh, images, images, loss="binary_crossentropy", epochs=1,
                    batch_size=32, learning_rate=3e-3, seed=seed)
        after = mse()
    except Exception as err:
        return not_yet(check, "training", f"training the model failed: {str(err)[:200]}"), None
    if not np.isfinite(after) or not after < LEARNED_BELOW * before:
        return not_yet(check, "no learning",
                       f"in one short epoch of training its reconstruction error (MSE per "
                       f"pixel) went from {before:.4f} to {after:.4f}; a working autoencoder "
                       "lowers it clearly.",
                       ["Check the activations: elu (or relu) in the hidden layers, sigmoid "
                        "at the output (pixels lie in [0, 1]).",
                        "A layer with 0 units, a relu on the last layer or frozen layers "
                        "(trainable=False) can stop learning; compare your summary() with "
                        "the notebook's model."]), None
    return True, [before, after]


# --------------------------------------------------------------------------- exercise 1


def _shuffled_pixels_ratio(x_train, x_test, *, seed=0):
    """Test MSE of a shallow autoencoder on shuffled pixels, divided by its MSE on the images."""
    import keras

    permutation = np.random.default_rng(seed).permutation(784)
    train = x_train[:SHUFFLE_TRAIN].reshape(-1, 784)
    test = x_test[:SHUFFLE_TEST].reshape(-1, 784)
    mse = {}
    for name, order in (("original", np.arange(784)), ("shuffled", permutation)):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(32),
                                  keras.layers.Dense(784, activation="sigmoid")])
        fit_briefly(model, train[:, order], train[:, order], loss="binary_crossentropy",
                    epochs=SHUFFLE_EPOCHS, seed=seed)
        out = keras.ops.convert_to_numpy(model.predict_on_batch(test[:, order]))
        mse[name] = float(np.mean((out - test[:, order]) ** 2))
    return mse["shuffled"] / mse["original"], mse


def check_shuffled_pixels_prediction(prediction, x_train, x_test):
    """Check the prediction of exercise 1 of notebook 03 by running the experiment.

    ``prediction`` is "better", "the same" or "worse": how a dense autoencoder does on
    images whose pixels were all shuffled by one fixed permutation, compared with the
    images as they are. The check trains a shallow dense autoencoder (784 -> 32 -> 784)
    briefly on 3,000 images of ``x_train`` twice, as they are and shuffled, measures both on
    1,000 images of ``x_test``, prints what the run shows and why, and returns True or False.
    Rejects data that are not float arrays of at least 3,000 and 1,000 images of 28 x 28.
    """
    func = check = "check_shuffled_pixels_prediction"
    _check_images(func, "x_train", x_train, at_least=SHUFFLE_TRAIN)
    _check_images(func, "x_test", x_test, at_least=SHUFFLE_TEST)
    if prediction is None:
        return not_yet(check, "none", "write your prediction first: my_prediction = "
                                      '"better", "the same" or "worse".')
    choice = str(prediction).strip().lower()
    choice = "the same" if choice == "same" else choice
    if choice not in CHOICES:
        return not_yet(check, "choice", f'{prediction!r} is not one of "better", "the same" '
                                        'or "worse".')
    ratio, mse = _shuffled_pixels_ratio(x_train, x_test)
    shown = ("the same" if abs(ratio - 1) <= SAME_WITHIN
             else "better" if ratio < 1 else "worse")
    numbers = (f"test MSE per pixel {mse['original']:.4f} on the images, "
               f"{mse['shuffled']:.4f} on the shuffled ones (ratio {ratio:.3f})")
    why = ("A Dense layer gives every pixel its own weights and never uses which pixels are "
           "neighbours, so shuffling the pixels (the same way in every image) only renames "
           "its inputs and outputs: it can learn the same model with its weights reordered. "
           "A convolution relies on which pixels are neighbours, so shuffling would take "
           "away what it uses.")
    if choice == shown:
        return passed(f"{numbers}: {shown}. {why}")
    return not_yet(check, "prediction",
                   f"you predicted {choice!r}; the run shows {shown!r}: {numbers}. {why}",
                   ["Picture the first Dense layer's weights: one column of weights per "
                    "pixel. Shuffling the pixels only changes which column meets which "
                    "pixel; could training find the same weights in the new order?"])


# --------------------------------------------------------------------------- exercise 2


def check_deeper_autoencoder(model, images):
    """Check exercise 2 of notebook 03: three hidden Dense layers each side, a linear code of 16.

    Looks at the learner's model (28 x 28 images in and out, Dense layers counted on each
    side of the narrowest one, the code's and the output's activations) and trains a fresh
    copy for one short epoch on 2,000 of ``images`` to see its loss fall. Prints what is
    right or what to fix and returns True or False. Rejects ``images`` that are not a float
    array of at least 2,000 images of 28 x 28.
    """
    func = check = "check_deeper_autoencoder"
    _check_images(func, "images", images, at_least=2_000)
    if not _runs_on_images(check, model):
        return False
    parts = _dense_parts(model)
    if parts is None:
        return not_yet(check, "no dense", "the model needs Dense layers: hidden layers, a "
                                          "code layer and an output layer.")
    before, code, after, output = parts
    if width(code) != 16:
        return not_yet(check, "code size",
                       f"the narrowest Dense layer ({code.name!r}) has {width(code)} units; "
                       "the code should have 16.",
                       ["The code is the narrowest layer: give it 16 units."])
    if len(before) != 3 or len(after) != 3:
        return not_yet(check, "hidden layers",
                       f"found {len(before)} hidden Dense layer(s) before the code and "
                       f"{len(after)} between the code and the output layer; the exercise "
                       "asks for three on each side.",
                       ["Count the Dense layers in summary(): three, the code, three, then "
                        "the output layer.",
                        "The decoder mirrors the encoder: if the encoder narrows 512, 256, "
                        "128, the decoder widens in the opposite order."])
    if activation_name(code) != "linear":
        return not_yet(check, "code activation",
                       f"the code layer uses {activation_name(code)!r}; the exercise asks "
                       "for a linear code.",
                       ["A linear layer is a Dense layer without an activation argument.",
                        "With relu, code units can get stuck at 0 for every image; leave the "
                        "code layer's activation out."])
    linear_hidden = [layer.name for layer in before + after
                     if activation_name(layer) == "linear"]
    if linear_hidden:
        return not_yet(check, "linear hidden",
                       f"the hidden layers {linear_hidden} have no activation: linear layers "
                       "in a row make one linear map, so depth adds nothing.",
                       ['Give every hidden layer an activation, e.g. activation="elu" as in the '
                        "notebook's deep model."])
    if activation_name(output) != "sigmoid":
        return not_yet(check, "output activation",
                       f"the output layer uses {activation_name(output)!r}; pixels lie in "
                       "[0, 1] and the loss is binary cross-entropy, which needs outputs in "
                       "(0, 1).",
                       ['The last Dense layer needs activation="sigmoid".'])
    ok, losses = _learns(check, model, images[:2_000])
    if not ok:
        return False
    sizes = " -> ".join(str(width(layer)) for layer in before + [code] + after + [output])
    return passed(f"784 -> {sizes}, a linear code, a sigmoid output; a fresh copy's error "
                  f"fell from {losses[0]:.4f} to {losses[-1]:.4f} in one short epoch; "
                  f"{model.count_params():,} weights.")


# --------------------------------------------------------------------------- exercise 3

PCA_FIT_IMAGES = 12_000  # the baseline PCA is fitted on at most this many training images
CHUNK = 2_000  # test images per call in check_fewer_numbers (keeps its memory small)


def _pca_mse(x_train, x_test, n_components):
    """Test MSE per pixel of PCA with n_components fitted on the training images (clipped)."""
    from sklearn.decomposition import PCA

    train = x_train[:PCA_FIT_IMAGES].reshape(min(len(x_train), PCA_FIT_IMAGES), -1)
    pca = PCA(n_components=n_components, random_state=0).fit(train)
    squared = 0.0
    for first in range(0, len(x_test), CHUNK):  # in chunks, as the learner's functions
        flat = x_test[first:first + CHUNK].reshape(-1, x_test[0].size)
        rebuilt = np.clip(pca.inverse_transform(pca.transform(flat)), 0, 1)
        squared += float(np.sum((rebuilt - flat) ** 2))
    return squared / x_test.size


def _call(check, name, function, argument):
    """function(argument) as a NumPy array, or not-yet feedback (False) if it fails."""
    try:
        import keras

        result = function(argument)
        return np.asarray(keras.ops.convert_to_numpy(result), dtype="float64")
    except Exception as err:
        return not_yet(check, f"{name} fails",
                       f"{name}(...) raised {type(err).__name__}: {str(err)[:200]}",
                       [f"Call {name} on a few test images yourself and read the error."])


def check_fewer_numbers(encode, decode, x_train, x_test, *, n_numbers=16):
    """Check exercise 3 of notebook 03: store each image in n_numbers, beat PCA with as many.

    ``encode(images)`` must turn a batch of 28 x 28 images into at most ``n_numbers``
    numbers each, ``decode(numbers)`` turn those back into images. The check runs both on
    ``x_test`` and compares the test MSE per pixel with PCA's with ``n_numbers`` components
    (fitted on up to 12,000 of ``x_train``, output clipped to [0, 1]). Prints what is
    right or what to fix and returns True or False. Rejects data that are not float arrays
    of 28 x 28 images, or an n_numbers that is not a positive integer.
    """
    func = check = "check_fewer_numbers"
    _check_images(func, "x_train", x_train, at_least=100)
    _check_images(func, "x_test", x_test, at_least=1)
    n_numbers = check_positive_int(func, "n_numbers", n_numbers)
    if encode is None or decode is None:
        return not_yet(check, "none", "my_encode or my_decode is still None: write both "
                                      "functions in the cell above and run it.")
    if not callable(encode) or not callable(decode):
        return not_yet(check, "type", "my_encode and my_decode should be functions (or Keras "
                                      "models) of a batch.")
    squared, kept = 0.0, 0
    for first in range(0, len(x_test), CHUNK):  # in chunks: a few MB at a time, not 100s
        images = x_test[first:first + CHUNK]
        numbers = _call(check, "my_encode", encode, images)
        if numbers is False:
            return False
        if numbers.ndim != 2 or len(numbers) != len(images):
            return not_yet(check, "numbers shape",
                           f"my_encode gave an array of shape {numbers.shape} for "
                           f"{len(images)} images; expected ({len(images)}, k), k numbers per "
                           "image.",
                           ["Flatten the codes to one row per image."])
        if numbers.shape[1] > n_numbers:
            return not_yet(check, "too many numbers",
                           f"my_encode keeps {numbers.shape[1]} numbers per image; the limit "
                           f"is {n_numbers}.",
                           ["The deep encoder gives 32 numbers: how could you keep the "
                            "16 that matter most?",
                            "PCA works on any table of numbers, codes included: fit it on the "
                            "training images' codes."])
        rebuilt = _call(check, "my_decode", decode, numbers.astype("float32"))
        if rebuilt is False:
            return False
        if rebuilt.shape != images.shape:
            return not_yet(check, "output shape",
                           f"my_decode gave {rebuilt.shape}; expected the images' shape "
                           f"{images.shape}.", ["Reshape the result to (n, 28, 28)."])
        squared += float(np.sum((rebuilt - images) ** 2))
        kept = numbers.shape[1]
    mse = squared / x_test.size
    goal = _pca_mse(x_train, x_test, n_numbers)
    if not mse < goal:
        return not_yet(check, "not better",
                       f"test MSE per pixel {mse:.4f} with {kept} numbers per "
                       f"image; PCA with {n_numbers} components gets {goal:.4f}.",
                       ["The trained deep autoencoder beats PCA with 32 numbers: can you "
                        "start from its codes?",
                        "Make the codes shorter where they vary least, and let the trained "
                        "decoder draw the image."])
    return passed(f"{kept} numbers per image, test MSE per pixel {mse:.4f}, "
                  f"{mse / goal:.0%} of the error of PCA with {n_numbers} components "
                  f"({goal:.4f}).")

"""Checks for the exercises of notebook 05 (a denoising autoencoder).

Each check looks at what the learner's answer does, prints "Correct: ..." or "Not yet: ..."
with a hint for the mistake it found (stronger when the same mistake comes back), and
returns True or False. A wrong answer never raises; only a wrong option of the check does.
"""

import math

import numpy as np

from .._checks import check_input_shape, check_positive_int
from ._feedback import not_a_function, not_yet, passed

__all__ = ["check_noise_prediction", "check_masking_function", "check_small_denoiser"]

# The test noise of exercise 1 and 3: Gaussian, standard deviation 0.3 (seed 1, as in 05).
GAUSSIAN_LEVEL = 0.3
GAUSSIAN_SEED = 1


def _images(func, images):
    """Return images as a float32 array of shape (n, 28, 28)-like with values in [0, 1]."""
    try:
        array = np.asarray(images, dtype=np.float32)
    except (TypeError, ValueError):
        raise TypeError(f"{func}(): images must be an array of pixel values in [0, 1]") from None
    if array.ndim < 2 or len(array) < 10:
        raise ValueError(f"{func}(): images must hold at least 10 images, got shape {array.shape}")
    if not (np.isfinite(array).all() and array.min() >= 0 and array.max() <= 1):
        raise ValueError(f"{func}(): images must hold pixel values in [0, 1]")
    return array


def _noisy(images):
    from .. import add_noise

    return add_noise(images, kind="gaussian", level=GAUSSIAN_LEVEL, seed=GAUSSIAN_SEED)


def _mse(a, b):
    return float(np.mean((np.asarray(a, np.float64) - b) ** 2))


def check_noise_prediction(prediction, images):
    """Check a prediction of the MSE between Gaussian-noisy (level 0.3) images and clean ones.

    Used by exercise 1 of notebook 05. It adds the noise to ``images`` (the test images),
    measures the mean squared error to the clean images, and says whether ``prediction`` is
    within 25% of it, explaining where 0.09 (the noise's variance) and clipping come in.
    Rejects ``images`` that are not at least 10 images with values in [0, 1].
    """
    func = "check_noise_prediction"
    images = _images(func, images)
    if prediction is None:
        return not_yet(func, "none", "the prediction is still None: write a number such as "
                       "my_prediction = 0.1, then run this cell.",
                       ["The noise's standard deviation is 0.3; the MSE is an average of "
                        "squared differences."])
    if isinstance(prediction, bool) or not isinstance(prediction, (int, float, np.number)):
        return not_yet(func, "type", f"expected a number, got {type(prediction).__name__}.",
                       ["Write the number itself, e.g. my_prediction = 0.1."])
    measured = _mse(_noisy(images), images)
    variance = GAUSSIAN_LEVEL ** 2
    what = f"The run measures {measured:.4f} (you predicted {float(prediction):.4g})."
    if abs(prediction - measured) <= 0.25 * measured:
        return passed(f"{what} The noise's variance is {variance:.2f}, but clipping to [0, 1] "
                      "removes about half of it wherever a pixel is 0 (the background) or 1: "
                      "on a 0 pixel a negative draw is clipped back to 0, no error at all.")
    if abs(prediction - GAUSSIAN_LEVEL) < 1e-9:
        return not_yet(func, "std", f"{what} 0.3 is the noise's standard deviation; the MSE "
                       "averages squared differences.",
                       ["Square the typical size of one pixel's error.",
                        "Without clipping the MSE would be 0.3**2 = 0.09; now think about "
                        "what clipping to [0, 1] does to a pixel that is 0."])
    if abs(prediction - variance) <= 0.1 * variance:
        return not_yet(func, "no-clipping", f"{what} {variance:.2f} is right for noise that is "
                       "never clipped; add_noise clips the noisy pixels to [0, 1].",
                       ["About half of Fashion-MNIST's pixels are 0 (background): what happens "
                        "to the half of their noise draws that are negative?",
                        "On a 0 pixel, a negative draw is clipped back to 0 (no error) and a "
                        "positive one keeps its full error: that pixel's MSE is half of 0.09."])
    direction = "high" if prediction > measured else "low"
    return not_yet(func, direction, f"{what} Your number is too {direction}.",
                   ["Start from the noise's variance, 0.3**2, and ask what clipping to "
                    "[0, 1] removes.",
                    "A pixel at 0 or 1 loses the error of half of its draws (those clipped "
                    "back); a pixel near 0 or 1 loses less, and one at 0.5 still keeps about "
                    "84%. About half of the pixels are exactly 0."])


def check_masking_function(mask, *, image_shape=(28, 28)):
    """Check a learner's ``mask(images, fraction)``: a copy with that fraction of pixels set to 0.

    Used by exercise 2 of notebook 05. It tries fractions 0, 0.3 and 1 on a batch of grey
    images and checks the shape, that the input was left unchanged, that kept pixels keep
    their value, that each image gets its own pixels hidden, that about ``fraction`` of the
    pixels became 0, and that two calls hide different pixels (fresh noise for every
    batch). Prints a verdict and returns True or False. Rejects an ``image_shape`` that is
    not a shape.
    """
    func = "check_masking_function"
    image_shape = check_input_shape(func, image_shape, ndims=(1, 2, 3),
                                    expected="a tuple such as (28, 28)", name="image_shape")
    wrong = not_a_function(func, mask, "mask(images, fraction)",
                           ["Start the cell with def mask(images, fraction):"])
    if wrong is not None:
        return wrong
    images = np.random.default_rng(0).uniform(0.2, 1.0, (200, *image_shape)).astype("float32")
    original = images.copy()
    results = {}
    for fraction in (0.0, 0.3, 1.0, 0.3):
        try:
            masked = mask(images, fraction)
        except Exception as err:  # the learner's code failed: that is feedback, not an error
            return not_yet(func, "raised", f"mask(images, {fraction}) raised "
                           f"{type(err).__name__}: {str(err)[:200]}",
                           ["Call your function yourself on x_test[:5] and 0.5 and read the "
                            "error."])
        if masked is None:
            return not_yet(func, "returns-none", "the function returns None: end it with "
                           "`return` and the masked copy.")
        masked = np.asarray(masked)
        if not np.array_equal(images, original):
            return not_yet(func, "in-place", "the function changed the images it was given: "
                           "work on a copy (the clean images are the targets).",
                           ["Assigning into images[...] changes the caller's array.",
                            "Build a new array instead, e.g. by multiplying the images with "
                            "an array of 0s and 1s."])
        if masked.shape != images.shape:
            return not_yet(func, "shape", f"expected the images' shape {images.shape}, got "
                           f"{masked.shape}.", ["Draw one random number per pixel: "
                                                "images.shape gives the shape."])
        kept = masked != 0
        if not np.allclose(masked[kept], images[kept]):
            return not_yet(func, "changed-values", "pixels that are not masked must keep "
                           "their value (masking sets some pixels to 0 and leaves the rest).",
                           ["Unlike dropout, masking does not rescale the pixels it keeps, "
                            "and it adds nothing to them."])
        # A mask shared by all images, named before the fraction is counted: one 28 x 28
        # image's 784 draws miss 30% by more than 3 points about 7% of the time.
        some_hidden = 0 < kept[0].sum() < kept[0].size
        if 0 < fraction < 1 and some_hidden and np.array_equal(kept[0], kept[1]):
            return not_yet(func, "same-per-image", "every image has the same pixels "
                           "hidden: each image needs its own random pixels.",
                           ["Draw random numbers for the whole batch (images.shape), not "
                            "for one image (images.shape[1:])."])
        zeros = 1.0 - kept.mean()
        if abs(zeros - fraction) > 0.03:
            inverted = abs(zeros - (1 - fraction)) <= 0.03
            return not_yet(func, "inverted" if inverted else "fraction",
                           f"with fraction={fraction}, {zeros:.0%} of the pixels were set to 0 "
                           f"instead of about {fraction:.0%}.",
                           ["Which pixels does your comparison keep: those whose random number "
                            "is below fraction, or above?" if inverted else
                            "A uniform random number in [0, 1) is below fraction with "
                            "probability fraction."])
        if fraction == 0.3:
            hidden = masked == 0
            if fraction in results and np.array_equal(results[fraction], hidden):
                return not_yet(func, "same-per-call", "two calls hid exactly the same pixels: "
                               "training needs fresh noise for every batch.",
                               ["A generator made with a fixed seed inside the function "
                                "starts over on every call."])
            results[fraction] = hidden
    return passed("the fraction of pixels asked for is set to 0, the rest is kept, every "
                  "image and every call gets its own pixels, and the clean images are untouched.")


def _best_filter_mse(noisy, clean):
    """The lowest MSE of a Gaussian blur or median filter, each at its best setting."""
    from scipy import ndimage

    scores = {f"Gaussian blur (sigma {s})": _mse(ndimage.gaussian_filter(noisy, (0, s, s)), clean)
              for s in (0.5, 0.75, 1.0, 1.5)}
    scores.update({f"median filter ({k} x {k})": _mse(ndimage.median_filter(noisy, (1, k, k)),
                                                      clean) for k in (3, 5)})
    name = min(scores, key=scores.get)
    return name, scores[name]


# Margin of exercise 3's solution (18,817 weights, 3 epochs on Gaussian 0.3, as in the
# notebook), measured in quick mode (6,000 training and 1,000 test images) with
# ae.set_seed(0..4): MSE 0.0131, 0.0132, 0.0131, 0.0126, 0.0133 against the best filter's
# 0.0240 (median 3 x 3), ratios 0.548, 0.551, 0.547, 0.523, 0.556 for a goal of 0.7. In full
# mode (30,000 training and 5,000 test images; the whole notebook with its solutions, seeds
# 0-4, make test-seeds, the notebook's denoiser trained for 4 epochs): MSE 0.0094, 0.0096,
# 0.0096, 0.0094, 0.0096 against the best filter's 0.0241, ratios 0.39 to 0.40.
def check_small_denoiser(model, images, *, max_weights=25_000, target=0.7):
    """Check a small denoiser: at most max_weights weights, MSE below target x the best filter.

    Used by exercise 3 of notebook 05. It adds Gaussian noise (level 0.3, a fixed seed) to
    ``images`` (the test images), denoises them with ``model`` and compares the mean squared
    error to the clean images with the best Gaussian blur or median filter (each at its best
    setting on these images). The goal is ``target`` times the filter's error or less.
    Rejects ``images`` that are not at least 10 images in [0, 1], a non-integer
    ``max_weights`` and a ``target`` that is not a number in (0, 1].
    """
    func = "check_small_denoiser"
    images = _images(func, images)
    max_weights = check_positive_int(func, "max_weights", max_weights)
    if isinstance(target, bool) or not isinstance(target, (int, float)):
        raise TypeError(f"{func}(): target must be a number in (0, 1], got {target!r}")
    if not 0 < target <= 1:
        raise ValueError(f"{func}(): target must be a number in (0, 1], got {target!r}")
    if model is None:
        return not_yet(func, "none", "the answer is still None: build and train a Keras model "
                       "in the cell above, then run this cell.")
    import keras

    if not isinstance(model, keras.Model):
        return not_yet(func, "type", f"expected a Keras model, got {type(model).__name__}.")
    n_weights = model.count_params()
    if n_weights > max_weights:
        return not_yet(func, "too-big", f"the model has {n_weights:,} weights; the budget is "
                       f"{max_weights:,}.",
                       ["Fewer filters per layer: weights grow with the product of a layer's "
                        "input and output channels.",
                        "Two stride-2 Conv2D layers with 16 and 32 filters and their "
                        "Conv2DTranspose mirror stay far below the budget."])
    noisy = _noisy(images)
    try:
        from .. import predict_in_batches

        denoised = np.asarray(predict_in_batches(model, noisy), dtype=np.float32)
    except Exception as err:  # the learner's model cannot take these images
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        return not_yet(func, "cannot-run", f"the model cannot denoise images of shape "
                       f"{noisy.shape[1:]}: {first[:200]}",
                       ["Start the model with keras.Input(shape=(28, 28)) and end it with the "
                        "same shape (a Reshape, if you add a channel axis)."])
    if denoised.shape != noisy.shape:
        return not_yet(func, "shape", f"the model returns shape {denoised.shape[1:]} for images "
                       f"of shape {noisy.shape[1:]}.",
                       ["A Reshape((28, 28)) at the end gives the images back their shape."])
    if not np.all(np.isfinite(denoised)):
        return not_yet(func, "nan", "the model outputs NaN or inf.",
                       ["A sigmoid output keeps the pixels in [0, 1]."])
    error = _mse(denoised, images)
    noisy_error = _mse(noisy, images)
    name, filter_error = _best_filter_mse(noisy, images)
    numbers = (f"MSE {error:.4f} with {n_weights:,} weights; noisy input {noisy_error:.4f}, "
               f"best filter ({name}) {filter_error:.4f}, goal {target * filter_error:.4f}")
    if error <= target * filter_error:
        return passed(f"{numbers}: {math.floor(100 * (1 - error / filter_error))}% below the "
                      "best filter, with a network a fraction of the size of the denoiser above.")
    if error >= noisy_error:
        return not_yet(func, "not-denoising", f"{numbers}: the output is no closer to the clean "
                       "images than the noisy input.",
                       ["Did it train on (noisy input, clean target) pairs? "
                        "ae.batches(x_train, transform=...) makes them.",
                        "Check the last layer: a sigmoid output suits pixels in [0, 1], and "
                        "the loss should fall during fit."])
    return not_yet(func, "not-enough", f"{numbers}: better than the noisy input, not yet "
                   "below the goal.",
                   ["Train on the kind of noise the goal measures (Gaussian, level 0.3), for "
                    "a few more epochs.",
                    "Spend the budget on convolutions: stride-2 Conv2D layers down, "
                    "Conv2DTranspose layers up, a 3x3 Conv2D with a sigmoid at the end."])

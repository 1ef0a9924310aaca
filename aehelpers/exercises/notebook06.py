"""Checks for the exercises of notebook 06 (a variational autoencoder).

Each check looks at what the learner's answer does, prints "Correct: ..." or "Not yet: ..."
with a hint for the mistake it found (stronger when the same mistake comes back), and
returns True or False. A wrong answer never raises; only a wrong option of the check does.
"""

import numpy as np

from ._feedback import not_a_function, not_yet, passed

__all__ = ["check_collapse_prediction", "check_kl_term", "check_better_vae"]

CHOICES = {
    "a": "about as bad as the untrained decoder (all pixels 0.5)",
    "b": "between the untrained decoder and the trained VAE",
    "c": "better than the trained VAE",
}


def _images(func, name, images):
    try:
        array = np.asarray(images, dtype=np.float32)
    except (TypeError, ValueError):
        raise TypeError(f"{func}(): {name} must be an array of pixel values in [0, 1]") from None
    if array.ndim < 2 or len(array) < 10:
        raise ValueError(f"{func}(): {name} must hold at least 10 images, got shape "
                         f"{array.shape}")
    if not (np.isfinite(array).all() and array.min() >= 0 and array.max() <= 1):
        raise ValueError(f"{func}(): {name} must hold pixel values in [0, 1]")
    return array


def _bce_per_image(images, probabilities):
    """Binary cross-entropy summed over each image's pixels (nats), averaged over images."""
    p = np.clip(np.asarray(probabilities, np.float64), 1e-7, 1 - 1e-7)
    x = np.asarray(images, np.float64)
    per_pixel = -(x * np.log(p) + (1 - x) * np.log(1 - p))
    return float(np.mean(per_pixel.reshape(len(x), -1).sum(axis=1)))


def _vae_terms(vae, images):
    """The VAE's test reconstruction term and KL term (nats per image), from its evaluate."""
    from .. import batches

    result = vae.evaluate(batches(images, shuffle=False, batch_size=500), verbose=0,
                          return_dict=True)
    return float(result["reconstruction_loss"]), float(result["kl_loss"])


def check_collapse_prediction(prediction, *, vae, images, train_images):
    """Check a prediction of the reconstruction term of a decoder that ignores the code.

    Used by exercise 1 of notebook 06. A collapsed VAE's decoder gives every image the same
    output; the best such output is the mean training image. The check measures that
    decoder's reconstruction term on ``images`` and compares it with the untrained
    decoder's (every pixel 0.5) and the trained ``vae``'s; ``prediction`` is "a", "b" or
    "c" (see ``CHOICES``). Rejects image arrays that are not at least 10 images in [0, 1].
    """
    func = "check_collapse_prediction"
    images = _images(func, "images", images)
    train_images = _images(func, "train_images", train_images)
    choices = "; ".join(f'"{key}": {text}' for key, text in CHOICES.items())
    if prediction is None:
        return not_yet(func, "none", f"the prediction is still None: pick one of {choices}.")
    key = str(prediction).strip().lower().strip("()")
    if key not in CHOICES:
        return not_yet(func, "unknown", f"{prediction!r} is not one of the choices: {choices}.")
    mean_image = train_images.mean(axis=0)
    collapsed = _bce_per_image(images, np.broadcast_to(mean_image, images.shape))
    untrained = _bce_per_image(images, np.full(images.shape, 0.5))
    trained, kl = _vae_terms(vae, images)
    truth = "b" if trained < collapsed < untrained else ("a" if collapsed >= untrained else "c")
    numbers = (f"reconstruction term per test image: all pixels 0.5 {untrained:.1f} nats, the "
               f"mean training image {collapsed:.1f}, the trained VAE {trained:.1f} (plus a KL "
               f"term of {kl:.1f})")
    if key == truth:
        return passed(f"{numbers}. The mean image already knows where ink usually is, so it "
                      f"beats 0.5 everywhere; the code is what buys the rest. The VAE pays "
                      f"{kl:.1f} nats of KL to save {collapsed - trained:.1f} nats of "
                      "reconstruction, which is why it does not collapse here.")
    hints = {
        "a": ["Is 0.5 the best single guess for a pixel that is almost always 0 at the "
              "image's border?",
              "Compare, for a border pixel, the cross-entropy of guessing 0.5 and of guessing "
              "the pixel's average over the training digits."],
        "c": ["The decoder that ignores the code gives the same image to a 1 and to an 8: can "
              "that rebuild each digit better than a decoder that knows which digit it is?",
              "Seeing the code can only help the decoder, once it is trained."],
    }
    return not_yet(func, f"picked-{key}", f"{numbers}: that is choice {truth!r}, "
                   f"{CHOICES[truth]}.", hints.get(key, ()))


def _reference_kl(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean ** 2 - np.exp(z_log_var), axis=1)


def check_kl_term(kl_term):
    """Check a learner's ``kl_term(z_mean, z_log_var)``: KL(q(z|x) || p(z)), one per image.

    Used by exercise 2 of notebook 06. It calls the function on NumPy arrays of shape
    (images, code numbers) and compares with KL(N(z_mean, exp(z_log_var)) || N(0, I)),
    summed over the code numbers. It recognises the common slips: the wrong sign, a
    missing 0.5, summing over the wrong axis, a mean instead of a sum, a missing 1,
    the standard deviation in place of the variance. Prints a verdict, returns True or False.
    """
    func = "check_kl_term"
    if (wrong := not_a_function(func, kl_term, "kl_term(z_mean, z_log_var)")) is not None:
        return wrong
    rng = np.random.default_rng(0)
    n, d = 6, 3  # different sizes, so that a sum over the wrong axis shows
    z_mean = rng.normal(0, 1.5, (n, d))
    z_log_var = rng.normal(-1, 1, (n, d))
    try:
        result = kl_term(z_mean.copy(), z_log_var.copy())
        result = np.asarray(result, dtype=np.float64)
    except Exception as err:  # the learner's code failed: feedback, not an error
        return not_yet(func, "raised", f"kl_term raised {type(err).__name__}: {str(err)[:200]}",
                       ["Use NumPy: np.exp, np.sum(..., axis=...), and ** 2 for squares."])
    want = _reference_kl(z_mean, z_log_var)
    if result.shape != (n,):
        if result.shape == (d,):
            text, key = "it returns one number per code number, not one per image", "axis"
        elif result.shape == ():
            text, key = "it returns a single number for the whole batch", "scalar"
        else:
            text, key = f"it returns shape {result.shape}", "shape"
        return not_yet(func, key, f"for {n} images with {d} code numbers each, kl_term should "
                       f"return {n} numbers (shape ({n},)); {text}.",
                       ["The KL of one image adds up its code numbers: which axis holds them?",
                        "z_mean has shape (images, code numbers): sum over axis=1."])
    if np.allclose(result, want, rtol=1e-4, atol=1e-6):
        return passed(f"KL(q(z|x) || p(z)) for {n} images: {np.round(result, 3)} nats, never "
                      "negative, 0 only when z_mean = 0 and z_log_var = 0.")
    slips = [
        ("sign", -want, "it is the KL with the wrong sign: a KL divergence is never negative.",
         ["Put the -0.5 in front of the sum, or flip every term inside it.",
          "-0.5 * sum(1 + log var - mean**2 - var): at mean 2, var 1 this is +2."]),
        ("half", 2 * want, "it is twice the KL: the factor 0.5 is missing.",
         ["The KL of two Gaussians has a 1/2 in front."]),
        ("mean-over-code", want / d, "it is the KL divided by the number of code numbers: a "
         "mean over the code numbers instead of a sum.",
         ["The code numbers are independent: their KLs add up."]),
        ("missing-one", want + 0.5 * d, "it is off by the same amount for every image: the "
         "1 inside the sum is missing.",
         ["At z_mean = 0 and z_log_var = 0 (the cloud is the prior) the KL must be 0."]),
        ("std-for-var", -0.5 * np.sum(1 + z_log_var - z_mean ** 2 - np.exp(z_log_var / 2),
                                      axis=1),
         "it uses the standard deviation exp(z_log_var / 2) where the variance belongs.",
         ["z_log_var is the log of the variance: the variance is exp(z_log_var)."]),
        ("log-var-as-var", -0.5 * np.sum(1 + z_log_var - z_mean ** 2 - z_log_var, axis=1),
         "it uses z_log_var where the variance exp(z_log_var) belongs.",
         ["z_log_var is the log of the variance: the variance is exp(z_log_var)."]),
    ]
    for key, value, text, hints in slips:
        if np.allclose(result, value, rtol=1e-4, atol=1e-6):
            return not_yet(func, key, f"for test codes it gives {np.round(result, 3)}; {text}",
                           hints)
    zero = np.zeros((n, d))
    try:
        at_prior = np.asarray(kl_term(zero, zero), dtype=np.float64)
    except Exception:  # already reported above if it always raises
        at_prior = np.full(n, np.nan)
    if not np.allclose(at_prior, 0, atol=1e-6):
        return not_yet(func, "not-zero-at-prior", f"at z_mean = 0, z_log_var = 0 it gives "
                       f"{np.round(at_prior, 3)}; the KL of the prior to itself is 0.",
                       ["Write the formula term by term: 1 + z_log_var - z_mean**2 - "
                        "exp(z_log_var), summed over the code numbers, times -0.5."])
    return not_yet(func, "other", f"for test codes it gives {np.round(result, 3)}; the KL is "
                   f"{np.round(want, 3)}.",
                   ["Check each term: 1, z_log_var, z_mean squared, exp(z_log_var).",
                    "-0.5 * sum over the code numbers of (1 + z_log_var - z_mean**2 - "
                    "exp(z_log_var))."])


# Margins of exercise 3: the notebook's VAE (latent_dim=2, built as ae.build_vae builds it)
# against the solution's (latent_dim=8), both trained as the notebook trains them, seeds 0-4
# (tests/test_exercises_05_06.py, make test-seeds), both with ae.DENSE_RECIPE. Quick mode
# (6,000 training and 1,000 test digits, 24 epochs): gains of 32.2 to 34.0 nats; full mode
# (10,000 and 10,000, 30 epochs): 32.3 to 35.2 nats; the goal is 10.
# Exercise 1, seeds 0 and 1 in quick mode: the mean training image's term (204.8) lies 55.9
# and 56.5 nats above the trained VAE's reconstruction term (148.9, 148.2) and 338.6 below
# that of all pixels 0.5 (543.4): choice "b" by a wide margin.
def check_better_vae(my_vae, *, baseline, images, margin=10.0):
    """Check that my_vae's test loss (reconstruction + KL, in nats) beats baseline's by margin.

    Used by exercise 3 of notebook 06. Both models are evaluated on ``images``; the loss is
    the reconstruction term plus the KL term at weight 1 (the negative ELBO), whatever
    ``beta`` the model was trained with, so a smaller KL weight does not count as a win.
    Rejects ``images`` that are not at least 10 images in [0, 1] and a ``margin`` that is
    not a number >= 0.
    """
    func = "check_better_vae"
    images = _images(func, "images", images)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)):
        raise TypeError(f"{func}(): margin must be a number >= 0, got {margin!r}")
    if not margin >= 0:
        raise ValueError(f"{func}(): margin must be a number >= 0, got {margin!r}")
    if my_vae is None:
        return not_yet(func, "none", "the answer is still None: build and train a VAE in the "
                       "cell above, then run this cell.")
    if not hasattr(my_vae, "evaluate") or not hasattr(my_vae, "encoder"):
        return not_yet(func, "not-a-vae", f"expected a trained VAE (a model with an encoder and "
                       f"a KL term), got {type(my_vae).__name__}.",
                       ["ae.build_vae(...) returns parts: the trainable model is its .vae."])
    try:
        rec, kl = _vae_terms(my_vae, images)
    except Exception as err:  # not the course's VAE, or not compiled
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        return not_yet(func, "cannot-evaluate", f"could not evaluate the model: {first[:200]}",
                       ["Compile and train it as the notebook does: vae.compile(optimizer=...), "
                        "then vae.fit(...)."])
    base_rec, base_kl = _vae_terms(baseline, images)
    mine, base = rec + kl, base_rec + base_kl
    numbers = (f"test loss (reconstruction + KL) {mine:.1f} nats = {rec:.1f} + {kl:.1f}; the "
               f"notebook's VAE {base:.1f} = {base_rec:.1f} + {base_kl:.1f}")
    if mine <= base - margin:
        return passed(f"{numbers}: {base - mine:.1f} nats better.")
    if not np.isfinite(mine):
        return not_yet(func, "nan", f"{numbers}: the loss is not finite.",
                       ["A smaller learning rate, or the course's ae.make_optimizer."])
    return not_yet(func, "not-better", f"{numbers}: the goal is at least {margin:g} nats below "
                   "the notebook's VAE.",
                   ["Two numbers per code are very few: what limits the reconstructions?",
                    "More code numbers (e.g. latent_dim=8), trained as long as the notebook's "
                    "VAE."])

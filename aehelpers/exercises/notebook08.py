"""Checks for the exercises of notebook 08 (unsupervised pretraining, few labels).

Each check looks at what the learner's answer does on the notebook's own models and data,
prints "Correct: ..." or "Not yet: ..." with a hint for the mistake it found (stronger when
the same mistake comes back), and returns True or False. A wrong answer never raises; only
a wrong option of the check itself does (TypeError or ValueError naming it).
"""

import math
import numbers

import numpy as np

from ._feedback import not_yet, passed
from ._inspect import layers

__all__ = ["check_frozen_weights", "check_linear_probe", "check_few_labels"]


def _keras_model(func, name, model):
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"{func}(): {name} must be a Keras model, got {type(model).__name__}")
    return model


def _labeled_images(func, images, labels, *, what):
    x = np.asarray(images, dtype=np.float32)
    y = np.asarray(labels)
    if x.ndim < 2 or y.ndim != 1 or len(x) != len(y) or len(x) < 10:
        raise ValueError(f"{func}(): {what} must be at least 10 images with one label each, "
                         f"got shapes {x.shape} and {y.shape}")
    return x, y


def _count(weights):
    return int(sum(math.prod(w.shape) for w in weights))


# ---- exercise 1: how many numbers does the frozen classifier learn? ----------------------------

def check_frozen_weights(prediction, *, classifier):
    """Check a prediction of how many weights the frozen classifier trains.

    Used by exercise 1 of notebook 08 (``classifier`` is ``classifiers["frozen"]``). The
    check counts the model's trainable weights layer by layer (what gradient descent
    changes) and recognises the usual miscounts: every weight, the Dense layer alone, and
    BatchNormalization's moving averages counted as learned. Rejects a classifier that is
    not a Keras model.
    """
    func = "check_frozen_weights"
    classifier = _keras_model(func, "classifier", classifier)
    if prediction is None:
        return not_yet(func, "none", "the prediction is still None: write one whole number.")
    if isinstance(prediction, bool) or not isinstance(prediction, numbers.Integral):
        return not_yet(func, "type", f"{prediction!r} is not a whole number of weights.")
    trainable = _count(classifier.trainable_weights)
    rows = []
    dense_only = batchnorm_all = 0
    for layer in layers(classifier):
        learned, kept = _count(layer.trainable_weights), _count(layer.non_trainable_weights)
        if learned or kept:
            rows.append(f"{layer.name} ({type(layer).__name__}): {learned:,} learned, "
                        f"{kept:,} not")
        if type(layer).__name__ == "Dense":
            dense_only += learned
        if type(layer).__name__ == "BatchNormalization":
            batchnorm_all += learned + kept
    table = "; ".join(rows)
    if int(prediction) == trainable:
        return passed(f"{trainable:,} weights learn ({table}). The convolutional layers keep "
                      "their pretrained values; the BatchNormalization layer learns a scale and "
                      "a shift per feature, and its moving mean and variance are running "
                      "averages, updated in training but not by gradients. That is still many "
                      "numbers for a few hundred or a few thousand labels: the frozen "
                      "classifier can overfit too.")
    mistakes = [
        (classifier.count_params(), "all",
         "that is every weight of the model, the frozen convolutional ones included.",
         ["`trainable = False` on the features: do their weights still learn?",
          "Count only what comes after the frozen features."]),
        (dense_only, "dense-only",
         "that is the Dense layer alone.",
         ["Between Flatten and Dense there is one more layer: does it have weights that "
          "learn?",
          "BatchNormalization learns two numbers per feature (a scale and a shift)."]),
        (dense_only + batchnorm_all, "moving-averages",
         "that counts BatchNormalization's moving mean and variance as learned.",
         ["BatchNormalization holds four numbers per feature: which of them does gradient "
          "descent change?",
          "The moving mean and variance are running averages (non-trainable); the scale and "
          "shift are trainable."]),
    ]
    for value, mistake, text, hints in mistakes:
        if int(prediction) == value:
            return not_yet(func, mistake, f"{int(prediction):,}: {text}", hints)
    return not_yet(func, "other", f"{int(prediction):,} is not the number of weights that "
                   "learn.",
                   ["Go through the classifier's layers in order: features (frozen), Flatten, "
                    "BatchNormalization, Dense. How many numbers does each one learn?",
                    "Flatten gives 7 x 7 x 64 = 3,136 features; a Dense layer from n inputs to "
                    "10 outputs has n x 10 weights and 10 biases."])


# ---- exercise 2: a linear probe on the frozen pretrained features ------------------------------

def _feature_batches(features, images, batch_size=1000):
    """The flattened outputs of ``features`` for ``images``, one batch at a time."""
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        yield start, np.asarray(features.predict(batch, verbose=0)).reshape(len(batch), -1)


def check_linear_probe(probe, *, features, x_test, y_test, frozen_accuracy=None, target=0.6):
    """Check a linear probe: a scikit-learn classifier fitted on the frozen pretrained features.

    Used by exercise 2 of notebook 08. ``probe`` must predict a class from the flattened
    outputs of ``features`` (the pretrained convolutional layers); the check computes those
    for the test images in batches and measures the probe's accuracy, which must reach
    ``target``. With ``frozen_accuracy`` (the notebook's frozen classifier on the same label
    budget) it compares the two. Rejects a ``features`` that is not a Keras model, test
    images without one label each, and a ``target`` outside (0, 1).
    """
    func = "check_linear_probe"
    features = _keras_model(func, "features", features)
    x_test, y_test = _labeled_images(func, x_test, y_test, what="x_test and y_test")
    if isinstance(target, bool) or not isinstance(target, numbers.Real) or not 0 < target < 1:
        raise ValueError(f"{func}(): target must be a number in (0, 1), got {target!r}")
    if probe is None:
        return not_yet(func, "none", "the probe is still None: fit a scikit-learn classifier "
                                     "(e.g. LogisticRegression) and put it in my_probe.")
    import keras

    if isinstance(probe, keras.Model):
        return not_yet(func, "keras", "this is a Keras model; the exercise asks for a "
                                      "scikit-learn classifier fitted on the features.",
                       ["from sklearn.linear_model import LogisticRegression, then "
                        "LogisticRegression(max_iter=1000).fit(train_features, labels)."])
    if not hasattr(probe, "predict"):
        return not_yet(func, "type", f"expected a fitted scikit-learn classifier, got "
                                     f"{type(probe).__name__}.")
    n_features = int(np.asarray(features.predict(x_test[:1], verbose=0)).size)
    n_in = getattr(probe, "n_features_in_", None)
    if n_in is not None and n_in != n_features:
        pixels = n_in == math.prod(x_test.shape[1:])
        return not_yet(func, "pixels" if pixels else "width",
                       f"the probe was fitted on {n_in} numbers per image; the flattened "
                       f"features have {n_features}.",
                       ["A probe reads the pretrained features, not the pixels: run the images "
                        "through `features` first." if pixels else
                        "Use the outputs of `features` itself (7 x 7 x 64), flattened, not "
                        "the 64-number code or another layer.",
                        ".reshape(len(images), -1) flattens each image's feature maps."])
    correct = 0
    try:
        for start, batch_features in _feature_batches(features, x_test):
            predicted = np.asarray(probe.predict(batch_features))
            correct += int(np.sum(predicted == y_test[start:start + len(batch_features)]))
    except Exception as err:  # an unfitted probe, a wrong pipeline: say what happened
        return not_yet(func, "raised", f"probe.predict(...) raised {type(err).__name__}: "
                                       f"{str(err)[:200]}",
                       ["Did you call .fit(train_features, labels) on the probe?"])
    accuracy = correct / len(y_test)
    if accuracy < target:
        hints = (["A probe fitted on other features than the ones it is tested on guesses "
                  "almost at random. Did you use `features` (the pretrained layers), not a "
                  "fresh make_features()?",
                  "Compute train_features = features.predict(images).reshape(len(images), -1) "
                  "with the notebook's `features`."]
                 if accuracy < 0.3 else
                 ["Did the probe see the labeled images of the pool and their labels?",
                  "LogisticRegression may stop before it converges: give it max_iter=1000."])
        return not_yet(func, "low", f"the probe is right on {accuracy:.1%} of the test images; "
                       f"the goal is {target:.0%}.", hints)
    compare = ""
    if frozen_accuracy is not None:
        compare = (f" The frozen classifier of the notebook reached {float(frozen_accuracy):.1%} "
                   "with the same labels: it IS a linear probe too (BatchNormalization and one "
                   "Dense layer on the same frozen features), trained by Adam for a fixed "
                   "number of steps instead of fitted to convergence.")
    return passed(f"the linear probe is right on {accuracy:.1%} of the test images, reading "
                  f"only the frozen pretrained features (chance: 10%).{compare}")


# ---- exercise 3: as few as 10 labels per class ------------------------------------------------

def _pick(labels, per_class, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                           for c in np.unique(labels)])


def _pixel_baseline(x, y, x_test, y_test):
    """Test accuracy of a logistic regression on raw pixels (the baseline to beat)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=1000).fit(x.reshape(len(x), -1), y)
    return float(np.mean(model.predict(x_test.reshape(len(x_test), -1)) == y_test))


def check_few_labels(train, *, x_pool, y_pool, x_test, y_test, per_class=10, margin=0.03,
                     seed=0):
    """Check a learner's ``train(images, labels)`` that must do well with very few labels.

    Used by exercise 3 of notebook 08. The check draws ``per_class`` labeled images of each
    class from the pool (with ``seed``), calls ``train`` on them, and measures the returned
    classifier on the test images: a function ``images -> classes`` or an object with
    ``predict(images)`` (class numbers, or one row of class scores per image). It passes when
    the accuracy beats a logistic regression on raw pixels, fitted on the same labeled
    images, by at least ``margin``. Rejects pools and test sets without one label per image
    and a ``per_class`` or ``margin`` out of range.
    """
    func = "check_few_labels"
    x_pool, y_pool = _labeled_images(func, x_pool, y_pool, what="x_pool and y_pool")
    x_test, y_test = _labeled_images(func, x_test, y_test, what="x_test and y_test")
    if (isinstance(per_class, bool) or not isinstance(per_class, numbers.Integral)
            or not 1 <= per_class <= 1000):
        raise ValueError(f"{func}(): per_class must be a whole number from 1 to 1000, got "
                         f"{per_class!r}")
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real) or not 0 <= margin < 1:
        raise ValueError(f"{func}(): margin must be a number in [0, 1), got {margin!r}")
    if train is None:
        return not_yet(func, "none", "the answer is still None: write a function "
                                     "train(images, labels) that returns a classifier.")
    if not callable(train):
        return not_yet(func, "type", f"expected a function train(images, labels), got "
                                     f"{type(train).__name__}.")
    labeled = _pick(y_pool, per_class, seed)
    x, y = x_pool[labeled], y_pool[labeled]
    try:
        classifier = train(x.copy(), y.copy())
        predict = classifier if not hasattr(classifier, "predict") else classifier.predict
        predicted = []
        for start in range(0, len(x_test), 1000):
            out = np.asarray(predict(x_test[start:start + 1000]))
            predicted.append(out.argmax(axis=1) if out.ndim == 2 else out)
        predicted = np.concatenate(predicted)
    except Exception as err:  # the learner's code failed: say how, do not raise
        return not_yet(func, "raised", f"training or predicting raised {type(err).__name__}: "
                                       f"{str(err)[:200]}",
                       ["train(images, labels) gets 28 x 28 images; it must return a "
                        "function of images, or an object whose predict takes images "
                        "(not features)."])
    if predicted.shape != y_test.shape:
        return not_yet(func, "shape", f"expected one class per test image, got shape "
                                      f"{predicted.shape} for {len(y_test)} images.")
    accuracy = float(np.mean(predicted == y_test))
    baseline = _pixel_baseline(x, y, x_test, y_test)
    numbers_text = (f"with {per_class} labels per class ({len(y)} in all): yours "
                    f"{accuracy:.1%}, a logistic regression on pixels {baseline:.1%}")
    if accuracy < baseline + margin:
        return not_yet(func, "no-gain", f"{numbers_text}; the goal is {100 * margin:.0f} "
                       "points more than the pixels' score.",
                       ["What does the pool of unlabeled images give you that 100 labels do "
                        "not? The pretrained `features` are one answer.",
                        "Fit a simple classifier on what `features` outputs for the labeled "
                        "images, and return a function that does the same to new images."])
    return passed(f"{numbers_text}. The unlabeled pool paid off at this label budget, by "
                  f"{100 * (accuracy - baseline):.1f} points.")

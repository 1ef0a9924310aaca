"""Checks for the exercises of notebook 09 (sparse autoencoders).

Each check looks at what the learner's answer does, prints "Correct: ..." or "Not yet: ..."
with a hint for the mistake it found (stronger when the same mistake comes back), and
returns True or False. A wrong answer never raises; only a wrong option of the check does.
"""

import numpy as np

from .._checks import check_array, check_labels, check_positive_int
from ._feedback import not_yet, passed

__all__ = ["check_l0_prediction", "check_top_k_function", "check_unit_for_class"]


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float, np.number))


def check_l0_prediction(prediction, activations, *, width, k):
    """Check a prediction of L0 for an untrained top-k autoencoder with ``width`` units.

    Used by exercise 1 of notebook 09. It builds ``build_topk_autoencoder(n, width, k=k)``
    (n: the number of columns of ``activations``), runs its encoder on the first 2,000 rows of
    ``activations`` (all of them if there are fewer), measures the mean number of active units
    per row, and says whether ``prediction`` is within 0.5 of it. Rejects activations that
    are not a finite 2-D array, and a width or k that is not a positive integer (k at most
    width).
    """
    func = "check_l0_prediction"
    activations = check_array(func, "activations", activations, ndim=2, dtype=np.float32)
    width = check_positive_int(func, "width", width)
    k = check_positive_int(func, "k", k)
    if k > width:
        raise ValueError(f"{func}(): k must be at most width={width}, got {k}")
    if prediction is None:
        return not_yet(func, "none", "the prediction is still None: write a number such as "
                       "my_prediction = 20, then run this cell.",
                       ["L0 is the number of code units that are not 0, averaged over the "
                        "inputs."])
    if not _is_number(prediction) or not np.isfinite(prediction):
        return not_yet(func, "type", f"expected a number, got {prediction!r:.60}.",
                       ["Write one number, e.g. my_prediction = 12."])
    from ..sparse import build_topk_autoencoder

    model = build_topk_autoencoder(activations.shape[1], width, k=k)
    codes = np.asarray(model.encoder.predict(activations[:2000], verbose=0, batch_size=500))
    active = np.sum(codes > 0, axis=1)
    measured = float(np.mean(active))
    what = (f"the untrained model has L0 = {measured:.2f} on these activations "
            f"(width {width}, k = {k}).")
    if abs(prediction - measured) <= 0.5:
        here = ("here the k largest are all above 0" if np.all(active == k) else
                "here it silenced some of them" if np.any(active < k) else
                "here ties kept more than k")
        return passed(f"{what} The top-k step keeps k values per input (more only if values "
                      "tie with the k-th largest), whatever the width and before any training; "
                      f"the ReLU on the kept values can only lower it, and {here}.")
    if prediction > k:
        if prediction >= 0.2 * width:
            hints = ["A wide code does not mean many active units: what does the top-k step "
                     "keep for each input?",
                     "The top-k step sets all but the k largest values of each input to 0."]
        else:
            hints = ["Training is not needed for the sparsity: it is built into the top-k "
                     "step. How many values can it leave non-zero?"]
        return not_yet(func, "too-many", f"your {prediction:g} is more than the top-k step can "
                       "leave active.", hints)
    return not_yet(func, "too-few", f"your {prediction:g} is lower than what the model shows.",
                   ["Are the k largest of many random pre-activations likely to be above 0? "
                    "Only those at or below 0 are silenced by the ReLU."])


def _reference_top_k(x, k):
    kth = np.sort(x, axis=1)[:, -k][:, None]
    return np.where(x >= kth, x, 0.0)


def check_top_k_function(top_k):
    """Check a learner's ``top_k(x, k)``: each row keeps its k largest values, the rest 0.

    Used by exercise 2 of notebook 09. It calls the function on random arrays (with negative
    values, several k) and compares with the expected result: same shape, a new array, the
    input unchanged, the k largest of each *row* kept with their values. Never raises for a
    wrong answer.
    """
    func = "check_top_k_function"
    if top_k is None or not callable(top_k):
        return not_yet(func, "not-callable", "expected a function my_top_k(x, k); define it "
                       "in the cell above and run that cell.",
                       ["def my_top_k(x, k): ... return the new array"])
    rng = np.random.default_rng(9)
    for shape, k in (((6, 10), 3), ((4, 7), 1), ((5, 12), 5)):
        x = rng.normal(size=shape)
        original = x.copy()
        try:
            result = top_k(x, k)
        except Exception as err:
            return not_yet(func, "error", f"my_top_k raised {type(err).__name__}: "
                           f"{str(err)[:200]}",
                           ["Test it on a small array first, e.g. "
                            "my_top_k(np.array([[3., -1., 2.]]), 2)."])
        if not np.array_equal(x, original):
            return not_yet(func, "in-place", "your function changed its input x.",
                           ["Build a new array (np.where(...) does) instead of writing into "
                            "x."])
        if result is None:
            return not_yet(func, "none", "your function returns None.",
                           ["End it with a return statement."])
        try:
            result = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return not_yet(func, "type", f"expected an array, got {type(result).__name__}.",
                           ["Return a NumPy array of the same shape as x."])
        expected = _reference_top_k(original, k)
        if result.shape != x.shape:
            if result.shape == (shape[0], k):
                return not_yet(func, "values-only", f"you return the {k} values of each row "
                               f"(shape {result.shape}); the code keeps every unit in its "
                               "place.", ["Return an array shaped like x, with 0 where a value "
                                          "was not kept."])
            return not_yet(func, "shape", f"for x of shape {x.shape} your result has shape "
                           f"{result.shape}.", ["Return an array shaped like x."])
        if np.allclose(result, expected):
            continue
        kept = np.sum(result != 0, axis=1)
        if np.allclose(result, _reference_top_k(-original, k) * -1):
            return not_yet(func, "smallest", "your function keeps the k smallest values of "
                           "each row.", ["np.sort and np.argsort go from small to large: the "
                                         "largest are at the end."])
        if np.allclose(result, np.where(original > 0, expected, 0)):
            return not_yet(func, "relu", "your function also sets negative kept values to 0 "
                           "(a ReLU); this exercise keeps them as they are.",
                           ["Keep the k largest values exactly, even when they are below 0."])
        if np.all(kept == k - 1) or np.all(kept == k + 1):
            return not_yet(func, "off-by-one", f"your function keeps {kept[0]} values per row, "
                           f"not {k}.", ["Check the index of the k-th largest: with values "
                                         "sorted up, it is at position -k."])
        by_column = _reference_top_k(original.T, min(k, shape[0])).T
        whole = np.where(original >= np.sort(original, axis=None)[-k], original, 0.0)
        if (np.allclose(result, by_column) or np.allclose(result, whole)
                or (np.sum(result != 0) == shape[0] * k and not np.all(kept == k))):
            return not_yet(func, "axis", f"your function keeps {shape[0] * k} values in all, "
                           "but not k in every row: it picks them over the wrong axis or the "
                           "whole array.", ["Work along each row: axis=1."])
        if np.all(kept == k):
            return not_yet(func, "values", "each row keeps k entries, but not the right ones "
                           "or not with their values.", ["The kept entries must hold the "
                                                         "original values of x."])
        return not_yet(func, "other", f"for k = {k}, your result differs from each row's k "
                       "largest values with the rest 0.",
                       ["Try my_top_k(np.array([[3., -1., 2.]]), 2): it should give "
                        "[[3., 0., 2.]]."])
    return passed("each row keeps its k largest values in place and the rest is 0, and the "
                  "input is left unchanged. This is the TopK layer without its ReLU.")


def check_unit_for_class(unit, codes, labels, *, class_index, class_names=None, top=50,
                         min_share=0.8):
    """Check that a code unit stands for a class: most of its top activating images are of it.

    Used by exercise 3 of notebook 09. ``codes`` holds one row per image and one column per
    unit, ``labels`` the images' classes. The unit passes when at least ``min_share`` of its
    ``top`` most activating images (among those where it is active) have ``class_index``.
    Rejects codes that are not a finite 2-D array, labels that are not one class per row,
    and a class_index, top or min_share out of range.
    """
    func = "check_unit_for_class"
    codes = check_array(func, "codes", codes, ndim=2, dtype=np.float32)
    labels = check_labels(func, labels, len(codes))
    top = check_positive_int(func, "top", top)
    if not isinstance(class_index, (int, np.integer)) or isinstance(class_index, bool):
        raise TypeError(f"{func}(): class_index must be an integer, got {class_index!r}")
    if class_index not in set(labels.tolist()):
        raise ValueError(f"{func}(): no image has class_index {class_index}")
    if not _is_number(min_share) or not 0 < min_share <= 1:
        raise ValueError(f"{func}(): min_share must be a number in (0, 1], got {min_share!r}")

    def name(c):
        return class_names[c] if class_names is not None else f"class {c}"

    if unit is None:
        return not_yet(func, "none", "the answer is still None: write a unit number such as "
                       "my_unit = 17, then run this cell.",
                       ["For each unit, look at the classes of the images that activate it "
                        "most."])
    if not isinstance(unit, (int, np.integer)) or isinstance(unit, bool):
        return not_yet(func, "type", f"expected one unit number (an int), got {unit!r:.60}.",
                       ["If you computed an array of shares, np.argmax gives the position "
                        "of the largest: int(np.argmax(...))."])
    if not 0 <= unit < codes.shape[1]:
        return not_yet(func, "range", f"the code has units 0 to {codes.shape[1] - 1}; "
                       f"{unit} is not one of them.",
                       ["Index the columns of codes: codes[:, unit]."])
    column = codes[:, unit]
    active = np.flatnonzero(column > 0)
    if len(active) == 0:
        return not_yet(func, "dead", f"unit {unit} is never active on these images (a dead "
                       "unit).", ["Look only at units whose column has values above 0."])
    best = active[np.argsort(-column[active], kind="stable")[:top]]
    counts = np.bincount(labels[best], minlength=int(labels.max()) + 1)
    share = counts[class_index] / len(best)
    if len(best) < top:
        return not_yet(func, "rare", f"unit {unit} is active on only {len(best)} images, "
                       f"fewer than {top}: too few to say what it stands for.",
                       [f"Pick among units active on at least {top} images."])
    if share >= min_share:
        return passed(f"{share:.0%} of the {top} images that activate unit {unit} most are "
                      f"{name(class_index)}.")
    main = int(np.argmax(counts))
    if counts[main] / len(best) >= min_share:
        return not_yet(func, "other-class", f"unit {unit} stands for {name(main)} "
                       f"({counts[main] / len(best):.0%} of its top {top}), not "
                       f"{name(class_index)}.",
                       [f"Look for the unit whose top {top} images hold the most "
                        f"{name(class_index)}.",
                        "Per unit: np.argsort(codes, axis=0)[::-1][:50] gives its top images; "
                        "compare their labels with the class."])
    return not_yet(func, "mixed", f"only {share:.0%} of the {top} images that activate unit "
                   f"{unit} most are {name(class_index)} (need {min_share:.0%}).",
                   [f"Rank the units by the share of {name(class_index)} among their top "
                    f"{top} images.",
                    "Per unit: np.argsort(codes, axis=0)[::-1][:50] gives its top images; "
                    "compare their labels with the class."])

"""Notebook 09's exercise checks: the solutions pass, typical wrong answers get their hint."""

import numpy as np
import pytest

from aehelpers.exercises import _feedback
from aehelpers.exercises.notebook09 import (
    check_l0_prediction,
    check_top_k_function,
    check_unit_for_class,
)


@pytest.fixture(autouse=True)
def _fresh_hints():
    _feedback.reset_hints()


def _verdict(capsys):
    return capsys.readouterr().out


# ----- exercise 1: predict L0

ACTIVATIONS = np.random.default_rng(0).random((300, 16)).astype("float32")


def test_l0_prediction_of_k_passes(capsys):
    assert check_l0_prediction(5, ACTIVATIONS, width=200, k=5) is True
    assert _verdict(capsys).startswith("Correct")


@pytest.mark.parametrize(
    ("prediction", "words"),
    [
        (None, "still None"),
        ("five", "expected a number"),
        (100, "A wide code does not mean many active units"),
        (8, "Training is not needed"),
        (1, "lower than what the model shows"),
    ],
)
def test_wrong_l0_predictions_get_their_hint(prediction, words, capsys):
    assert check_l0_prediction(prediction, ACTIVATIONS, width=200, k=5) is False
    out = _verdict(capsys)
    assert out.startswith("Not yet") and words in out
    assert "Hint:" in out


def test_l0_check_says_when_the_relu_silenced_kept_values(capsys):
    # All-zero activations: every pre-activation is the encoder's bias, 0, so the ReLU
    # silences all k kept values and L0 is 0.
    assert check_l0_prediction(0, np.zeros((20, 16), "float32"), width=200, k=5) is True
    out = _verdict(capsys)
    assert "L0 = 0.00" in out and "silenced" in out


def test_l0_check_measures_the_first_2000_rows_only(capsys):
    # Rows after the first 2,000 are zeros (L0 0): counted, they would lower L0 to 4 and the
    # prediction 5 would be 1 off.
    rows = np.random.default_rng(1).random((2_500, 16)).astype("float32") + 0.5
    rows[2_000:] = 0.0
    assert check_l0_prediction(5, rows, width=200, k=5) is True
    assert "L0 = 5.00" in _verdict(capsys)


def test_l0_check_rejects_a_k_above_width():
    with pytest.raises(ValueError, match="k must be at most width"):
        check_l0_prediction(5, ACTIVATIONS, width=4, k=5)


# ----- exercise 2: top-k by hand


def solution_top_k(x, k):
    kth_largest = np.sort(x, axis=1)[:, -k][:, None]
    return np.where(x >= kth_largest, x, 0.0)


def smallest(x, k):
    kth = np.sort(x, axis=1)[:, k - 1][:, None]
    return np.where(x <= kth, x, 0.0)


def with_relu(x, k):
    return np.maximum(solution_top_k(x, k), 0.0)


def wrong_axis(x, k):
    kth = np.sort(x, axis=0)[-k][None, :]
    return np.where(x >= kth, x, 0.0)


def in_place(x, k):
    x[x < np.sort(x, axis=1)[:, -k][:, None]] = 0.0
    return x


def values_only(x, k):
    return np.sort(x, axis=1)[:, -k:]


def ones_instead(x, k):
    return (x >= np.sort(x, axis=1)[:, -k][:, None]).astype(float)


def broken(x, k):
    raise IndexError("oops")


def test_the_solution_of_exercise_2_passes(capsys):
    assert check_top_k_function(solution_top_k) is True
    assert _verdict(capsys).startswith("Correct")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "expected a function"),
        (smallest, "keeps the k smallest"),
        (with_relu, "ReLU"),
        (wrong_axis, "wrong axis"),
        (in_place, "changed its input"),
        (values_only, "you return the"),
        (ones_instead, "not the right ones"),
        (broken, "raised IndexError"),
        (lambda x, k: None, "returns None"),
    ],
)
def test_typical_wrong_top_k_functions_get_their_hint(answer, words, capsys):
    assert check_top_k_function(answer) is False
    out = _verdict(capsys)
    assert out.startswith("Not yet") and words in out


def test_an_off_by_one_top_k_is_named(capsys):
    def keeps_one_less(x, k):
        if k == 1:
            return np.zeros_like(x)
        return np.where(x >= np.sort(x, axis=1)[:, -(k - 1)][:, None], x, 0.0)

    assert check_top_k_function(keeps_one_less) is False
    assert "values per row" in _verdict(capsys)


def test_a_repeated_mistake_gets_a_stronger_hint(capsys):
    check_unit_for_class(None, CODES, LABELS, class_index=1)
    first = _verdict(capsys)
    check_l0_prediction(100, ACTIVATIONS, width=200, k=5)
    check_l0_prediction(100, ACTIVATIONS, width=200, k=5)
    second = _verdict(capsys).split("Not yet")[-1]
    assert "still None" in first
    assert "all but the k largest" in second


# ----- exercise 3: a unit for a class

LABELS = np.repeat(np.arange(4), 100)
CODES = np.zeros((400, 5), "float32")
CODES[:, 0] = np.where(LABELS == 1, 1.0, 0.05)  # unit 0: class 1
CODES[:, 1] = np.where(LABELS == 2, 1.0, 0.0)  # unit 1: class 2
CODES[:, 2] = np.random.default_rng(0).random(400)  # unit 2: mixed
CODES[:3, 4] = 1.0  # unit 4: active on three images only
# unit 3 is dead


def test_the_solution_of_exercise_3_passes(capsys):
    top50 = np.argsort(CODES, axis=0)[::-1][:50]
    my_unit = int(np.argmax(np.mean(LABELS[top50] == 1, axis=0)))
    assert check_unit_for_class(my_unit, CODES, LABELS, class_index=1) is True
    assert _verdict(capsys).startswith("Correct")


@pytest.mark.parametrize(
    ("unit", "words"),
    [
        (None, "still None"),
        (np.array([0.1, 0.9]), "expected one unit number"),
        (7, "is not one of them"),
        (3, "never active"),
        (4, "too few"),
        (1, "stands for class 2"),
        (2, "only"),
    ],
)
def test_wrong_units_get_their_hint(unit, words, capsys):
    assert check_unit_for_class(unit, CODES, LABELS, class_index=1) is False
    out = _verdict(capsys)
    assert out.startswith("Not yet") and words in out


def test_the_hint_names_the_class_the_unit_stands_for_not_the_answer(capsys):
    check_unit_for_class(1, CODES, LABELS, class_index=1, class_names=list("ABCD"))
    out = _verdict(capsys)
    assert "stands for C" in out and "unit 0" not in out


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"class_index": "1"}, TypeError), ({"class_index": 9}, ValueError),
     ({"class_index": 1, "top": 0}, ValueError), ({"class_index": 1, "min_share": 2}, ValueError)],
)
def test_unit_check_rejects_bad_options(kwargs, error):
    with pytest.raises(error):
        check_unit_for_class(0, CODES, LABELS, **kwargs)

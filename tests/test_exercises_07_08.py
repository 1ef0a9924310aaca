"""The exercise checks of notebooks 07 and 08: solutions pass, typical wrong answers get their hint.

The checks of 07's exercises 1 and 3 read the model that notebook 07 trained, so whether
their solutions pass depends on the seed. They were measured by running notebook 07's cells
with seeds 0-4 (and 42, the notebook's own) in quick mode; ``MEASURED_07_QUICK`` pins what
was seen, and ``test_the_measured_margins_clear_the_goals`` keeps each goal clear of it.
Notebook 08's exercises 2 and 4 read its pretrained features, and exercise 3's answer
("high": a linear probe on random weights reaches 60% or more) holds while that probe stays
above 60%: ``MEASURED_08`` and ``MEASURED_08_SMALL_HEAD`` pin what was seen over seeds, the
seeds test re-measures it, and ``test_the_measured_margins_clear_the_goals`` keeps each goal
clear of it.
"""

import inspect
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import SEEDS

import aehelpers as ae
from aehelpers.exercises import _feedback
from benchmarks.notebook_stats import folded_solutions


@pytest.fixture(autouse=True)
def _fresh_hints():
    _feedback.reset_hints()
    yield
    _feedback.reset_hints()


def _said(capsys):
    return capsys.readouterr().out


# Seen over seeds 0, 2, 3, 4 and 42 in quick mode (seed 1's run predates the solution); the
# whole notebook with its solutions then passed for seeds 0-4 in quick and in full mode
# (tests/test_notebook_runs.py, make test-seeds), where full mode's 10,000 test digits gave:
MEASURED_07_QUICK = {
    "easiest_digit": {1},            # the digit with the lowest median error, every seed
    "blotted_gain_min": 0.029,       # exercise 3's solution: AUC on blotted minus the MSE's
    "other_loss_max": 0.017,         # ... and the most any other kind lost against the MSE
}
MEASURED_07_FULL = {"easiest_digit": {1}, "blotted_gain_min": 0.013, "other_loss_max": 0.003}

# Notebook 08 as it is since 2026-12-01 (light decoder, 6 pretraining epochs in full mode and 3
# in quick mode, classifiers trained for 400 updates); all on draw 0's 100 labels per class.
# Quick mode (6,000-image pool, 1,000 test images), seeds 0-4, measured on 2026-12-01 by
# ``test_08_trained_solutions_keep_their_margins_over_five_seeds``:
# - exercise 2, the solution's probe on the pretrained features: 80.4, 80.3, 80.1, 80.1, 79.6%
#   (its goal is 60%);
# - exercise 3, the same probe on an untrained make_features(): 77.5, 77.9, 78.0, 78.3, 77.2%
#   (the answer "high" holds above 60%);
# - exercise 4, the solution's test accuracy minus the frozen classifier's: -2.8, -0.9, -1.7,
#   -1.4, +1.3 points (the check allows 5 below).
# Full mode (30,000, 10,000): seed 42 only with this configuration (the notebook with its
# solutions, 2026-12-01): exercise 2 83.2%, exercise 3 78.9%, exercise 4 -2.3 points (80.8%
# against 83.1%). Seeds 0-4 were measured with an earlier configuration (10 pretraining epochs
# with a mirror-image decoder of transposed convolutions) and not since: exercise 2 83.3% to
# 83.8% (2026-11-30, 600 updates per classifier), exercise 4 -1.1, -1.6, -1.8, -2.3, -1.7
# points (2026-12-01, 400 updates); exercise 3 77.8% to 79.7% (2026-11-29, seeds 0-4 and 42).
# The full-mode minima below are the lowest of both.
MEASURED_08 = {"random_probe_min": {"quick": 0.772, "full": 0.778},
               "probe_min": {"quick": 0.796, "full": 0.832}}
MEASURED_08_SMALL_HEAD = {"gap_min": {"quick": -0.028, "full": -0.023}}


def test_the_measured_margins_clear_the_goals():
    defaults = inspect.signature(ae.check_anomaly_score).parameters
    gain, max_loss = defaults["gain"].default, defaults["max_loss"].default
    for measured in (MEASURED_07_QUICK, MEASURED_07_FULL):
        assert measured["easiest_digit"] == {1}
        assert measured["blotted_gain_min"] - gain >= 0.0075  # above full mode's 0.007 spread
        assert measured["other_loss_max"] <= max_loss - 0.01
    from aehelpers.exercises.notebook08 import _BANDS

    goal = inspect.signature(ae.check_linear_probe).parameters["target"].default
    assert min(MEASURED_08["probe_min"].values()) >= goal + 0.1
    high = _BANDS["high"][0]  # the solution's answer holds while the probe stays above this
    assert min(MEASURED_08["random_probe_min"].values()) >= high + 0.1
    tolerance = inspect.signature(ae.check_small_head).parameters["tolerance"].default
    assert min(MEASURED_08_SMALL_HEAD["gap_min"].values()) >= -tolerance + 0.015


# ---- 07, exercise 1: which normal digit is easiest to rebuild ----

def _digits_by_ink():
    """Images of digits 1-9 whose ink grows with the digit, and a model that halves every pixel."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(1, 10), 20)
    images = np.zeros((len(labels), 28, 28), np.float32)
    for image, digit in zip(images, labels, strict=True):
        image[4:4 + 2 * digit, 10:18] = rng.uniform(0.6, 1.0, (2 * digit, 8))
    return images, labels, (lambda batch: batch * 0.5)


def test_the_easiest_digit_passes_with_its_ranking(capsys):
    images, labels, model = _digits_by_ink()
    assert ae.check_easiest_digit(1, model=model, images=images, labels=labels) is True
    out = _said(capsys)
    assert out.startswith("Correct") and "lowest median error" in out
    assert "held-out 1's ROC AUC" in out


def test_the_sentence_on_1s_is_said_only_when_1s_are_the_easiest(capsys):
    images, labels, model = _digits_by_ink()
    keep = labels != 1  # as with HELD_OUT = 1: the easiest normal digit is now a 2
    assert ae.check_easiest_digit(2, model=model, images=images[keep], labels=labels[keep])
    out = _said(capsys)
    assert out.startswith("Correct") and "saw 2s in training" in out
    assert "1s" not in out


@pytest.mark.parametrize(
    ("prediction", "words"),
    [(None, "still None"), ("one", "is not a digit"), (12, "is not a digit"),
     (True, "is not a digit"), (0, "held-out"), (8, "ranks 8 of 9")],
)
def test_wrong_digit_predictions_get_their_hint(prediction, words, capsys):
    images, labels, model = _digits_by_ink()
    assert ae.check_easiest_digit(prediction, model=model, images=images, labels=labels) is False
    out = _said(capsys)
    assert out.startswith("Not yet") and words in out


def test_the_digit_hint_grows_stronger_on_a_second_try(capsys):
    images, labels, model = _digits_by_ink()
    ae.check_easiest_digit(8, model=model, images=images, labels=labels)
    first = _said(capsys)
    ae.check_easiest_digit(5, model=model, images=images, labels=labels)
    second = _said(capsys)
    assert "least ink" in first and "single straight line" in second


def test_the_digit_check_rejects_labels_of_another_length():
    images, labels, model = _digits_by_ink()
    with pytest.raises(ValueError, match="check_easiest_digit.*labels"):
        ae.check_easiest_digit(1, model=model, images=images, labels=labels[:-1])


# ---- 07, exercise 2: a threshold for 5% false alarms ----

def _errors():
    rng = np.random.default_rng(0)
    val = rng.lognormal(np.log(0.01), 0.4, 900)
    tests = {"normal": rng.lognormal(np.log(0.01), 0.4, 900),
             "Fashion-MNIST": rng.lognormal(np.log(0.05), 0.4, 100),
             "blotted": rng.lognormal(np.log(0.02), 0.4, 100)}
    return val, tests


def test_a_threshold_from_the_validation_errors_passes(capsys):
    val, tests = _errors()
    for threshold in (np.quantile(val, 0.95), np.sort(val)[int(0.95 * len(val))]):
        assert ae.check_threshold(threshold, validation_errors=val, test_errors=tests) is True
    out = _said(capsys)
    assert out.startswith("Correct") and "false alarms on normal digits" in out


@pytest.mark.parametrize(
    ("pick", "mistake", "words"),
    [(lambda val, t: np.quantile(t["normal"], 0.95), "test-data", "normal TEST digits"),
     (lambda val, t: np.quantile(np.r_[t["Fashion-MNIST"], t["blotted"]], 0.05), "test-data",
      "the anomalies"),
     (lambda val, t: np.sort(t["blotted"])[3], "test-data", "the anomalies"),
     (lambda val, t: np.quantile(val, 0.05), "side", "low end"),
     (lambda val, t: np.quantile(val, 0.99), "rate", "about 5%"),
     (lambda val, t: None, "none", "still None"),
     (lambda val, t: "0.02", "type", "one number"),
     (lambda val, t: val[:3], "type", "one number")],
)
def test_wrong_thresholds_get_their_hint(pick, mistake, words, capsys):
    val, tests = _errors()
    assert ae.check_threshold(pick(val, tests), validation_errors=val,
                              test_errors=tests) is False
    out = _said(capsys)
    assert out.startswith("Not yet") and words in out
    if mistake not in ("none", "type"):
        assert "Hint:" in out


def test_the_test_data_hint_grows_stronger(capsys):
    val, tests = _errors()
    for _ in range(2):
        ae.check_threshold(np.quantile(tests["normal"], 0.95), validation_errors=val,
                           test_errors=tests)
    first, second = _said(capsys).split("Not yet")[1:]
    assert "Which images" in first and "val_errors" in second


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"test_errors": {"blotted": [0.1, 0.2]}}, TypeError),
     ({"false_alarm_rate": 0.7}, ValueError),
     ({"validation_errors": [0.1, 0.2]}, ValueError)],
)
def test_the_threshold_check_rejects_bad_options(kwargs, error):
    val, tests = _errors()
    options = {"validation_errors": val, "test_errors": tests, **kwargs}
    with pytest.raises(error, match="check_threshold"):
        ae.check_threshold(0.02, **options)


# ---- 07, exercise 3: a score that sees blots ----

def _blot_world():
    """Test sets where a model forgets ink away from the centre; blots sit away from it.

    Normal images have centre ink and a faint haze of random strength away from it, so
    the mean error of normal images overlaps that of blotted ones, while the worst small
    window tells them apart; noisy images carry a haze everywhere.
    """
    rng = np.random.default_rng(0)

    def normal(n):
        images = np.zeros((n, 28, 28), np.float32)
        images[:, 8:20, 12:16] = 1.0
        haze = rng.uniform(0.0, 0.5, (n, 1, 1)) * rng.random((n, 28, 28))
        return np.clip(images + haze, 0, 1).astype(np.float32)

    blotted = normal(100)
    for image in blotted:
        row, col = rng.integers(0, 4, size=2)
        image[row:row + 5, col:col + 5] = 1.0
    noisy = normal(100)
    noisy[:, :, :12] = noisy[:, :, 16:] = 0.45  # a flat grey haze: no pixel of full ink
    centre = np.zeros((28, 28), np.float32)
    centre[8:20, 12:16] = 1.0
    sets = {"normal": normal(300), "noisy": noisy.astype(np.float32), "blotted": blotted}
    return sets, (lambda batch: batch * centre)


def _mse(images, reconstructions):
    return np.mean((images - reconstructions) ** 2, axis=(1, 2))


def _local(images, reconstructions):
    from scipy.ndimage import uniform_filter

    return uniform_filter((images - reconstructions) ** 2, size=(1, 5, 5)).max(axis=(1, 2))


def _local_and_mse(images, reconstructions):
    return _local(images, reconstructions) / 0.05 + _mse(images, reconstructions) / 0.01


def test_a_score_that_sees_blots_and_keeps_the_rest_passes(capsys):
    sets, model = _blot_world()
    assert ae.check_anomaly_score(_local_and_mse, model=model, test_sets=sets) is True
    assert _said(capsys).startswith("Correct")


@pytest.mark.parametrize(
    ("score", "words"),
    [(None, "still None"),
     ("mse", "expected a function"),
     (_mse, "The goal is blotted"),
     (lambda i, r: -_local(i, r), "LOWER than normal"),
     (lambda i, r: _mse(i, r)[:, None], "one number per image"),
     (lambda i, r: np.full(len(i), np.nan), "NaN"),
     (lambda i, r: i.sum(axis=3), "raised AxisError")],
)
def test_wrong_scores_get_their_hint(score, words, capsys):
    sets, model = _blot_world()
    assert ae.check_anomaly_score(score, model=model, test_sets=sets) is False
    out = _said(capsys)
    assert out.startswith("Not yet") and words in out


def test_a_score_blind_to_other_anomalies_is_told_so(capsys):
    sets, model = _blot_world()

    def full_ink_windows(images, reconstructions):  # sees blots, nothing else
        from scipy.ndimage import uniform_filter

        missed = ((images > 0.95) & (reconstructions < 0.5)).astype(np.float32)
        return uniform_filter(missed, size=(1, 5, 5)).max(axis=(1, 2))

    assert ae.check_anomaly_score(full_ink_windows, model=model, test_sets=sets) is False
    out = _said(capsys)
    assert "noisy lost more than 0.03" in out and "Hint:" in out


def test_the_score_check_rejects_a_missing_kind():
    sets, model = _blot_world()
    with pytest.raises(ValueError, match="check_anomaly_score.*kind"):
        ae.check_anomaly_score(_mse, model=model, test_sets=sets, kind="digit 0")


# ---- 08, exercise 1: how many weights does the frozen classifier learn ----

def _frozen_classifier():
    import keras

    body = _make_features()
    body.trainable = False
    return keras.Sequential([body, keras.layers.Flatten(), keras.layers.BatchNormalization(),
                             keras.layers.Dense(10, activation="softmax")])


def test_the_right_count_of_learned_weights_passes(capsys):
    # Dense 3,136 x 10 + 10, and BatchNormalization's scale and shift: 2 x 3,136.
    assert ae.check_frozen_weights(31_370 + 6_272, classifier=_frozen_classifier()) is True
    assert "37,642 weights learn" in _said(capsys)


@pytest.mark.parametrize(
    ("prediction", "words"),
    [(None, "still None"), (3.5, "not a whole number"), (31_370, "Dense layer alone"),
     (31_370 + 4 * 3_136, "moving mean and variance"), (12, "is not the number")],
)
def test_wrong_counts_get_their_hint(prediction, words, capsys):
    assert ae.check_frozen_weights(prediction, classifier=_frozen_classifier()) is False
    out = _said(capsys)
    assert out.startswith("Not yet") and words in out


def test_counting_every_weight_is_told_the_features_are_frozen(capsys):
    classifier = _frozen_classifier()
    assert ae.check_frozen_weights(classifier.count_params(), classifier=classifier) is False
    assert "frozen convolutional ones included" in _said(capsys)


def test_the_weight_check_rejects_what_is_not_a_model():
    with pytest.raises(TypeError, match="check_frozen_weights.*classifier"):
        ae.check_frozen_weights(10, classifier="classifier")


# ---- 08, exercise 2: a linear probe ----

def _classes(n, seed=0):
    """Images whose class (0-9) is where a bright bar is: easy for any features."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.uniform(0, 0.2, (n, 28, 28)).astype(np.float32)
    for image, label in zip(images, labels, strict=True):
        image[2 + 2 * label:4 + 2 * label, 4:24] = 1.0
    return images, labels


def _features():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(8, 3, strides=2, padding="same",
                                                 activation="relu")])


def _flat(features, images):
    return features.predict(images, verbose=0).reshape(len(images), -1)


def test_a_probe_on_the_features_passes(capsys):
    from sklearn.linear_model import LogisticRegression

    features = _features()
    x, y = _classes(200)
    x_test, y_test = _classes(100, seed=1)
    probe = LogisticRegression(max_iter=1000).fit(_flat(features, x), y)
    assert ae.check_linear_probe(probe, features=features, x_test=x_test, y_test=y_test,
                                 frozen_accuracy=0.7) is True
    out = _said(capsys)
    assert out.startswith("Correct") and "IS a linear probe too" in out


def test_wrong_probes_get_their_hint(capsys):
    from sklearn.linear_model import LogisticRegression

    features = _features()
    x, y = _classes(200)
    x_test, y_test = _classes(100, seed=1)
    on_pixels = LogisticRegression(max_iter=200).fit(x.reshape(len(x), -1), y)
    answers = [(None, "still None"), (features, "Keras model"), ("probe", "fitted scikit"),
               (on_pixels, "features have 1568"), (LogisticRegression(), "raised")]
    for probe, words in answers:
        assert ae.check_linear_probe(probe, features=features, x_test=x_test,
                                     y_test=y_test) is False
        out = _said(capsys)
        assert out.startswith("Not yet") and words in out, (probe, out)


# ---- 08, exercise 3: a linear probe on random weights ----

def _conv(seed):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(8, 3, strides=2, padding="same",
                                                 activation="relu")])


def _random_probe_world(shuffled=False):
    x, y = _classes(200)
    x_test, y_test = _classes(100, seed=1)
    if shuffled:  # labels that no features can predict: the probe falls to chance
        y = np.random.default_rng(2).permutation(y)
        y_test = np.random.default_rng(3).permutation(y_test)
    return {"x_train": x, "y_train": y, "x_test": x_test, "y_test": y_test}


def test_the_measured_band_passes_and_is_compared_with_the_pretrained_probe(capsys):
    from sklearn.linear_model import LogisticRegression

    world = _random_probe_world()
    pretrained = _conv(1)
    probe = LogisticRegression(max_iter=1000).fit(_flat(pretrained, world["x_train"]),
                                                  world["y_train"])
    assert ae.check_random_features("high", untrained=_conv(0), features=pretrained,
                                    probe=probe, **world) is True
    out = _said(capsys)
    assert out.startswith("Correct") and "points against the random weights" in out
    # The words follow the measured band, and count _conv's 14 x 14 x 8 responses.
    assert ("a linear rule on 1,568 such responses separated the classes well (60% or more "
            "of the test images right)") in out, out


def test_the_check_follows_the_run_when_nothing_can_be_learned(capsys):
    world = _random_probe_world(shuffled=True)
    assert ae.check_random_features("high", untrained=_conv(0), **world) is False
    assert ae.check_random_features(" Chance ", untrained=_conv(0), **world) is True
    out = _said(capsys)
    assert "Do exercise 2 first" in out
    assert "did little better than guessing (under 20% of the test images right)" in out, out
    assert "separated the classes" not in out, out


@pytest.mark.parametrize(
    ("prediction", "words"),
    [(None, "still None"), ("maybe", "is not one of"), (0.8, "is not one of"),
     ("chance", "Random weights do not mean random outputs"),
     ("middle", "Compare with the pretrained probe")],
)
def test_wrong_predictions_of_the_random_probe_get_their_hint(prediction, words, capsys):
    assert ae.check_random_features(prediction, untrained=_conv(0),
                                    **_random_probe_world()) is False
    out = _said(capsys)
    assert out.startswith("Not yet") and words in out, out


def test_the_chance_hint_grows_stronger(capsys):
    world = _random_probe_world()
    ae.check_random_features("chance", untrained=_conv(0), **world)
    first = _said(capsys)
    ae.check_random_features("chance", untrained=_conv(0), **world)
    second = _said(capsys)
    assert "3,136 such responses" not in first and "3,136 such responses" in second


def test_a_probe_that_does_not_fit_the_features_is_not_compared(capsys):
    world = _random_probe_world()
    assert ae.check_random_features("high", untrained=_conv(0), features=_conv(1),
                                    probe="probe", **world) is True
    assert "could not be compared" in _said(capsys)


def test_the_random_features_check_rejects_bad_options():
    world = _random_probe_world()
    with pytest.raises(TypeError, match="check_random_features.*untrained"):
        ae.check_random_features("high", untrained="features", **world)
    with pytest.raises(ValueError, match="check_random_features.*untrained.*random weights"):
        ae.check_random_features("high", untrained=_conv(0), features=_conv(0), **world)
    with pytest.raises(ValueError, match="check_random_features.*x_train"):
        ae.check_random_features("high", untrained=_conv(0), **{**world, "y_train": [1, 2]})


# ---- 08, exercise 4: a classifier with a tenth of the frozen classifier's weights ----

NB08 = Path(__file__).resolve().parents[1] / "notebooks" / "08_unsupervised_pretraining.ipynb"


def _make_features():
    """The notebook's make_features(): image -> 7 x 7 x 64 feature maps."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
    ])


def _solution_08(exercise):
    """The notebook's folded solution of the exercise, run with its names; what it defines."""
    import keras

    keras.utils.set_random_seed(0)
    namespace = {"keras": keras, "np": np, "make_features": _make_features,
                 "pretrained_weights": _make_features().get_weights()}
    exec(_solution_source(exercise), namespace)  # noqa: S102
    return namespace


def _head_world():
    """Easy classes (where a bar is), 20 per class for the check to draw, the frozen reference."""
    x_pool, y_pool = _classes(400)
    x_test, y_test = _classes(200, seed=1)
    return {"reference": _frozen_classifier(), "reference_accuracy": 0.9, "x_pool": x_pool,
            "y_pool": y_pool, "x_test": x_test, "y_test": y_test, "per_class": 20,
            "tolerance": 0.03}


def _small_head(*, frozen=True, filters=6, outputs=10, train=True):
    """A train(x, y) answer: the conv features, a 1 x 1 convolution, Dense; trained or not."""
    import keras

    def answer(x, y):
        keras.utils.set_random_seed(0)
        body = _make_features()
        body.trainable = not frozen
        model = keras.Sequential([body, keras.layers.Conv2D(filters, 1, activation="relu"),
                                  keras.layers.Flatten(),
                                  keras.layers.Dense(outputs, activation="softmax")])
        if train:
            model.compile(optimizer=keras.optimizers.Adam(3e-3),
                          loss="sparse_categorical_crossentropy")
            model.fit(x, y, batch_size=32, epochs=10, verbose=0)
        return model
    return answer


def test_the_notebook_solution_of_the_small_head_passes(capsys):
    my_train = _solution_08(4)["my_train"]
    assert ae.check_small_head(my_train, **_head_world()) is True
    out = _said(capsys)
    assert out.startswith("Training your classifier on 200 labeled images") and "Correct" in out
    assert "3,340 learned weights" in out and "37,642" in out  # 390 + 2,950; the reference


def test_the_small_head_check_trains_on_the_notebooks_labeled_draw():
    from aehelpers.exercises.notebook08 import _pick_per_class

    world = _head_world()
    seen = []

    def record(x, y):
        seen.append((x, y))
        raise RuntimeError("stop here")

    ae.check_small_head(record, **{**world, "seed": 3})
    rng = np.random.default_rng(3)  # the notebook's pick_labeled(20, seed=3), written out
    expected = np.concatenate([rng.choice(np.flatnonzero(world["y_pool"] == c), 20,
                                          replace=False) for c in range(10)])
    assert np.array_equal(_pick_per_class(world["y_pool"], 20, 3), expected)
    np.testing.assert_array_equal(seen[0][0], world["x_pool"][expected])
    np.testing.assert_array_equal(seen[0][1], world["y_pool"][expected])


def _raises(x, y):
    raise ValueError("shapes do not match")


def _for_flat_images(x, y):
    import keras

    return keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])


@pytest.mark.parametrize(
    ("answer", "words"),
    [(None, "still None"), ("my_train", "expected a function"), (_raises, "raised ValueError"),
     (lambda x, y: None, "returned NoneType"), (_for_flat_images, "cannot take 28 x 28"),
     (_small_head(outputs=5, train=False), "10 scores per image"),
     (_small_head(frozen=False, train=False), "must stay frozen"),
     (_small_head(filters=64, train=False), "give the Dense layer fewer features"),
     (_small_head(train=False), "the goal is at least 87.0%")],
)
def test_wrong_small_heads_get_their_hint(answer, words, capsys):
    assert ae.check_small_head(answer, **_head_world()) is False
    out = _said(capsys)
    assert "Not yet" in out and words in out, out


def _notebook08_steps():
    """STEPS from notebook 08's parameter cell: the updates each of its classifiers gets."""
    cell = next(c.source for c in nbformat.read(NB08, as_version=4).cells
                if c.cell_type == "code" and c.source.startswith("S = ae.sizes"))
    namespace = {}
    exec(next(line for line in cell.splitlines() if line.startswith("STEPS =")), namespace)  # noqa: S102
    return namespace["STEPS"]


def test_the_low_accuracy_hint_grows_stronger(capsys):
    world = _head_world()
    ae.check_small_head(_small_head(train=False), **world)
    first = _said(capsys)
    ae.check_small_head(_small_head(train=False), **world)
    second = _said(capsys)
    assert "several hundred updates" in first and "as many as the budget allows" not in first
    assert "as many as the budget allows" in second
    steps = _notebook08_steps()  # the hint quotes the notebook's updates and their epochs
    assert f"classifiers had {steps} updates of 32 images" in first, first
    assert f"1,000 images that is about {round(steps * 32 / 1000)} epochs" in first, first


def test_08_text_counts_the_images_of_its_classifiers_updates():
    steps = _notebook08_steps()
    text = next(c.source for c in nbformat.read(NB08, as_version=4).cells
                if c.cell_type == "markdown" and "one `fit` over all" in c.source)
    assert f"one `fit` over all {steps * 32:,} images" in text, text


def test_the_small_head_check_rejects_bad_options():
    world = _head_world()
    answer = _small_head(train=False)
    for change, error, words in [({"reference": "frozen"}, TypeError, "reference"),
                                 ({"reference_accuracy": 1.5}, ValueError, "reference_accuracy"),
                                 ({"reference_accuracy": "0.8"}, TypeError, "reference_accuracy"),
                                 ({"per_class": 50}, ValueError, "per_class=50"),
                                 ({"per_class": 2.5}, TypeError, "per_class"),
                                 ({"fraction": 0}, ValueError, "fraction"),
                                 ({"tolerance": -0.1}, ValueError, "tolerance"),
                                 ({"seed": -1}, ValueError, "seed"),
                                 ({"y_test": [1, 2]}, ValueError, "x_test and y_test")]:
        with pytest.raises(error, match=f"check_small_head.*{words}"):
            ae.check_small_head(answer, **{**world, **change})


def _solution_source(exercise):
    """The python block folded into notebook 08's `### Exercise N` text."""
    return folded_solutions(NB08)[exercise]


def _notebook08_until_the_classifiers(monkeypatch, shared_data, *, quick, seed):
    """Run notebook 08's own cells from its sizes to train_and_test, with this seed."""
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("AEHELPERS_DATA_DIR", str(shared_data))
    monkeypatch.setenv("AEHELPERS_QUICK", "1" if quick else "0")
    ae.setup_notebook(seed, verbose=False)
    import keras

    keras.backend.clear_session()  # the previous seed's models and their memory
    namespace = {"ae": ae, "keras": keras, "np": np}
    starts = ("S = ae.sizes", "(x_pool, y_pool)", "CODE_SIZE = 64", "ae.compile_autoencoder(",
              "def make_classifier", "test_batches = ae.batches", "def pick_labeled")
    cells = [c.source for c in nbformat.read(NB08, as_version=4).cells if c.cell_type == "code"]
    for start in starts:
        source = next(c for c in cells if c.startswith(start))
        exec(source.split("\naccuracy = {}")[0], namespace)  # noqa: S102 (pick_labeled: no loop)
    return namespace


@pytest.mark.seeds
@pytest.mark.parametrize("quick", [True, False])
def test_08_trained_solutions_keep_their_margins_over_five_seeds(quick, shared_data,
                                                                 monkeypatch):
    """Exercise 2's probe against its 60% goal; exercise 3's probe on random weights against
    its band; exercise 4's solution against the frozen classifier (same labels): seeds 0-4,
    the notebook's own cells."""
    import keras
    from sklearn.linear_model import LogisticRegression

    from aehelpers.exercises.notebook08 import _probe_accuracy

    tolerance = inspect.signature(ae.check_small_head).parameters["tolerance"].default
    mode = "quick" if quick else "full"
    gaps, probes, random_probes = [], [], []
    for seed in SEEDS:
        nb = _notebook08_until_the_classifiers(monkeypatch, shared_data, quick=quick, seed=seed)
        labeled = nb["pick_labeled"](100, seed=0)
        x, y = nb["x_pool"][labeled], nb["y_pool"][labeled]
        frozen = nb["train_and_test"]("frozen", x, y)
        namespace = {"keras": keras, "np": np, "make_features": nb["make_features"],
                     "pretrained_weights": nb["pretrained_weights"]}
        exec(_solution_source(4), namespace)  # noqa: S102
        model = namespace["my_train"](x, y)
        accuracy = np.mean(np.argmax(model.predict(nb["x_test"], verbose=0), axis=1)
                           == nb["y_test"])
        gaps.append(float(accuracy - frozen))
        namespace = {"keras": keras, "np": np, "features": nb["features"],
                     "pick_labeled": nb["pick_labeled"], "x_pool": nb["x_pool"],
                     "y_pool": nb["y_pool"]}
        exec(_solution_source(2), namespace)  # noqa: S102
        probe = namespace["my_probe"]
        flat = nb["features"].predict(nb["x_test"], verbose=0).reshape(len(nb["x_test"]), -1)
        probes.append(float(np.mean(probe.predict(flat) == nb["y_test"])))
        # Exercise 3: the same probe on an untrained make_features(), as its check fits it.
        untrained = nb["make_features"]()
        random_probe = LogisticRegression(max_iter=1000).fit(
            untrained.predict(x, verbose=0).reshape(len(x), -1), y)
        random_probes.append(_probe_accuracy(random_probe, untrained, nb["x_test"],
                                             nb["y_test"]))
        print(f"seed {seed}: frozen {frozen:.4f}, exercise 4 {accuracy:.4f}, "
              f"exercise 2's probe {probes[-1]:.4f}, exercise 3's {random_probes[-1]:.4f}")
    assert min(probes) >= MEASURED_08["probe_min"][mode] - 0.02, probes
    assert min(random_probes) >= MEASURED_08["random_probe_min"][mode] - 0.02, random_probes
    assert min(gaps) >= -tolerance + 0.015, gaps  # a margin of 1.5 points
    assert min(gaps) >= MEASURED_08_SMALL_HEAD["gap_min"][mode] - 0.01, gaps

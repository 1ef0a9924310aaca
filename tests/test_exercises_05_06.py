"""The exercise checks of notebooks 05 and 06: solutions pass, typical wrong answers get their hint.

The solutions that train (05's small denoiser, 06's better VAE) take longer than a unit
test may (about 40 s of CPU per seed for 05's): their margins, measured over five seeds, are
recorded in comments next to their checks in aehelpers/exercises/notebook05.py and
notebook06.py (06's re-measured by the seeds test at the end of this file, make test-seeds),
and each solution runs against its check in tests/test_notebook_runs.py.
"""

from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS

import aehelpers as ae
from aehelpers.exercises import _feedback
from benchmarks.notebook_stats import folded_solutions, notebook_settings


@pytest.fixture(autouse=True)
def _fresh_hints():
    _feedback.reset_hints()
    yield
    _feedback.reset_hints()


def _fashion(n):
    """n Fashion-MNIST-like test images: mostly 0 background, a bright blob in the middle."""
    rng = np.random.default_rng(0)
    images = np.zeros((n, 28, 28), np.float32)
    images[:, 6:22, 8:20] = rng.uniform(0.3, 1.0, (n, 16, 12))
    images[:, 10:18, 10:18] = 1.0
    return images


# ---- 05, exercise 1: predict the MSE of Gaussian-noisy images --------------------------------

def _measured(images):
    noisy = ae.add_noise(images, kind="gaussian", level=0.3, seed=1)
    return float(np.mean((noisy - images) ** 2))


def test_a_prediction_near_the_measured_mse_passes(capsys):
    images = _fashion(50)
    assert ae.check_noise_prediction(1.1 * _measured(images), images) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("prediction", "words"),
    [(None, "still None"), ("0.05", "expected a number"), (0.3, "standard deviation"),
     (0.09, "never clipped"), (0.5, "too high"), (0.001, "too low")],
)
def test_wrong_noise_predictions_get_their_hint(prediction, words, capsys):
    assert ae.check_noise_prediction(prediction, _fashion(50)) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_the_hint_grows_stronger_when_the_mistake_comes_back(capsys):
    images = _fashion(50)
    ae.check_noise_prediction(0.09, images)
    first = capsys.readouterr().out.split("Hint: ")[1]
    ae.check_noise_prediction(0.09, images)
    second = capsys.readouterr().out.split("Hint: ")[1]
    assert first != second and "half of 0.09" in second


# ---- 05, exercise 2: masking noise by hand ----------------------------------------------------

def _mask(images, fraction):
    return images * (np.random.default_rng().random(images.shape) >= fraction)


def _mask_in_place(images, fraction):
    images[np.random.default_rng().random(images.shape) < fraction] = 0
    return images


def test_a_right_masking_function_passes(capsys):
    assert ae.check_masking_function(_mask) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "still None"),
        (42, "expected a function"),
        (_mask_in_place, "changed the images"),
        (lambda x, f: _mask(x, f / 2), "instead of about 30%"),
        (lambda x, f: _mask(x, 1 - f), "Which pixels does your comparison keep"),
        (lambda x, f: np.clip(x + f * np.random.default_rng(0).normal(size=x.shape), 0, 1),
         "keep their value"),
        (lambda x, f: x * (np.random.default_rng().random(x.shape) >= f) / (1 - min(f, 0.5)),
         "does not rescale"),
        (lambda x, f: _mask(x, f)[:10], "shape"),
        (lambda x: x, "raised TypeError"),
        (lambda x, f: None, "returns None"),
        (lambda x, f: x * (np.random.default_rng().random(x.shape[1:]) >= f), "same pixels"),
        # One mask for all images, 24% hidden (this seed): the shared mask is the mistake to name.
        (lambda x, f: x * (np.random.default_rng(0).random(x.shape[1:]) >= 0.85 * f),
         "same pixels"),
        (lambda x, f: x.copy(), "0% of the pixels were set to 0 instead of about 30%"),
        (lambda x, f: x * 0, "100% of the pixels were set to 0 instead of about 0%"),
        (lambda x, f: x * (np.random.default_rng(1).random(x.shape) >= f), "two calls"),
    ],
)
def test_wrong_masking_functions_get_their_hint(answer, words, capsys):
    assert ae.check_masking_function(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_masking_check_rejects_a_bad_image_shape():
    with pytest.raises(ValueError, match="check_masking_function.*image_shape"):
        ae.check_masking_function(_mask, image_shape=(28, -1))


# ---- 05, exercise 3: a small denoiser ---------------------------------------------------------

def _small_denoiser(filters=(16, 32)):
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(filters[1], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(filters[1], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(filters[0], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        layers.Reshape((28, 28)),
    ])


def _flat_classifier():
    import keras

    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(10)])


def test_an_untrained_small_denoiser_is_told_it_does_not_denoise(capsys):
    assert ae.check_small_denoiser(_small_denoiser(), _fashion(40)) is False
    out = capsys.readouterr().out
    assert "no closer to the clean images than the noisy input" in out


@pytest.mark.parametrize(
    ("answer", "words"),
    [(None, "still None"), ("model", "expected a Keras model"),
     (lambda: _small_denoiser((64, 128)), "the budget is 25,000"),
     (lambda: _flat_classifier(), "returns shape")],
)
def test_wrong_small_denoisers_get_their_hint(answer, words, capsys):
    model = answer() if callable(answer) else answer
    assert ae.check_small_denoiser(model, _fashion(40)) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_a_denoiser_that_beats_the_filters_passes(capsys):
    import keras

    images = _fashion(40)

    class Oracle(keras.Model):  # "denoises" perfectly: it knows the clean images
        def call(self, x):
            return keras.ops.convert_to_tensor(images[: keras.ops.shape(x)[0]])

    oracle = Oracle()
    oracle(np.zeros((1, 28, 28), np.float32))
    assert ae.check_small_denoiser(oracle, images) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(("kwargs", "error"), [({"max_weights": 0}, ValueError),
                                               ({"target": 2.0}, ValueError),
                                               ({"target": "0.7"}, TypeError)])
def test_small_denoiser_check_rejects_bad_options(kwargs, error):
    with pytest.raises(error, match="check_small_denoiser"):
        ae.check_small_denoiser(None, _fashion(20), **kwargs)


# ---- 06, exercise 2: the KL term by hand ------------------------------------------------------

def _kl(m, lv):
    return -0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=1)


def test_a_right_kl_term_passes(capsys):
    assert ae.check_kl_term(_kl) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "still None"),
        (3.0, "expected a function"),
        (lambda m, lv: -_kl(m, lv), "wrong sign"),
        (lambda m, lv: 2 * _kl(m, lv), "0.5 is missing"),
        (lambda m, lv: -0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=0), "one number per code"),
        (lambda m, lv: -0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv)), "single number"),
        (lambda m, lv: -0.5 * np.mean(1 + lv - m ** 2 - np.exp(lv), axis=1), "mean over"),
        (lambda m, lv: -0.5 * np.sum(lv - m ** 2 - np.exp(lv), axis=1), "1 inside the sum"),
        (lambda m, lv: -0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv / 2), axis=1), "standard dev"),
        (lambda m, lv: -0.5 * np.sum(1 + lv - m ** 2 - lv, axis=1), "uses z_log_var where"),
        (lambda m, lv: -0.5 * np.sum(1 + lv - m - np.exp(lv), axis=1), "the KL is"),
        (lambda m, lv: undefined_name, "raised NameError"),  # noqa: F821
    ],
)
def test_wrong_kl_terms_get_their_hint(answer, words, capsys):
    assert ae.check_kl_term(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


# ---- 06, exercise 1: predict the reconstruction term of a collapsed decoder -----------------

class _EvaluatedVAE:
    """Stands in for a trained VAE: its evaluate() reports fixed terms (nats per image)."""

    encoder = None

    def __init__(self, reconstruction, kl):
        self.terms = {"reconstruction_loss": reconstruction, "kl_loss": kl, "loss": 0.0}

    def evaluate(self, *args, **kwargs):
        return dict(self.terms)


def _bce(images, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(np.sum(-(images * np.log(p) + (1 - images) * np.log(1 - p)),
                                axis=(1, 2))))


def test_the_collapse_numbers_are_the_cross_entropies_of_the_mean_image_and_of_one_half():
    images = _fashion(30)
    collapsed = _bce(images, np.broadcast_to(images.mean(0), images.shape))
    untrained = _bce(images, np.full(images.shape, 0.5))
    assert collapsed < untrained  # the mean image knows where the background is
    # A VAE a little better than the mean image: the truth is "b", and "b" passes.
    vae = _EvaluatedVAE(collapsed - 20, 5.0)
    out = []
    for choice in ("b", "(B) ", "a", "c"):
        ok = ae.check_collapse_prediction(choice, vae=vae, images=images, train_images=images)
        out.append(ok)
    assert out == [True, True, False, False]
    # A VAE worse than the mean image: now "c" is the truth.
    assert ae.check_collapse_prediction("c", vae=_EvaluatedVAE(collapsed + 20, 5.0),
                                        images=images, train_images=images) is True


def test_the_collapse_check_prints_the_measured_terms(capsys):
    images = _fashion(30)
    untrained = _bce(images, np.full(images.shape, 0.5))
    ae.check_collapse_prediction("b", vae=_EvaluatedVAE(12.0, 3.0), images=images,
                                 train_images=images)
    out = capsys.readouterr().out
    assert out.startswith("Correct") and f"all pixels 0.5 {untrained:.1f} nats" in out, out
    assert "the trained VAE 12.0 (plus a KL term of 3.0)" in out, out


@pytest.mark.parametrize(
    ("prediction", "words"),
    [(None, "still None"), ("d", "not one of the choices"), (2, "not one of the choices"),
     ("a", "Is 0.5 the best single guess"), ("c", "same image to a 1 and to an 8")],
)
def test_wrong_collapse_predictions_get_their_hint(prediction, words, capsys):
    images = _fashion(30)
    assert ae.check_collapse_prediction(prediction, vae=_EvaluatedVAE(12.0, 3.0), images=images,
                                        train_images=images) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_the_collapse_check_rejects_images_that_are_not_pixels():
    with pytest.raises(ValueError, match="check_collapse_prediction.*train_images"):
        ae.check_collapse_prediction("b", vae=_EvaluatedVAE(1.0, 1.0), images=_fashion(20),
                                     train_images=2 * _fashion(20))


# ---- 06, exercise 3: a better VAE --------------------------------------------------------------

@pytest.mark.parametrize(
    ("mine", "words", "ok"),
    [((100.0, 5.0), "15.0 nats better", True),
     ((110.0, 5.0), "at least 10 nats below", False),
     ((80.0, 40.0), "at least 10 nats below", False),  # a smaller reconstruction, a larger KL
     ((float("nan"), 5.0), "not finite", False)],
)
def test_the_better_vae_check_compares_reconstruction_plus_kl(mine, words, ok, capsys):
    baseline = _EvaluatedVAE(110.0, 10.0)  # 120 nats
    assert ae.check_better_vae(_EvaluatedVAE(*mine), baseline=baseline, images=_fashion(20)) is ok
    out = capsys.readouterr().out
    assert out.startswith("Correct" if ok else "Not yet") and words in out, out


class _Broken(_EvaluatedVAE):
    def evaluate(self, *args, **kwargs):
        raise RuntimeError("You must call `compile()` before using the model.")


@pytest.mark.parametrize(
    ("answer", "words"),
    [(None, "still None"), (42, "expected a trained VAE"),
     (_Broken(1.0, 1.0), "could not evaluate the model: You must call `compile()`")],
)
def test_wrong_better_vaes_get_their_hint(answer, words, capsys):
    assert ae.check_better_vae(answer, baseline=_EvaluatedVAE(110.0, 10.0),
                               images=_fashion(20)) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


@pytest.mark.parametrize(("margin", "error"), [(-1, ValueError), ("10", TypeError),
                                               (float("nan"), ValueError)])
def test_the_better_vae_check_rejects_a_bad_margin(margin, error):
    with pytest.raises(error, match="check_better_vae.*margin"):
        ae.check_better_vae(None, baseline=None, images=_fashion(20), margin=margin)


def test_a_smaller_kl_weight_does_not_count_as_a_better_vae(capsys):
    """Same weights, beta 0.01 against beta 1: the check scores both with the KL at weight 1."""
    import keras

    one = ae.build_vae(input_shape=(28, 28), latent_dim=2, hidden_sizes=(16,), seed=0).vae
    small_beta = ae.build_vae(input_shape=(28, 28), latent_dim=2, hidden_sizes=(16,), beta=0.01,
                              seed=0).vae
    images = _fashion(40)
    for model in (one, small_beta):
        model(images[:1])
        model.compile(optimizer=keras.optimizers.Adam())
    z_mean = one.encoder.get_layer("z_mean")
    z_mean.bias.assign(np.full(2, 3.0, np.float32))  # codes far from the prior: a KL of ~9 nats
    small_beta.set_weights(one.get_weights())
    assert small_beta.evaluate(images, verbose=0, return_dict=True)["loss"] < one.evaluate(
        images, verbose=0, return_dict=True)["loss"] - 5.0  # its own loss looks better...
    assert ae.check_better_vae(small_beta, baseline=one, images=images, margin=5.0) is False
    out = capsys.readouterr().out  # ... but not by the measure the check uses
    assert "Not yet" in out and "at least 5 nats below" in out, out


# ---- 06, exercise 3: the better VAE's margin over five seeds (make test-seeds) ----

NB06 = Path(__file__).resolve().parents[1] / "notebooks" / "06_variational_autoencoder.ipynb"

# What the solution gained (nats of test loss below the notebook's VAE; the goal is 10),
# measured by the test below, seeds 0-4, both trained with the notebook's RECIPE
# (ae.DENSE_RECIPE). Quick mode: 33.3, 33.9, 32.2, 32.3, 34.0; full mode: 34.6, 33.3, 35.2,
# 32.3, 33.1.
MEASURED_06_GAIN_MIN = {"quick": 32.2, "full": 32.3}


def test_the_measured_vae_gains_clear_the_goal():
    import inspect

    margin = inspect.signature(ae.check_better_vae).parameters["margin"].default
    assert min(MEASURED_06_GAIN_MIN.values()) >= margin + 10


@pytest.mark.seeds
@pytest.mark.parametrize("quick", [True, False])
def test_06_better_vae_keeps_its_margin_over_five_seeds(quick, shared_data, monkeypatch):
    """Exercise 3's solution against the notebook's VAE (ae.build_vae builds the same layers,
    tests/test_claims_05_06.py), both trained as the notebook trains them, seeds 0-4."""
    import keras

    from aehelpers.exercises.notebook06 import _vae_terms

    monkeypatch.setenv("AEHELPERS_DATA_DIR", str(shared_data))
    monkeypatch.setenv("AEHELPERS_QUICK", "1" if quick else "0")
    settings = notebook_settings(NB06)
    S, recipe = settings["S"], settings["RECIPE"]
    solution = folded_solutions(NB06)[3]
    gains = []
    for seed in SEEDS:
        ae.setup_notebook(seed, verbose=False)
        keras.backend.clear_session()
        namespace = {"ae": ae, "keras": keras, "np": np, "S": S, "RECIPE": recipe}
        (x_train, _), (x_test, _) = ae.load_mnist(n_train=S.n_train, n_test=S.n_test)
        vae = ae.build_vae(input_shape=(28, 28), latent_dim=2, hidden_sizes=(512, 256),
                           seed=0).vae
        vae.compile(optimizer=ae.make_optimizer(recipe=recipe, epochs=S.epochs,
                                                n_train=len(x_train)),
                    steps_per_execution=recipe.steps_per_execution)
        vae.fit(ae.batches(x_train, recipe=recipe), epochs=S.epochs, verbose=0)
        namespace.update(x_train=x_train)
        exec(solution, namespace)  # noqa: S102
        base, mine = sum(_vae_terms(vae, x_test)), sum(_vae_terms(namespace["my_vae"], x_test))
        gains.append(float(base - mine))
        print(f"seed {seed}: the notebook's VAE {base:.1f} nats, the solution {mine:.1f}")
    assert min(gains) >= 20, gains  # the goal is 10 nats: a margin of 10 more
    measured = MEASURED_06_GAIN_MIN.get("quick" if quick else "full")
    assert measured is None or min(gains) >= measured - 5, gains

"""Bad input to a public function gets a clear ValueError/TypeError from aehelpers.

Each case names the argument the message must mention. The error must be raised inside
aehelpers (its own check), not deep in TensorFlow or NumPy.
"""

import traceback
import warnings

import numpy as np
import pytest

import aehelpers as ae

IMAGES = np.random.default_rng(0).random((6, 28, 28)).astype(np.float32)
FLAT = IMAGES.reshape(6, -1)
CODES = np.random.default_rng(1).normal(size=(6, 2)).astype(np.float32)


def _tiny_model():
    return ae.build_dense_autoencoder(input_shape=(28, 28), code_size=2, hidden_sizes=(8,))


CASES = {
    # loaders and data
    "dataset name unknown": (lambda: ae.load_dataset("cifar"), ValueError, "name"),
    "n_train zero": (lambda: ae.load_mnist(n_train=0), ValueError, "n_train"),
    "n_test negative": (lambda: ae.load_fashion_mnist(n_test=-1), ValueError, "n_test"),
    "n_train float": (lambda: ae.load_mnist(n_train=1.5), TypeError, "n_train"),
    "flatten not bool": (lambda: ae.load_mnist(flatten="no"), TypeError, "flatten"),
    "data_dir a number": (lambda: ae.load_mnist(data_dir=3), TypeError, "data_dir"),
    "3d cloud too small": (lambda: ae.make_3d_data(3), ValueError, "n_points"),
    "3d cloud NaN noise": (lambda: ae.make_3d_data(100, noise=np.nan), ValueError, "noise"),
    "sizes zero epochs": (lambda: ae.sizes(epochs=0), ValueError, "epochs"),
    "seed negative": (lambda: ae.set_seed(-1), ValueError, "seed"),
    # builders
    "code larger than input": (
        lambda: ae.build_dense_autoencoder(input_shape=(784,), code_size=1000), ValueError,
        "code_size"),
    "code size zero": (lambda: ae.build_dense_autoencoder(code_size=0), ValueError, "code_size"),
    "code size string": (lambda: ae.build_dense_autoencoder(code_size="32"), TypeError,
                         "code_size"),
    "negative input shape": (lambda: ae.build_stacked_autoencoder(input_shape=(-784,)),
                             ValueError, "input_shape"),
    "hidden narrower than code": (
        lambda: ae.build_stacked_autoencoder(code_size=64, hidden_sizes=(256, 32)), ValueError,
        "hidden_sizes"),
    "unknown activation": (lambda: ae.build_dense_autoencoder(activation="relux"), ValueError,
                           "activation"),
    "conv odd image size": (lambda: ae.build_conv_autoencoder(input_shape=(27, 27, 1)),
                            ValueError, "input_shape"),
    "conv zero filters": (lambda: ae.build_conv_autoencoder(filters=(0, 8)), ValueError,
                          "filters"),
    "vae latent zero": (lambda: ae.build_vae(latent_dim=0), ValueError, "latent_dim"),
    "vae negative beta": (lambda: ae.build_vae(beta=-1.0), ValueError, "beta"),
    "recipe of wrong type": (lambda: ae.make_optimizer(recipe="fast"), TypeError, "recipe"),
    # noise
    "noise level above one": (lambda: ae.add_noise(IMAGES, kind="mask", level=1.5), ValueError,
                              "level"),
    "noise kind unknown": (lambda: ae.add_noise(IMAGES, kind="salt"), ValueError, "kind"),
    "noise on NaN images": (lambda: ae.add_noise(np.full((2, 28, 28), np.nan)), ValueError,
                            "images"),
    # plots
    "3d plot of 2d points": (lambda: ae.plot_3d_cloud(np.zeros((10, 2))), ValueError, "points"),
    "codes and labels differ": (lambda: ae.plot_codes(CODES, labels=[0, 1]), ValueError,
                                "labels"),
    "reconstructions count differs": (
        lambda: ae.plot_reconstructions(IMAGES, IMAGES[:3]), ValueError, "reconstructions"),
    "images with inf": (lambda: ae.plot_images(np.full((2, 28, 28), np.inf)), ValueError,
                        "images"),
    "history without losses": (lambda: ae.plot_history({}), ValueError, "history"),
    # anomaly scoring
    "threshold quantile above one": (
        lambda: ae.pick_threshold(np.ones(10), quantile=1.5), ValueError, "quantile"),
    "errors for a model of another shape": (
        lambda: ae.reconstruction_errors(_tiny_model().autoencoder, np.zeros((2, 32, 32))),
        ValueError, "images"),
    # widgets
    "browser without a model": (lambda: ae.reconstruction_browser(None, IMAGES), TypeError,
                                "model"),
    "browser labels of another length": (
        lambda: ae.reconstruction_browser(_tiny_model().autoencoder, IMAGES, labels=[1, 2]),
        ValueError, "labels"),
    "browser rank-1 images": (
        lambda: ae.reconstruction_browser(_tiny_model().autoencoder, np.zeros(784)), ValueError,
        "images"),
    "explorer codes of rank 1": (
        lambda: ae.latent_explorer(_tiny_model().decoder, codes=np.zeros(5)), ValueError,
        "codes"),
    "interpolation of one image": (
        lambda: ae.interpolation_widget(_tiny_model().encoder, _tiny_model().decoder, IMAGES[:1]),
        ValueError, "images"),
    "live view every zero": (lambda: ae.LiveTrainingView(IMAGES[:4], every=0), ValueError,
                             "every"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_clear_error_naming_the_argument(case):
    call, error, argument = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(error) as caught:
            call()
    assert argument in str(caught.value), f"{case}: message does not name {argument!r}"
    raised_in = traceback.extract_tb(caught.value.__traceback__)[-1].filename
    assert "/aehelpers/" in raised_in, f"{case}: raised in {raised_in}, not by aehelpers"


def test_there_are_enough_cases():
    assert len(CASES) >= 25


def test_widgets_convert_0_to_255_images_with_one_warning():
    with pytest.warns(UserWarning, match="0-255") as record:
        pixels = (IMAGES * 255).astype(np.uint8)
        widget = ae.reconstruction_browser(_tiny_model().autoencoder, pixels)
    assert len(record) == 1 and widget is not None


def test_noise_rejects_0_to_255_images_and_says_how_to_fix():
    with pytest.raises(ValueError, match=r"images must hold pixel values in \[0, 1\].*by 255"):
        ae.add_noise((IMAGES * 255).astype(np.float32), level=0.1)

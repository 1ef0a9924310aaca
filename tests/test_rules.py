"""One rule per kind of check, the same in every module: images, and the exception types."""

import warnings

import numpy as np
import pytest

import aehelpers as ae

IMAGES = np.random.default_rng(0).random((4, 28, 28)).astype(np.float32)


def _identity(batch):
    return batch


# Every public function that takes images, called on the given images.
TAKES_IMAGES = {
    "add_noise": lambda x: ae.add_noise(x, level=0.1, seed=0),
    "reconstruction_errors": lambda x: ae.reconstruction_errors(_identity, x),
    "plot_images": lambda x: ae.plot_images(x),
    "plot_reconstructions": lambda x: ae.plot_reconstructions(x, x),
    "batches": lambda x: ae.batches(x),
    "reconstruction_browser": lambda x: ae.reconstruction_browser(_identity, x),
    "denoising_widget": lambda x: ae.denoising_widget(_identity, x),
    "LiveTrainingView": lambda x: ae.LiveTrainingView(x),
}


@pytest.mark.parametrize("name", sorted(TAKES_IMAGES))
def test_every_function_applies_the_same_image_rule(name):
    call = TAKES_IMAGES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert call(IMAGES) is not None  # floats in [0, 1]: accepted silently
    with pytest.warns(UserWarning, match="dividing by 255"):
        call(np.rint(IMAGES * 255).astype(np.uint8))  # 0-255 integers: divided, warned
    for bad, words in ((IMAGES * 255, r"\[0, 1\]"), (IMAGES - 0.5, r"\[0, 1\]"),
                       (np.where(IMAGES > 0.5, np.nan, IMAGES), "NaN"),
                       (IMAGES[0, 0], "at least 2 dimensions")):
        with pytest.raises(ValueError, match=f"{name}.*{words}"):
            call(bad)
    with pytest.raises(TypeError, match=name):
        call(np.array([["a", "b"]]))


# One wrong TYPE and one wrong VALUE for a count, a number and a seed in several modules.
COUNTS = {
    "reconstruction_errors batch_size": lambda v: ae.reconstruction_errors(
        _identity, IMAGES, batch_size=v),
    "predict_in_batches batch_size": lambda v: ae.predict_in_batches(_identity, IMAGES,
                                                                     batch_size=v),
    "batches batch_size": lambda v: ae.batches(IMAGES, batch_size=v),
    "plot_images n_cols": lambda v: ae.plot_images(IMAGES, n_cols=v),
    "plot_error_histograms bins": lambda v: ae.plot_error_histograms({"a": [1.0, 2.0]}, bins=v),
    "LiveTrainingView every": lambda v: ae.LiveTrainingView(IMAGES, every=v),
    "Recipe batch_size": lambda v: ae.Recipe(batch_size=v),
    "make_optimizer epochs": lambda v: ae.make_optimizer(epochs=v, n_train=10),
    "build_dense_autoencoder code_size": lambda v: ae.build_dense_autoencoder(code_size=v),
    "build_vae latent_dim": lambda v: ae.build_vae(latent_dim=v),
    "add_noise seed": lambda v: ae.add_noise(IMAGES, seed=v if v != 0 else -1),
    "batches seed": lambda v: ae.batches(IMAGES, seed=v if v != 0 else -1),
    "denoising_widget seed": lambda v: ae.denoising_widget(_identity, IMAGES,
                                                           seed=v if v != 0 else -1),
}


@pytest.mark.parametrize("case", sorted(COUNTS))
def test_a_non_integer_count_is_a_type_error_and_a_bad_one_a_value_error(case):
    call = COUNTS[case]
    argument = case.split()[1]
    for wrong_type in (2.5, "3", True):
        with pytest.raises(TypeError, match=argument):
            call(wrong_type)
    with pytest.raises(ValueError, match=argument):
        call(0)


@pytest.mark.parametrize("call, argument", [
    (lambda v: ae.pick_threshold([1.0, 2.0], quantile=v), "quantile"),
    (lambda v: ae.add_noise(IMAGES, level=v), "level"),
    (lambda v: ae.denoising_widget(_identity, IMAGES, level=v), "level"),
    (lambda v: ae.build_vae(beta=v), "beta"),
])
def test_a_non_number_is_a_type_error_and_a_bad_number_a_value_error(call, argument):
    with pytest.raises(TypeError, match=argument):
        call("0.5")
    with pytest.raises(ValueError, match=argument):
        call(-1.0)


def test_images_are_drawn_dark_ink_on_white_paper_everywhere():
    from aehelpers._images import IMAGE_STYLE, png, to_levels

    assert IMAGE_STYLE == {"cmap": "gray_r", "vmin": 0.0, "vmax": 1.0}
    figure = ae.plot_images(IMAGES[:2])
    shown = figure.axes[0].images[0]
    assert shown.get_cmap().name == "gray_r" and shown.get_clim() == (0.0, 1.0)
    import io

    from PIL import Image

    picture = np.asarray(Image.open(io.BytesIO(png(to_levels(np.array([[0.0, 1.0]]))))))
    assert picture[0, 0].tolist() == [255, 255, 255] and picture[0, 1].tolist() == [0, 0, 0]

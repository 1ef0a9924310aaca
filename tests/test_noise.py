"""Tests for aehelpers.noise: add_noise."""

import subprocess
import sys

import numpy as np
import pytest

import aehelpers as ae


@pytest.fixture
def images():
    return np.random.default_rng(0).random((20, 28, 28), dtype=np.float32)


# --------------------------------------------------------------------------- add_noise


def test_gaussian_noise_has_the_asked_strength_and_stays_in_range():
    grey = np.full((200, 28, 28), 0.5, dtype=np.float32)  # far from 0 and 1: little clipping
    noisy = ae.add_noise(grey, kind="gaussian", level=0.1, seed=0)
    assert noisy.shape == grey.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert np.std(noisy - grey) == pytest.approx(0.1, rel=0.02)
    assert abs(np.mean(noisy - grey)) < 0.002


def test_strong_gaussian_noise_is_clipped_to_pixel_range(images):
    noisy = ae.add_noise(images, kind="gaussian", level=2.0, seed=1)
    assert noisy.min() == 0.0 and noisy.max() == 1.0


def test_mask_hides_the_asked_fraction_and_keeps_the_rest(images):
    bright = images * 0.9 + 0.1  # no pixel is 0 before masking
    noisy = ae.add_noise(bright, kind="mask", level=0.3, seed=0)
    hidden = noisy == 0
    assert hidden.mean() == pytest.approx(0.3, abs=0.01)
    np.testing.assert_array_equal(noisy[~hidden], bright[~hidden])


def test_input_is_not_changed_and_level_zero_gives_the_images_back(images):
    before = images.copy()
    for kind in ("gaussian", "mask"):
        same = ae.add_noise(images, kind=kind, level=0.0, seed=0)
        np.testing.assert_array_equal(same, images)
        assert same is not images
        ae.add_noise(images, kind=kind, level=0.5, seed=0)
    np.testing.assert_array_equal(images, before)


def test_full_mask_hides_everything(images):
    assert not ae.add_noise(images, kind="mask", level=1.0, seed=0).any()


def test_seed_repeats_the_noise_and_none_draws_fresh_noise(images):
    a = ae.add_noise(images, level=0.3, seed=7)
    b = ae.add_noise(images, level=0.3, seed=7)
    c = ae.add_noise(images, level=0.3, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(ae.add_noise(images, level=0.3), ae.add_noise(images, level=0.3))
    rng = np.random.default_rng(3)
    first, second = ae.add_noise(images, seed=rng), ae.add_noise(images, seed=rng)
    assert not np.array_equal(first, second)


def test_one_level_per_image():
    grey = np.full((3, 2000), 0.5, dtype=np.float32)
    noisy = ae.add_noise(grey, kind="gaussian", level=[0.0, 0.05, 0.2], seed=0)
    stds = np.std(noisy - grey, axis=1)
    assert stds[0] == 0.0
    assert stds[1] == pytest.approx(0.05, rel=0.1)
    assert stds[2] == pytest.approx(0.2, rel=0.1)
    masked = ae.add_noise(grey, kind="mask", level=np.array([0.0, 0.5, 1.0]), seed=0)
    assert (masked == 0).mean(axis=1) == pytest.approx([0.0, 0.5, 1.0], abs=0.04)


def test_integer_images_are_0_to_255_and_divided_by_255_with_a_warning():
    levels = np.random.default_rng(0).integers(0, 256, size=(4, 5, 5)).astype(np.uint8)
    with pytest.warns(UserWarning, match="dividing by 255"):
        noisy = ae.add_noise(levels, kind="mask", level=0.0, seed=0)
    assert noisy.dtype == np.float32
    np.testing.assert_allclose(noisy, levels / 255.0, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"kind": "salt"}, ValueError, "kind must be one of"),
        ({"level": -0.1}, ValueError, "level"),
        ({"level": float("nan")}, ValueError, "level"),
        ({"level": "0.3"}, TypeError, "level"),
        ({"level": True}, TypeError, "level"),
        ({"kind": "mask", "level": 1.5}, ValueError, "between 0 and 1"),
        ({"level": [0.1, 0.2]}, ValueError, "one value per image"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
    ],
)
def test_add_noise_rejects_bad_options(images, kwargs, error, words):
    with pytest.raises(error, match="add_noise") as info:
        ae.add_noise(images, **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (np.full((2, 4), 255.0), ValueError, "divide 0-255 images by 255"),
        (np.full((2, 4), -0.5), ValueError, "[0, 1]"),
        (np.array([[0.1, np.nan]]), ValueError, "[0, 1]"),
        (np.zeros((0, 28, 28)), ValueError, "empty"),
        (np.float32(0.5), ValueError, "at least 2 dimensions"),
        (np.array([["a", "b"]]), TypeError, "numbers"),
        (np.array([[1 + 2j]]), TypeError, "numbers"),
    ],
)
def test_add_noise_rejects_bad_images(bad, error, words):
    with pytest.raises(error, match="add_noise") as info:
        ae.add_noise(bad)
    assert words in str(info.value)


def test_noise_needs_no_tensorflow():
    code = (
        "import sys, numpy as np, aehelpers as ae\n"
        "ae.add_noise(np.zeros((2, 3)), level=0.1, seed=0)\n"
        "try:\n"
        "    ae.add_noise(np.zeros((2, 3)), kind='pepper')\n"
        "except ValueError:\n"
        "    pass\n"
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]

"""The loaders read the official IDX files, pick stratified subsets and fail clearly."""

import gzip
import shutil
import urllib.error

import keras
import numpy as np
import pytest
from conftest import write_dataset, write_idx

import aehelpers as ae
from aehelpers import data

# ----------------------------------------------------------------- reading real files

@pytest.mark.parametrize(
    ("loader", "n_train"), [(ae.load_fashion_mnist, 60_000), (ae.load_mnist, 10_000)]
)
def test_loads_both_data_sets_from_the_local_folder(shared_data, loader, n_train):
    (x_train, y_train), (x_test, y_test) = loader(data_dir=shared_data)
    assert x_train.shape == (n_train, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() >= 0.0 and x_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))
    assert len(y_train) == n_train


def test_fashion_mnist_matches_its_published_statistics(shared_data):
    (x_train, _), _ = ae.load_fashion_mnist(data_dir=shared_data)
    assert x_train.mean() == pytest.approx(0.2860, abs=5e-4)
    assert x_train.std() == pytest.approx(0.3530, abs=5e-3)


def test_environment_variable_selects_the_folder(tiny_data_dir, monkeypatch):
    monkeypatch.setenv("AEHELPERS_DATA_DIR", str(tiny_data_dir))
    (x_train, _), (x_test, _) = ae.load_mnist()
    assert len(x_train) == 60 and len(x_test) == 20


def test_argument_wins_over_the_environment_variable(tiny_data_dir, tmp_path, monkeypatch):
    other = tmp_path / "other"
    write_dataset(other / "mnist", n_train=30, n_test=10)
    monkeypatch.setenv("AEHELPERS_DATA_DIR", str(tiny_data_dir))
    (x_train, _), _ = ae.load_mnist(data_dir=other)
    assert len(x_train) == 30


def test_pixels_are_scaled_exactly_from_the_file(tmp_path):
    arrays = write_dataset(tmp_path / "fashion-mnist")
    (x_train, y_train), _ = ae.load_fashion_mnist(data_dir=tmp_path, flatten=True)
    images, labels = arrays["train"]
    assert x_train.shape == (60, 784)
    np.testing.assert_array_equal(x_train, images.reshape(60, -1).astype(np.float32) / 255)
    np.testing.assert_array_equal(y_train, labels)


# ----------------------------------------------------------------- stratified subsets

def test_subset_keeps_every_class_in_proportion(shared_data):
    (x, y), (xt, yt) = ae.load_fashion_mnist(data_dir=shared_data, n_train=1_000, n_test=250)
    assert len(x) == 1_000 and len(xt) == 250
    assert np.bincount(y).tolist() == [100] * 10
    assert sorted(np.bincount(yt).tolist()) == [25] * 10


def test_subset_is_not_the_first_n_and_depends_on_the_seed(tiny_data_dir):
    (x0, _), _ = ae.load_mnist(data_dir=tiny_data_dir, n_train=20, seed=0)
    (x0_again, _), _ = ae.load_mnist(data_dir=tiny_data_dir, n_train=20, seed=0)
    (x1, _), _ = ae.load_mnist(data_dir=tiny_data_dir, n_train=20, seed=1)
    (full, _), _ = ae.load_mnist(data_dir=tiny_data_dir)
    np.testing.assert_array_equal(x0, x0_again)
    assert not np.array_equal(x0, x1)
    assert not np.array_equal(x0, full[:20])


def test_stratified_indices_share_out_remainders_by_size():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    picked = data.stratified_indices(labels, 7, seed=3)
    assert len(picked) == 7 and len(set(picked)) == 7
    assert np.bincount(labels[picked]).tolist() == [4, 2, 1]


# ----------------------------------------------------------------- broken files

def test_truncated_file_is_named(tiny_data_dir):
    path = tiny_data_dir / "mnist" / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[: len(raw) // 2]))
    with pytest.raises(ae.DataError, match=r"train-images-idx3-ubyte\.gz.*truncated"):
        ae.load_mnist(data_dir=tiny_data_dir)


def test_cut_off_gzip_stream_is_named(tiny_data_dir):
    path = tiny_data_dir / "mnist" / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ae.DataError, match=r"t10k-images-idx3-ubyte\.gz.*gzip"):
        ae.load_mnist(data_dir=tiny_data_dir)


def test_wrong_magic_number_is_named(tiny_data_dir):
    path = tiny_data_dir / "fashion-mnist" / "train-labels-idx1-ubyte.gz"
    write_idx(path, np.zeros(60), magic=2051 + 7)
    with pytest.raises(ae.DataError, match=r"train-labels-idx1-ubyte\.gz.*magic number 2058"):
        ae.load_fashion_mnist(data_dir=tiny_data_dir)


def test_counts_that_disagree_are_named(tiny_data_dir):
    write_idx(tiny_data_dir / "mnist" / "train-labels-idx1-ubyte.gz", np.zeros(59))
    with pytest.raises(ae.DataError, match=r"60 images but .* 59 labels"):
        ae.load_mnist(data_dir=tiny_data_dir)


def test_labels_outside_0_to_9_are_rejected(tiny_data_dir):
    write_idx(tiny_data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz", np.full(20, 12))
    with pytest.raises(ae.DataError, match=r"t10k-labels.*0-9, found 12"):
        ae.load_mnist(data_dir=tiny_data_dir)


def test_images_that_are_not_28x28_are_rejected(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.zeros((3, 32, 32)))
    with pytest.raises(ae.DataError, match=r"x\.gz: images are 32x32, expected 28x28"):
        ae.read_idx(path, expect="images")


def test_missing_file_in_the_folder_is_named(tiny_data_dir):
    (tiny_data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ae.DataError, match=r"missing t10k-labels-idx1-ubyte\.gz"):
        ae.load_mnist(data_dir=tiny_data_dir)


def test_missing_folder_says_where_it_looked(tmp_path):
    with pytest.raises(ae.DataError, match=r"not a folder"):
        ae.load_mnist(data_dir=tmp_path / "nowhere")


def test_folder_without_the_data_set_says_how_to_fix(tmp_path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    with pytest.raises(ae.DataError, match=r"no fashion-mnist/ folder.*AEHELPERS_DATA_DIR"):
        ae.load_fashion_mnist(data_dir=tmp_path)


# ----------------------------------------------------------------- offline, no folder

def _offline(*args, **kwargs):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_offline_without_a_folder_gives_one_clear_message(name, no_data_env, monkeypatch):
    loader = getattr(keras.datasets, name)
    monkeypatch.setattr(loader, "load_data", _offline)
    with pytest.raises(ae.DataError) as caught:
        ae.load_dataset(name)
    message = str(caught.value)
    assert "AEHELPERS_DATA_DIR" in message and "internet" in message
    assert "URLError" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_failed_download_leaves_nothing_half_written(no_data_env, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    partial = tmp_path / "datasets" / "mnist.npz"

    def write_half_then_fail(*args, **kwargs):
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"PK\x03\x04 half a zip")
        raise urllib.error.HTTPError("https://example.invalid", 503, "Unavailable", {}, None)

    monkeypatch.setattr(keras.datasets.mnist, "load_data", write_half_then_fail)
    with pytest.raises(ae.DataError, match=r"HTTPError.*Removed the incomplete"):
        ae.load_mnist()
    assert not partial.exists()


# ----------------------------------------------------------------- bad arguments

@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_train": 0}, ValueError, r"n_train must be positive"),
        ({"n_test": -5}, ValueError, r"n_test must be positive"),
        ({"n_train": 61}, ValueError, r"n_train=61 is more than the 60 training images"),
        ({"n_train": 2.5}, TypeError, r"n_train must be an integer"),
        ({"flatten": "yes"}, TypeError, r"flatten must be True or False"),
    ],
)
def test_bad_loader_options_are_named(tiny_data_dir, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ae.load_mnist(data_dir=tiny_data_dir, **kwargs)


def test_unknown_data_set_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"name must be one of \['fashion_mnist', 'mnist'\]"):
        ae.load_dataset("cifar10")


def test_data_dir_of_the_wrong_type_is_rejected():
    with pytest.raises(TypeError, match=r"data_dir must be a path"):
        ae.load_mnist(data_dir=42)


# ----------------------------------------------------------------- the 3D cloud

def test_3d_cloud_is_seeded_and_shaped():
    a = ae.make_3d_data(500, seed=7)
    assert a.shape == (500, 3) and a.dtype == np.float32
    np.testing.assert_array_equal(a, ae.make_3d_data(500, seed=7))
    assert not np.array_equal(a, ae.make_3d_data(500, seed=8))


def test_3d_cloud_is_mostly_but_not_entirely_a_plane():
    points = ae.make_3d_data(2_000, seed=0)
    variances = np.linalg.svd(points - points.mean(0), compute_uv=False) ** 2
    explained = variances[:2].sum() / variances.sum()
    assert 0.85 < explained < 0.99


def test_flat_cloud_without_noise_is_exactly_a_plane():
    points = ae.make_3d_data(300, noise=0.0, curvature=0.0)
    smallest = np.linalg.svd(points - points.mean(0), compute_uv=False)[-1]
    assert smallest < 1e-4


def test_3d_cloud_returns_sheet_coordinates_on_request():
    points, coords = ae.make_3d_data(100, return_coords=True)
    assert points.shape == (100, 3) and coords.shape == (100, 2)
    assert np.abs(coords).max() <= 1.0


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"n_points": 5}, r"n_points must be an integer >= 10"),
     ({"noise": -0.1}, r"noise must be a finite number >= 0"),
     ({"curvature": float("nan")}, r"curvature must be a finite number >= 0")],
)
def test_3d_cloud_rejects_bad_settings(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        ae.make_3d_data(**kwargs)

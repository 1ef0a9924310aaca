"""MNIST, Fashion-MNIST and the synthetic 3D cloud (taught in notebooks 01-03).

Where the images come from, in this order:

1. ``data_dir=`` given to a loader,
2. the environment variable ``AEHELPERS_DATA_DIR``,
3. Keras' own download and cache (``keras.datasets``), which needs the internet.

A data folder holds ``mnist/`` and ``fashion-mnist/``, each with the four official
IDX files (``train-images-idx3-ubyte.gz`` and so on), exactly as published.
"""

import gzip
import os
import struct
from pathlib import Path

import numpy as np

__all__ = [
    "load_mnist", "load_fashion_mnist", "load_dataset", "make_3d_data", "read_idx",
    "FASHION_CLASSES", "DataError"
]

DATA_ENV = "AEHELPERS_DATA_DIR"

DATASETS = {
    "mnist": "mnist",
    "fashion_mnist": "fashion-mnist",
}

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

HOW_TO_FIX = (
    "Either connect to the internet (Keras then downloads it once), or download the four "
    "official IDX .gz files into a folder DATA/{folder}/ and point the course at DATA: "
    f"`export {DATA_ENV}=/path/to/DATA` before starting Jupyter, or pass data_dir='/path/to/DATA'."
)


class DataError(ValueError):
    """Raised when a data file is missing, broken, or cannot be downloaded."""


# --------------------------------------------------------------------------- IDX files


def read_idx(path, *, expect=None):
    """Read one gzip-compressed IDX file and return its array (uint8).

    ``expect`` is "images" (magic 2051, N x 28 x 28) or "labels" (magic 2049, N, values
    0-9). Raises DataError naming the file for a missing, truncated or malformed file.
    """
    if expect not in (None, "images", "labels"):
        raise ValueError(f"read_idx(): expect must be 'images', 'labels' or None, got {expect!r}")
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"{path}: not a readable gzip file ({err})") from None
    if len(raw) < 8:
        raise DataError(f"{path}: too short for an IDX header ({len(raw)} bytes)")
    magic, count = struct.unpack(">II", raw[:8])
    if expect == "images" and magic != IMAGES_MAGIC or expect == "labels" and magic != LABELS_MAGIC:
        wanted = IMAGES_MAGIC if expect == "images" else LABELS_MAGIC
        raise DataError(f"{path}: wrong magic number {magic}, expected {wanted} for {expect}")
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise DataError(f"{path}: wrong magic number {magic}, not an IDX image or label file")
    if magic == IMAGES_MAGIC:
        if len(raw) < 16:
            raise DataError(f"{path}: truncated image header")
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (28, 28):
            raise DataError(f"{path}: images are {rows}x{cols}, expected 28x28")
        shape, offset = (count, rows, cols), 16
    else:
        shape, offset = (count,), 8
    expected = int(np.prod(shape))
    body = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    if body.size != expected:
        raise DataError(
            f"{path}: holds {body.size} bytes of data, the header promises {expected} "
            f"({count} items): the file is truncated or corrupt"
        )
    array = body.reshape(shape)
    if magic == LABELS_MAGIC and array.size and array.max() > 9:
        raise DataError(f"{path}: labels must be 0-9, found {int(array.max())}")
    return array


def _data_dir(data_dir):
    """Return the data folder from the argument or AEHELPERS_DATA_DIR, or None for Keras."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_ENV) or None
        source = f"${DATA_ENV}"
    else:
        source = "data_dir"
    if data_dir is None:
        return None
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path (str or Path), got {type(data_dir).__name__}")
    path = Path(data_dir).expanduser()
    if not path.is_dir():
        raise DataError(
            f"{source} points to {path}, which is not a folder "
            f"(relative paths start from {Path.cwd()}). Set it to the folder that holds "
            "mnist/ and fashion-mnist/."
        )
    return path.resolve()


def describe_data_source(data_dir=None):
    """Say in a few words where the loaders will read images from."""
    try:
        path = _data_dir(data_dir)
    except (DataError, TypeError) as err:
        return f"problem: {err}"
    return str(path) if path is not None else "Keras download (needs internet once)"


def _read_folder(folder):
    """Read the four official files of one data set from a folder and check they agree."""
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        raise DataError(
            f"{folder}: missing {', '.join(missing)}. The folder needs the four official "
            f"files: {', '.join(FILES.values())}"
        )
    arrays = {
        key: read_idx(folder / name, expect=key.split("_")[1]) for key, name in FILES.items()
    }
    for split in ("train", "test"):
        n_images, n_labels = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_images != n_labels:
            raise DataError(
                f"{folder}: {FILES[f'{split}_images']} has {n_images} images but "
                f"{FILES[f'{split}_labels']} has {n_labels} labels"
            )
    return (arrays["train_images"], arrays["train_labels"]), (
        arrays["test_images"],
        arrays["test_labels"],
    )


def _keras_download(name):
    """Load a data set through keras.datasets, turning network failures into one message."""
    import keras

    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist}[name]
    try:
        return loader.load_data()
    except Exception as err:  # urllib, SSL, HTTP 403/503, a corrupt cache: all one message
        removed = _remove_keras_cache(name)
        note = f" Removed the incomplete cached file(s): {', '.join(removed)}." if removed else ""
        reason = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}".strip()
        raise DataError(
            f"Could not get {name} from the internet ({reason[:160]}).{note} "
            + HOW_TO_FIX.format(folder=DATASETS[name])
        ) from None


def _keras_cache_files(name):
    """Return the files Keras keeps for a data set under KERAS_HOME (default ~/.keras)."""
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "datasets"
    if name == "mnist":
        return [home / "mnist.npz"]
    return [home / "fashion-mnist" / f for f in FILES.values()]


def _remove_keras_cache(name):
    """Delete a data set's cached download files so a failed download leaves nothing behind."""
    removed = []
    for path in _keras_cache_files(name):
        if path.exists():
            path.unlink()
            removed.append(str(path))
    return removed


# --------------------------------------------------------------------------- subsets


def stratified_indices(labels, n, *, seed=0):
    """Return sorted indices of n items whose classes keep the proportions of ``labels``.

    The pick is random but seeded; every class gets its share (largest remainder).
    """
    labels = np.asarray(labels)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n > len(labels):
        raise ValueError(f"asked for {n} items, but only {len(labels)} exist")
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n / len(labels)
    quota = np.floor(exact).astype(int)
    leftover = n - quota.sum()
    quota[np.argsort(-(exact - quota), kind="stable")[:leftover]] += 1
    rng = np.random.default_rng(seed)
    picked = [
        rng.choice(np.flatnonzero(labels == c), size=q, replace=False)
        for c, q in zip(classes, quota, strict=True)
    ]
    return np.sort(np.concatenate(picked))


def _check_count(name, value):
    """Check a requested image count before anything is read or downloaded."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer or None, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return int(value)


def _check_available(name, value, available, split):
    if value is not None and value > available:
        raise ValueError(
            f"{name}={value} is more than the {available} {split} images available here"
        )
    return value


# --------------------------------------------------------------------------- loaders


def load_dataset(name, *, data_dir=None, flatten=False, n_train=None, n_test=None, seed=0):
    """Load "mnist" or "fashion_mnist" as ``(x_train, y_train), (x_test, y_test)``.

    Images are float32 in [0, 1], shape (n, 28, 28) or (n, 784) with ``flatten=True``;
    labels are int64. ``n_train``/``n_test`` take a seeded, stratified subset (every class
    in proportion). Rejects an unknown name, non-positive counts, and counts larger than
    the data; raises DataError for missing or broken files and failed downloads.
    """
    if name not in DATASETS:
        raise ValueError(f"name must be one of {sorted(DATASETS)}, got {name!r}")
    if not isinstance(flatten, bool):
        raise TypeError(f"flatten must be True or False, got {flatten!r}")
    n_train, n_test = _check_count("n_train", n_train), _check_count("n_test", n_test)
    folder = _data_dir(data_dir)
    if folder is None:
        (x_train, y_train), (x_test, y_test) = _keras_download(name)
    else:
        sub = folder / DATASETS[name]
        if not sub.is_dir():
            raise DataError(
                f"{folder} has no {DATASETS[name]}/ folder. "
                + HOW_TO_FIX.format(folder=DATASETS[name])
            )
        (x_train, y_train), (x_test, y_test) = _read_folder(sub)
    _check_available("n_train", n_train, len(x_train), "training")
    _check_available("n_test", n_test, len(x_test), "test")
    if n_train is not None and n_train < len(x_train):
        keep = stratified_indices(y_train, n_train, seed=seed)
        x_train, y_train = x_train[keep], y_train[keep]
    if n_test is not None and n_test < len(x_test):
        keep = stratified_indices(y_test, n_test, seed=seed)
        x_test, y_test = x_test[keep], y_test[keep]
    return _prepare(x_train, y_train, flatten), _prepare(x_test, y_test, flatten)


def _prepare(images, labels, flatten):
    x = images.astype(np.float32)
    x /= 255.0  # in place: one float32 copy, not two (60,000 images: 188 MB each)
    if flatten:
        x = x.reshape(len(x), -1)
    return x, labels.astype(np.int64)


def load_mnist(*, data_dir=None, flatten=False, n_train=None, n_test=None, seed=0):
    """Load MNIST digits; see :func:`load_dataset` for the options and what is rejected."""
    return load_dataset(
        "mnist", data_dir=data_dir, flatten=flatten, n_train=n_train, n_test=n_test, seed=seed
    )


def load_fashion_mnist(*, data_dir=None, flatten=False, n_train=None, n_test=None, seed=0):
    """Load Fashion-MNIST; see :func:`load_dataset` for the options and what is rejected."""
    return load_dataset(
        "fashion_mnist",
        data_dir=data_dir,
        flatten=flatten,
        n_train=n_train,
        n_test=n_test,
        seed=seed,
    )


# --------------------------------------------------------------------------- 3D cloud


def make_3d_data(n_points=1_000, *, noise=0.05, curvature=0.5, seed=0, return_coords=False):
    """Return a seeded 3D point cloud (n_points, 3) float32: a curved 2D sheet plus noise.

    The sheet is z = curvature * (u**2 - v**2) for (u, v) in [-1, 1]^2. Each point gets
    independent Gaussian noise of standard deviation ``noise`` on each of its three
    coordinates (isotropic noise: the same spread in every direction, across the sheet
    too); the cloud is then tilted so that the sheet lies along no axis. With
    ``return_coords=True`` also returns the (n, 2) sheet coordinates (u, v), handy for
    colouring plots. Rejects n_points < 10 and negative noise or curvature.
    """
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 10:
        raise ValueError(f"n_points must be an integer >= 10, got {n_points!r}")
    for name, value in (("noise", noise), ("curvature", curvature)):
        if not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    rng = np.random.default_rng(seed)
    uv = rng.uniform(-1.0, 1.0, size=(n_points, 2))
    u, v = uv[:, 0], uv[:, 1]
    sheet = np.column_stack([u, v, curvature * (u**2 - v**2)])
    sheet += rng.normal(scale=noise, size=sheet.shape)
    # A fixed tilt (rotation about x, then z) so that no coordinate axis is special.
    a, b = np.deg2rad(35.0), np.deg2rad(25.0)
    rot_x = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    rot_z = np.array([[np.cos(b), -np.sin(b), 0], [np.sin(b), np.cos(b), 0], [0, 0, 1]])
    points = (sheet @ rot_x.T @ rot_z.T).astype(np.float32)
    if return_coords:
        return points, uv.astype(np.float32)
    return points

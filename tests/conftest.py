"""Shared fixtures: the real local data (when present) and small IDX folders written here."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The seeds the seeds tests (make test-seeds) run: 0-4, or those listed in
# AEHELPERS_TEST_SEEDS (e.g. "2,3,4", to finish a run that was cut off).
SEEDS = tuple(int(s) for s in os.environ.get("AEHELPERS_TEST_SEEDS", "0,1,2,3,4").split(","))


def write_idx(path, array, *, magic=None):
    """Write ``array`` (uint8) as a gzip-compressed IDX file, the official format."""
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = 2051 if array.ndim == 3 else 2049
    header = struct.pack(">II", magic, array.shape[0])
    if array.ndim == 3:
        header += struct.pack(">II", *array.shape[1:])
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())
    return path


def write_dataset(folder, *, n_train=60, n_test=20, seed=0):
    """Write a small data set in the official layout (four IDX files) and return its arrays."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
        arrays[split] = (images, labels)
    return arrays


@pytest.fixture
def tiny_data_dir(tmp_path):
    """A data folder with small mnist/ and fashion-mnist/ sets in the official format."""
    root = tmp_path / "data"
    write_dataset(root / "mnist", seed=1)
    write_dataset(root / "fashion-mnist", seed=2)
    return root


@pytest.fixture
def shared_data():
    """The real local data folder beside the project, or skip where it is absent."""
    if not (SHARED_DATA / "fashion-mnist").is_dir():
        pytest.skip(f"no local data at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def no_data_env(monkeypatch):
    """Make sure AEHELPERS_DATA_DIR does not leak in from the environment."""
    monkeypatch.delenv("AEHELPERS_DATA_DIR", raising=False)

"""Notebook setup, seeds, quick mode and where files go (taught in every notebook's setup cell)."""

import collections
import os
import sys
import warnings
from pathlib import Path

__all__ = [
    "setup_notebook", "set_seed", "quick_mode", "sizes", "QUICK_SIZES", "cache_dir",
    "in_colab"
]

QUICK_ENV = "AEHELPERS_QUICK"
CACHE_ENV = "AEHELPERS_CACHE_DIR"
DEFAULT_SEED = 42

# The one place the quick-mode sizes live. Quick mode (AEHELPERS_QUICK=1) is what CI and
# the browser tests use; a learner always gets the full values written in the notebook.
QUICK_SIZES = {
    "n_train": 6_000,
    "n_test": 1_000,
    "n_points": 1_500,
    "epochs": 3,
}


def quick_mode():
    """Return True when the environment variable AEHELPERS_QUICK asks for small, fast runs."""
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def sizes(*, quick=None, **full):
    """Return the full-course sizes given as keywords, shrunk to QUICK_SIZES in quick mode.

    A full value may be None, meaning "all there is" (e.g. ``n_train=None``: every
    training image); quick mode replaces it by the quick size. ``quick`` may override
    QUICK_SIZES for one notebook (e.g. ``quick={"epochs": 5}``). Rejects non-integer or
    non-positive sizes. Returns a named tuple, so both ``s.epochs`` and
    ``n_train, epochs = sizes(...)`` work.
    """
    if not full:
        raise TypeError("sizes() needs at least one keyword, e.g. sizes(epochs=20)")
    if quick is not None and not isinstance(quick, dict):
        raise TypeError(f"sizes(): quick must be a dict such as {{'epochs': 5}}, got {quick!r}")
    overrides = dict(QUICK_SIZES, **(quick or {}))
    checked = [(name, value) for name, value in full.items() if value is not None]
    for name, value in checked + list((quick or {}).items()):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"sizes(): {name} must be a positive integer, got {value!r}")
    chosen = dict(full)
    if quick_mode():
        for name, value in chosen.items():
            if name in overrides:
                chosen[name] = overrides[name] if value is None else min(value, overrides[name])
        shown = ", ".join(f"{k}={v}" for k, v in chosen.items())
        print(f"Quick mode ({QUICK_ENV}=1): {shown}")
    return collections.namedtuple("Sizes", chosen)(**chosen)


def set_seed(seed=DEFAULT_SEED):
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    Rejects a seed that is not a non-negative integer.
    """
    _check_seed("set_seed", seed)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return seed


def _check_seed(caller, seed):
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"{caller}(): seed must be a non-negative integer, got {seed!r}")


def in_colab():
    """Return True inside Google Colab."""
    return "google.colab" in sys.modules


def cache_dir():
    """Return the folder for saved models and caches (outside the repository), creating it.

    AEHELPERS_CACHE_DIR overrides the default ``~/.cache/aehelpers``.
    """
    path = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "aehelpers")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _import_tensorflow_quietly():
    """Import TensorFlow with the C++ start-up lines (oneDNN, CUDA) sent to /dev/null.

    TensorFlow writes them straight to file descriptor 2 before its log level applies, and
    Jupyter kernels forward that descriptor into cell outputs.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401  (loads the rest of the native code while quiet)
            import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tf


def _quiet_tensorflow():
    """Import TensorFlow quietly and silence its Python and absl loggers."""
    import logging

    tf = _import_tensorflow_quietly()
    for name in ("tensorflow", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover
        pass
    warnings.filterwarnings("ignore", module=r"tensorflow(\.|$)")
    tf.get_logger().setLevel("ERROR")
    return tf


def _pick_plotly_renderer():
    """Choose a plotly renderer that works here: Colab's own, else JupyterLab's mimetype."""
    import plotly.io as pio

    pio.renderers.default = "colab" if in_colab() else "plotly_mimetype+notebook_connected"
    return pio.renderers.default


def _enable_colab_widgets():
    """Turn on Colab's custom widget manager so ipywidgets render there."""
    if in_colab():  # pragma: no cover - only in Colab
        from google.colab import output

        output.enable_custom_widget_manager()


def setup_notebook(seed=DEFAULT_SEED, *, verbose=True):
    """Prepare a notebook: quiet TensorFlow, seed everything, pick the plotly renderer.

    Call it once at the top of every notebook. In Colab it also enables the custom widget
    manager. Prints one line with the versions, the seed and the mode. Rejects a bad seed.
    """
    _check_seed("setup_notebook", seed)
    tf = _quiet_tensorflow()
    import keras

    if int(keras.__version__.split(".")[0]) < 3:
        raise RuntimeError(
            f"This course needs Keras 3 (found {keras.__version__}): "
            "pip install -U 'tensorflow>=2.16' 'keras>=3'"
        )
    set_seed(seed)
    _pick_plotly_renderer()
    _enable_colab_widgets()
    if verbose:
        from .data import describe_data_source

        mode = "QUICK (small data, few epochs)" if quick_mode() else "full"
        print(
            f"aehelpers {_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__}"
            f" | seed {seed} | mode: {mode} | data: {describe_data_source()}"
        )
    return seed


def _version():
    from . import __version__

    return __version__

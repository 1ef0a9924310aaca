"""Notebook setup, seeds, quick mode and where files go (taught in every notebook's setup cell)."""

import collections
import os
import re
import sys
import warnings
from pathlib import Path

from ._memory import free_memory_after_each_cell

__all__ = [
    "setup_notebook", "set_seed", "quick_mode", "sizes", "QUICK_SIZES", "cache_dir",
    "in_colab"
]

QUICK_ENV = "AEHELPERS_QUICK"
CACHE_ENV = "AEHELPERS_CACHE_DIR"
DEFAULT_SEED = 42

# The default quick-mode sizes (a notebook may set its own with sizes(quick=...)). Quick mode
# (AEHELPERS_QUICK=1) is what CI and the browser tests use; a learner always gets the full
# values written in the notebook.
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
    """Return the full-course sizes given as keywords, or the quick ones in quick mode.

    In quick mode, a size named in ``quick`` (one notebook's own quick sizes) takes that
    value as given, even above the full value (e.g. ``quick={"n_train": 12_000, "epochs":
    20}``: fewer images, more epochs); any other size named in QUICK_SIZES is shrunk to it
    (never grown: a full value already smaller stays), and a full value of None ("all there
    is", e.g. ``n_train=None``) takes the quick size. Rejects non-integer or non-positive
    sizes, and a ``quick`` name that is not one of the sizes given. Returns a named tuple,
    so both ``s.epochs`` and ``n_train, epochs = sizes(...)`` work.
    """
    if not full:
        raise TypeError("sizes() needs at least one keyword, e.g. sizes(epochs=20)")
    if quick is not None and not isinstance(quick, dict):
        raise TypeError(f"sizes(): quick must be a dict such as {{'epochs': 5}}, got {quick!r}")
    unknown = sorted(set(quick or {}) - set(full))
    if unknown:  # a typo such as "epoch" would otherwise be ignored without a word
        raise ValueError(f"sizes(): quick names {unknown}, which are not among the sizes "
                         f"given ({', '.join(full)})")
    checked = [(name, value) for name, value in full.items() if value is not None]
    for name, value in checked + list((quick or {}).items()):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"sizes(): {name} must be a positive integer, got {value!r}")
    chosen = dict(full)
    if quick_mode():
        for name, value in chosen.items():
            if quick and name in quick:
                chosen[name] = quick[name]
            elif name in QUICK_SIZES:
                chosen[name] = QUICK_SIZES[name] if value is None else min(value, QUICK_SIZES[name])
        shown = ", ".join(f"{k}={v}" for k, v in chosen.items())
        print(f"Quick mode ({QUICK_ENV}=1): {shown}")
    return collections.namedtuple("Sizes", chosen)(**chosen)


def set_seed(seed=DEFAULT_SEED):
    """Seed Python, NumPy and TensorFlow; where no GPU is in use, also make ops deterministic.

    With TensorFlow's op determinism on, an op that has no deterministic implementation for
    the device raises ``UnimplementedError`` instead of running (TensorFlow's documentation
    of ``enable_op_determinism``), and GPU training can run slower. So on a GPU runtime (e.g.
    Colab's) only the seeds are set, and two runs can give slightly different numbers; on a CPU
    the same seed gives the same numbers. Returns the seed. Rejects a seed that is not a
    non-negative integer.
    """
    _check_seed("set_seed", seed)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if not _gpus(tf):
        tf.config.experimental.enable_op_determinism()
    return seed


def _gpus(tf):
    """The GPUs TensorFlow can use (an empty list on a CPU-only machine)."""
    return tf.config.list_physical_devices("GPU")


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


# plotly's renderers: in Colab its own "colab" renderer (Colab's front end draws the HTML
# it makes). Elsewhere "plotly_mimetype+aehelpers_offline": JupyterLab, VS Code and nteract
# draw the figure's plotly JSON with their own plotly.js; "aehelpers_offline" is plotly's
# "notebook" renderer, an HTML copy for pages without that (the classic Notebook, HTML
# exported by nbconvert) whose plotly.js is embedded once per kernel session, minus the
# <script src=...> with which it loads MathJax from a CDN for every figure. So no figure
# asks a CDN for anything and figures show without the internet ("notebook_connected"
# would load plotly.js from cdn.plot.ly). The figures of aehelpers.plots have no LaTeX, the
# one thing MathJax is for.
COLAB_PLOTLY_RENDERER = "colab"
OFFLINE_PLOTLY_RENDERER = "plotly_mimetype+aehelpers_offline"
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)


def _register_offline_renderer(pio):
    """Add the "aehelpers_offline" renderer to plotly's registry (once)."""
    if "aehelpers_offline" in pio.renderers:
        return
    notebook_renderer = type(pio.renderers["notebook"])

    class OfflineNotebookRenderer(notebook_renderer):
        """plotly's "notebook" renderer without scripts loaded from another site."""

        def to_mimebundle(self, fig_dict):
            bundle = super().to_mimebundle(fig_dict)
            bundle["text/html"] = _EXTERNAL_SCRIPT.sub("", bundle["text/html"])
            return bundle

    pio.renderers["aehelpers_offline"] = OfflineNotebookRenderer()


def _pick_plotly_renderer():
    """Make plotly's default renderer Colab's own in Colab, else an offline one; return it."""
    import plotly.io as pio

    if in_colab():
        pio.renderers.default = COLAB_PLOTLY_RENDERER
    else:
        _register_offline_renderer(pio)
        pio.renderers.default = OFFLINE_PLOTLY_RENDERER
    return pio.renderers.default


# Colab's widget front end: setup_notebook() does NOT call
# google.colab.output.enable_custom_widget_manager(). That switch makes Colab load a
# second widget manager from a CDN, meant for third-party widgets. Every widget of this
# course is a core ipywidgets 7 widget (VBox, HBox, Image, Output, HTML, sliders, Dropdown,
# Button), which Colab's built-in manager draws without it. With the custom manager on,
# core widgets have known display bugs: Output widgets, on which every view's error area
# is built, showed nothing (googlecolab/colab-cdn-widget-manager#4, fixed in 2021 and
# reported again in 2024); the binary buffers that carry an Image widget's PNG bytes were
# not used (colab-cdn-widget-manager#33); Tab and Accordion stop rendering
# (googlecolab/colabtools#3571, #3105). tests/ui/test_widgets7_frontend.py shows the views
# working with the ipywidgets 7 protocol (classic Notebook 6.5, ipywidgets 7.7.1) in
# headless Chromium.


def setup_notebook(seed=DEFAULT_SEED, *, verbose=True):
    """Prepare a notebook: quiet TensorFlow, seed everything, pick the plotly renderer.

    Call it once at the top of every notebook. Prints one line with the versions, the seed,
    the device (CPU, or how many GPUs), the mode and the data source. In IPython it also has
    every cell free the garbage it left and give free memory back to the system when it
    ends (``aehelpers/_memory.py``). Rejects a bad seed.
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
    free_memory_after_each_cell()
    if verbose:
        from .data import describe_data_source

        mode = "QUICK (small data, few epochs)" if quick_mode() else "full"
        print(
            f"aehelpers {_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__}"
            f" | seed {seed} | {_device_text(tf)} | mode: {mode} | data: {describe_data_source()}"
        )
    return seed


def _device_text(tf):
    """Where TensorFlow runs, and whether the same seed gives the same numbers there."""
    gpus = len(_gpus(tf))
    if gpus:
        return f"device: {gpus} GPU (ops not forced deterministic)"
    return "device: CPU (deterministic ops)"


def _version():
    from . import __version__

    return __version__

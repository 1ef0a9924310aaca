"""Helpers for the autoencoders course.

``import aehelpers as ae`` is cheap: TensorFlow is imported only when a helper that
needs it is first used, so :func:`setup_notebook` can quiet TensorFlow's logs before
it starts talking.
"""

import importlib
import os

__version__ = "0.1.0"

# Quiet TensorFlow's C++ start-up chatter (CUDA, oneDNN) before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

# Public name -> module that defines it. Each module is imported on first use.
_EXPORTS = {
    # config.py: setup, seeds, quick mode, paths
    "setup_notebook": "config",
    "set_seed": "config",
    "quick_mode": "config",
    "sizes": "config",
    "QUICK_SIZES": "config",
    "cache_dir": "config",
    "in_colab": "config",
    # data.py: MNIST, Fashion-MNIST and the 3D cloud
    "load_mnist": "data",
    "load_fashion_mnist": "data",
    "load_dataset": "data",
    "make_3d_data": "data",
    "read_idx": "data",
    "FASHION_CLASSES": "data",
    "DataError": "data",
    # models.py: dense, stacked, convolutional and variational builders
    "build_dense_autoencoder": "models",
    "build_stacked_autoencoder": "models",
    "build_conv_autoencoder": "convolutional",
    "build_vae": "variational",
    "VAEParts": "variational",
    "VAE": "vae_model",
    "Sampling": "vae_model",
    "Autoencoder": "models",
    "show_source": "models",
    # training.py: the fast CPU recipe
    "Recipe": "training",
    "FAST_RECIPE": "training",
    "SHALLOW_RECIPE": "training",
    "REFERENCE_RECIPE": "training",
    "compile_autoencoder": "training",
    "make_optimizer": "training",
    # noise.py, anomaly.py
    "add_noise": "noise",
    "batches": "batches",
    "predict_in_batches": "batches",
    "denoising_widget": "denoising",
    "reconstruction_errors": "anomaly",
    "pick_threshold": "anomaly",
    "plot_error_histograms": "anomaly",
    # plots.py: matplotlib and plotly figures
    "plot_3d_cloud": "plots",
    "plot_codes": "plots",
    "plot_reconstructions": "plots",
    "plot_history": "plots",
    "plot_images": "plots",
    # widgets.py: interactive views
    "reconstruction_browser": "widgets",
    "latent_explorer": "widgets",
    "interpolation_widget": "widgets",
    "LiveTrainingView": "widgets",
}

# exercises/: every check_* of the exercises, one file per notebook, found by reading the
# files' __all__ (adding a check there is enough to make it ae.check_...).
from .exercises import CHECKS as _CHECKS  # noqa: E402

_EXPORTS.update({name: f"exercises.{module}" for name, module in _CHECKS.items()})

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aehelpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)

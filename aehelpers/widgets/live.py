"""The live training view: a Keras callback that redraws loss curves and reconstructions."""

import numbers

import ipywidgets as widgets
import keras
import numpy as np
from IPython import get_ipython
from IPython.display import display, update_display

from .._calls import call_checked
from .._checks import check_image_shape, check_images, check_positive_int
from .._images import as_pictures, figure_png, grid, png, to_levels
from ._view import InteractiveView, captioned, image_widget, put

__all__ = ["LiveTrainingView"]

MAX_LIVE_IMAGES = 16  # reconstructions redrawn each epoch




def _show(view):
    """Display a view once in the notebook and return its display id (None outside IPython)."""
    if get_ipython() is None:
        return None
    handle = display(view._repr_mimebundle_(), raw=True, display_id=True)
    return getattr(handle, "display_id", None)


def _refresh(view, display_id):
    """Refresh the displayed output's static copy (the live widget updates by itself)."""
    if display_id is not None and get_ipython() is not None:
        update_display(view._repr_mimebundle_(), raw=True, display_id=display_id)


class LiveTrainingView(keras.callbacks.Callback):
    """A Keras callback that shows the loss curves and a few reconstructions while training.

    Use it as ``model.fit(..., callbacks=[ae.LiveTrainingView(x_test[:8])])``. At the start
    of training it displays ONE widget; after every ``every`` epochs (and after the last)
    it redraws, in that same widget, the training and validation loss per epoch and, when
    ``images`` are given, those images over the model's current reconstructions (the
    model must map a batch of ``images`` to a batch of the same shape), with a status line
    giving the epoch and the latest losses. It does not touch Keras' own progress output
    (the notebooks turn that off with ``verbose=0``, so the view is the only progress
    shown). A problem while drawing (say, the model's
    output is not an image) is shown in the widget; training goes on. ``view.widget`` is
    the widget and ``view.history`` the logged numbers.

    Rejects: images that are not a batch of 1 to 16 images of ``image_shape`` (the
    package's image rule, see ``aehelpers/_checks.py``), an ``every`` that is not a
    positive integer, a bad ``image_shape``. Used in notebooks 02, 03, 04 and 06.
    """

    def __init__(self, images=None, *, image_shape=(28, 28), every=1):
        super().__init__()
        func = "LiveTrainingView"
        self.image_shape = check_image_shape(func, image_shape, colour=True)
        self.images = None if images is None else check_images(
            func, images, image_shape=self.image_shape, max_count=MAX_LIVE_IMAGES)
        self.every = check_positive_int(func, "every", every)
        self.history = {}
        self.epochs_done = 0
        self.redraws = 0
        self._display_id = None
        self._last_drawn = -1
        pictures = {"curves": image_widget(self._curves_png())}
        rows = [captioned("loss per epoch", pictures["curves"])]
        if self.images is not None:
            pictures["reconstructions"] = image_widget(self._reconstructions_png(None))
            self._recon_caption = widgets.HTML("<b>top: images · bottom: reconstructions</b>")
            rows.append(widgets.VBox([self._recon_caption, pictures["reconstructions"]]))
        self.widget = InteractiveView(kind="Live training view", rows=rows, controls={},
                                      images=pictures, css_class="aehelpers-live-training")
        self.widget.status.value = "waiting for training to start"

    # ----- drawing
    def _other_metrics(self):
        """Logged numbers besides the loss (e.g. a VAE's reconstruction and KL terms)."""
        skip = {"loss", "val_loss", "learning_rate", "lr"}
        return [k for k in self.history if not k.startswith("val_") and k not in skip][:3]

    def _curves_png(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        others = self._other_metrics()
        fig = Figure(figsize=(9.0 if others else 5.6, 2.8), dpi=90)
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 2 if others else 1, squeeze=False)[0]
        total = (self.params or {}).get("epochs") or max(self.epochs_done, 2)
        panels = [("loss", ["loss"])] + ([("other numbers", others)] if others else [])
        colours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b"]
        for ax, (title, keys) in zip(axes, panels, strict=True):
            drawn = False
            for key, colour in zip(keys, colours, strict=False):
                for name, style, label in ((key, "o-", "training"),
                                           (f"val_{key}", "s--", "validation")):
                    values = self.history.get(name)
                    if values:
                        ax.plot(np.arange(1, len(values) + 1), values, style, markersize=3,
                                color="#d62728" if (key == "loss" and label == "validation")
                                else colour,
                                label=label if key == "loss" else f"{name}")
                        drawn = True
            if drawn:
                ax.legend(loc="best", fontsize=7)
            else:
                ax.text(0.5, 0.5, "the curves appear after the first epoch", ha="center",
                        va="center", transform=ax.transAxes, color="grey")
            ax.set_xlim(0.5, max(total, 2) + 0.5)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("epoch")
            ax.set_ylabel(title)
            ax.grid(alpha=0.3)
        fig.tight_layout()
        return figure_png(fig)

    def _reconstructions_png(self, model):
        n = len(self.images)
        originals = as_pictures(to_levels(self.images.reshape(n, -1)), self.image_shape)
        if model is None:
            recon = np.zeros_like(originals)  # blank (white) until the first epoch
        else:
            out = call_checked("LiveTrainingView", model, "the model", self.images,
                               int(np.prod(self.image_shape)),
                               what="reconstructions of the images")
            recon = as_pictures(to_levels(out), self.image_shape)
        scale = max(1, 70 // max(self.image_shape[:2]))
        return png(grid([list(originals), list(recon)], scale=scale))

    def _redraw(self):
        pictures = self.widget.images
        put(pictures["curves"], self._curves_png())
        self.redraws += 1
        self._last_drawn = self.epochs_done
        total = (self.params or {}).get("epochs")
        numbers_now = " · ".join(
            f"{key} {values[-1]:.4f}" for key, values in self.history.items()
            if key in ("loss", "val_loss") and values
        )
        self.widget.status.value = (
            f"epoch {self.epochs_done}{f' of {total}' if total else ''}: {numbers_now}"
        )
        if self.images is not None and self.model is not None:
            # Last, so that a model whose output is not an image still gets its curves.
            put(pictures["reconstructions"], self._reconstructions_png(self.model))
            self._recon_caption.value = (
                f"<b>top: images · bottom: reconstructions after epoch {self.epochs_done}</b>"
            )
        self.widget.clear_error()

    # ----- Keras hooks (each one reports a problem in the widget, never stops training)
    def on_train_begin(self, logs=None):
        def begin():
            self.history, self.epochs_done, self._last_drawn = {}, 0, -1
            self.widget.clear_error()
            put(self.widget.images["curves"], self._curves_png())
            self.widget.status.value = "training started: waiting for the first epoch"
            self._display_id = _show(self.widget)

        self.widget.guard(begin, clear=False)()

    def on_epoch_end(self, epoch, logs=None):
        def record():
            self.epochs_done = epoch + 1
            for key, value in (logs or {}).items():
                if isinstance(value, numbers.Number) or np.ndim(value) == 0:
                    self.history.setdefault(key, []).append(float(value))
            total = (self.params or {}).get("epochs")
            if self.epochs_done % self.every == 0 or self.epochs_done == total:
                self._redraw()

        self.widget.guard(record, clear=False)()

    def on_train_end(self, logs=None):
        def end():
            if self._last_drawn != self.epochs_done:
                self._redraw()
            self.widget.status.value = "finished: " + self.widget.status.value
            _refresh(self.widget, self._display_id)

        self.widget.guard(end, clear=False)()

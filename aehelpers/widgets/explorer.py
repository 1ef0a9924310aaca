"""The latent explorer: move through the code space with sliders, watch the decoded image."""

import html
import io
from collections import OrderedDict

import ipywidgets as widgets
import keras
import numpy as np

from .._calls import call_checked
from .._checks import (
    check_callable,
    check_class_names,
    check_codes,
    check_image_shape,
    check_labels,
)
from .._images import RED, as_pictures, png, principal_axes, to_levels
from ._view import InteractiveView, captioned, image_widget, put

__all__ = ["latent_explorer"]

MAX_DIRECTIONS = 5  # sliders for codes with more than two numbers
CACHE_SIZE = 256  # decoded codes kept


def _code_size_of(model):
    """Return the code size a Keras decoder expects, or None when it cannot be told."""
    shape = getattr(model, "input_shape", None) if isinstance(model, keras.Model) else None
    if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int):
        return shape[1]
    return None




class _CodeScatter:
    """A scatter plot of codes drawn once; each redraw only adds a marker (fast)."""

    def __init__(self, points, labels, x_range, y_range, axis_names, class_names=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(4.2 if class_names else 3.6, 3.4), dpi=80)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        rng = np.random.default_rng(0)
        keep = rng.choice(len(points), size=min(len(points), 3000), replace=False)
        if labels is not None:
            k = int(labels.max()) + 1
            artist = ax.scatter(points[keep, 0], points[keep, 1], c=labels[keep], s=4,
                                cmap="tab10" if k <= 10 else "viridis", alpha=0.6,
                                vmin=-0.5, vmax=(9.5 if k <= 10 else k - 0.5))
            bar = fig.colorbar(artist, ax=ax, ticks=range(k) if k <= 10 else None,
                               fraction=0.05, pad=0.02)
            if class_names and k <= 10:
                bar.ax.set_yticklabels(class_names[:k], fontsize=7)
        else:
            ax.scatter(points[keep, 0], points[keep, 1], s=4, alpha=0.4, color="#1f77b4")
        ax.set_xlim(*x_range)
        ax.set_ylim(*y_range)
        ax.set_xlabel(axis_names[0])
        ax.set_ylabel(axis_names[1])
        ax.set_title("codes (red: current point)", fontsize=9)
        fig.tight_layout()
        fig.canvas.draw()
        self.base = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        self.height = self.base.shape[0]
        self.transform = ax.transData
        self.box = ax.bbox.extents  # x0, y0, x1, y1 in display pixels (origin bottom left)

    def png(self, x, y):
        from PIL import Image, ImageDraw

        px, py = self.transform.transform((x, y))
        x0, y0, x1, y1 = self.box
        px, py = float(np.clip(px, x0, x1)), float(np.clip(py, y0, y1))
        row = self.height - py
        image = Image.fromarray(self.base)
        draw = ImageDraw.Draw(image)
        draw.ellipse((px - 6, row - 6, px + 6, row + 6), outline=RED, width=3)
        draw.line((px - 10, row, px + 10, row), fill=RED, width=1)
        draw.line((px, row - 10, px, row + 10), fill=RED, width=1)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()


def latent_explorer(decoder, *, codes=None, labels=None, class_names=None,
                    image_shape=(28, 28)):
    """Move through the code space with sliders and watch the decoded image; return the widget.

    For a 2-number code there is one slider per number, spanning the range of ``codes``
    (the encoder's outputs on some data, e.g. ``encoder.predict(x_test)``), and a scatter
    plot of ``codes`` marks the current point (coloured by ``labels`` when given, named by
    ``class_names``, e.g. ``ae.FASHION_CLASSES``). For a
    larger code the sliders move along the first five (``MAX_DIRECTIONS``) main (principal)
    directions of ``codes``, in units of their standard deviation, from the mean code (the
    other directions stay at the mean); the scatter shows the codes
    along the first two directions. Without ``codes`` the sliders span -3..3 around 0 (the
    range a VAE's prior covers) and the code size is read from the Keras decoder's input.
    Decoded images are cached, so revisiting a point costs nothing.

    Rejects (before any model call): a decoder that is not callable; codes that are not a
    finite 2-D (n, code_size) array with at least 2 rows, or a list of VAE outputs; labels
    that do not match codes; class_names without labels or too short; no codes for a
    decoder whose code size cannot be read; a code size that differs from the decoder's
    input; a bad ``image_shape``. Raises ValueError when the decoder does not return one
    image of ``image_shape`` per code. Used in notebooks 02, 03 and 06.
    """
    func = "latent_explorer"
    check_callable(func, "decoder", decoder)
    image_shape = check_image_shape(func, image_shape, colour=True)
    points = None if codes is None else check_codes(func, codes)
    if labels is not None:
        if points is None:
            raise ValueError(f"{func}(): labels needs codes= as well (one label per code)")
        labels = check_labels(func, labels, len(points))
    class_names = check_class_names(func, class_names, labels)
    expected = _code_size_of(decoder)
    if points is None:
        if expected is None:
            raise TypeError(
                f"{func}(): pass codes= (e.g. encoder.predict(x_test)) so the explorer knows "
                "the code size and the range of the sliders"
            )
        size = expected
    else:
        size = points.shape[1]
        if expected is not None and expected != size:
            raise ValueError(
                f"{func}(): codes have {size} numbers each but the decoder expects {expected}"
            )

    # The sliders' coordinates: code = centre + sum(slider_i * scale_i * direction_i).
    if size <= 2:
        directions = np.eye(size)
        scales = np.ones(size)
        centre = np.zeros(size) if points is None else np.median(points, axis=0)
        if points is None:
            low, high = np.full(size, -3.0), np.full(size, 3.0)
        else:
            low, high = points.min(axis=0), points.max(axis=0)
            # 5% margin; a number that never changes (e.g. a dead ReLU unit) gets +-1.
            pad = np.where(high - low > 1e-6, 0.05 * (high - low), 1.0)
            low, high = low - pad, high + pad
        names = [f"z[{i}]" for i in range(size)]
        starts, centre = centre, np.zeros(size)  # the sliders hold the code itself
        note = "Each slider sets one number of the code."
    else:
        count = min(size, MAX_DIRECTIONS)
        if points is None:
            directions, scales, centre = np.eye(size)[:count], np.ones(count), np.zeros(size)
            names = [f"z[{i}]" for i in range(count)]
            note = (f"Each slider sets one of the first {count} of the {size} code numbers "
                    "(the others stay 0).")
        else:
            sample = points[np.random.default_rng(0).permutation(len(points))[:5000]]
            centre, directions, variance = principal_axes(sample)
            centre = points.mean(axis=0)
            directions = directions[:count]
            scales = np.sqrt(variance[:count])
            scales = np.where(scales > 1e-12, scales, 1.0)
            share = variance[:count] / max(variance.sum(), 1e-12)
            names = [f"dir {i + 1}" for i in range(count)]
            note = (
                f"Each slider moves along one of the {count} main directions of the "
                f"{size}-number codes (in standard deviations from the mean code); they "
                f"explain {', '.join(f'{100 * s:.0f}%' for s in share)} of the variance."
            )
        low, high = np.full(count, -3.0), np.full(count, 3.0)
        starts = np.zeros(count)

    sliders = []
    for i, name in enumerate(names):
        step = max(float(f"{(high[i] - low[i]) / 100:.2g}"), 1e-6)
        sliders.append(widgets.FloatSlider(
            value=float(np.clip(starts[i], low[i], high[i])), min=float(low[i]),
            max=float(high[i]), step=step, description=name, continuous_update=True,
            readout_format=".2f",
        ))
    reset = widgets.Button(description="back to the centre")
    n_pixels = int(np.prod(image_shape))
    scale = max(1, 200 // max(image_shape[:2]))
    decoded = image_widget()
    pictures = {"decoded": decoded}
    rows_right = []
    scatter = None
    if points is not None:
        shown = points if size <= 2 else (points - centre) @ directions[:2].T / scales[:2]
        if size == 1:
            shown = np.column_stack([shown[:, 0], np.zeros(len(shown))])
        y_range = (low[1], high[1]) if len(sliders) > 1 else (-1.0, 1.0)
        scatter = _CodeScatter(shown, labels, (low[0], high[0]), y_range,
                               names[:2] if len(names) > 1 else [names[0], ""], class_names)
        pictures["codes"] = image_widget()
        rows_right = [captioned("where you are", pictures["codes"])]
    controls = {f"z{i}": s for i, s in enumerate(sliders)}
    controls["reset"] = reset
    rows = [
        widgets.HTML(f"<i>{html.escape(note)}</i>"),
        widgets.HBox([widgets.VBox([*sliders, reset]),
                      captioned("decoded image", decoded), *rows_right]),
    ]
    view = InteractiveView(kind="Latent explorer", rows=rows, controls=controls,
                           images=pictures, css_class="aehelpers-latent-explorer")
    cache = OrderedDict()
    quiet = {"on": False}

    def code_of(values):
        return centre + (np.asarray(values) * scales) @ directions

    def decode(values):
        key = tuple(round(v, 6) for v in values)
        if key not in cache:
            code = code_of(values).astype(np.float32)[None, :]
            out = call_checked(func, decoder, "decoder", code, n_pixels,
                               what=f"one image of shape {image_shape}")
            cache[key] = as_pictures(to_levels(out), image_shape)[0]
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
        cache.move_to_end(key)
        return cache[key]

    def draw(*_):
        if quiet["on"]:
            return
        values = [s.value for s in sliders]
        put(decoded, png(decode(values), scale=scale))
        if scatter is not None:
            put(pictures["codes"], scatter.png(values[0], values[1] if len(values) > 1 else 0))
        code = code_of(values)
        shown = ", ".join(f"{v:.2f}" for v in code[:6]) + (", …" if len(code) > 6 else "")
        view.status.value = f"code = [{shown}]"

    draw = view.guard(draw)

    def back_to_centre(_button):
        quiet["on"] = True
        try:
            for slider, start in zip(sliders, starts, strict=True):
                slider.value = float(np.clip(start, slider.min, slider.max))
        finally:
            quiet["on"] = False
        draw()

    for slider in sliders:
        slider.observe(draw, names="value")
    reset.on_click(view.guard(back_to_centre))
    # The first drawing checks the decoder: a wrong output raises here, not in a handler.
    decode([s.value for s in sliders])
    draw()
    return view


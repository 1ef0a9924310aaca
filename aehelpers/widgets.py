"""Interactive views of an autoencoder (notebooks 02, 03, 04, 06 and 07).

- :func:`reconstruction_browser`: pick an image, see it, its reconstruction, the error map
  and the loss;
- :func:`latent_explorer`: move through the code space and watch the decoder's output;
- :func:`interpolation_widget`: slide between the codes of two images;
- :class:`LiveTrainingView`: a Keras callback that redraws the loss curves and a few
  reconstructions in place while ``model.fit`` runs.

Each builder returns ONE ipywidgets widget and works with ipywidgets 7.7 and 8, in
JupyterLab, Colab and Binder: only core widgets are used, and every picture is a PNG drawn
in the kernel (so nothing depends on a plotting library in the browser). Each view

- draws its first state when it is built, and its displayed output also carries a static
  HTML copy of that state, so a page without a live kernel (nbconvert, a static render)
  still shows a picture;
- keeps its slider handlers cheap (reconstructions and decodings are computed once or
  cached), so fast slider moves never pile up model calls;
- shows any error raised while redrawing inside the view, under its pictures.
"""

import base64
import html
import io
import numbers
import traceback
import warnings
from collections import OrderedDict

import ipywidgets as widgets
import keras
import numpy as np
import traitlets
from IPython import get_ipython
from IPython.display import display, update_display

__all__ = ["reconstruction_browser", "latent_explorer", "interpolation_widget", "LiveTrainingView"]

MAX_IMAGES = 10_000  # reconstruction_browser / interpolation_widget: images held at once
MAX_LIVE_IMAGES = 16  # LiveTrainingView: reconstructions redrawn each epoch
MAX_DIRECTIONS = 5  # latent_explorer: sliders for codes with more than two numbers
_CHUNK = 500  # images per model call when precomputing
_CACHE_SIZE = 256  # decoded codes kept by the latent explorer
_STATIC_NOTE = (
    "Static picture of this view: run the notebook with a live Jupyter kernel "
    "to move the sliders."
)


# --------------------------------------------------------------------------- input checks


def _check_image_shape(where, image_shape):
    """Return image_shape as a tuple (h, w) or (h, w, 1 or 3), or raise naming it."""
    ok = (
        isinstance(image_shape, (tuple, list))
        and len(image_shape) in (2, 3)
        and all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
            for d in image_shape
        )
        and (len(image_shape) == 2 or image_shape[2] in (1, 3))
    )
    if not ok:
        raise ValueError(
            f"{where}: image_shape must be (height, width), (height, width, 1) or "
            f"(height, width, 3) with positive integers, got {image_shape!r}"
        )
    return tuple(int(d) for d in image_shape)


def _check_images(where, images, image_shape, *, name="images", min_count=1,
                  max_count=MAX_IMAGES):
    """Return a batch of images as float32 in [0, 1], in the layout it was given.

    The layout is kept because the model is called on it: (n, 784), (n, 28, 28) and
    (n, 28, 28, 1) are all fine as long as each image has the pixels of image_shape.
    uint8 images (0-255) are divided by 255 with a warning.
    """
    if images is None or isinstance(images, (str, bytes)):
        raise TypeError(f"{where}: {name} must be an array of images, got {images!r}")
    try:
        array = np.asarray(images)
    except Exception:
        raise TypeError(f"{where}: {name} must be a numeric array of images") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == bool):
        raise TypeError(f"{where}: {name} must be a numeric array, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{where}: {name} must be real numbers, got dtype {array.dtype}")
    n_pixels = int(np.prod(image_shape))
    if array.ndim < 2:
        raise ValueError(
            f"{where}: {name} must be a batch of images, shape (n, {n_pixels}) or "
            f"(n, {', '.join(map(str, image_shape))}), got shape {array.shape} "
            "(for one image x, pass x[None])"
        )
    if int(np.prod(array.shape[1:])) != n_pixels:
        raise ValueError(
            f"{where}: each image in {name} has shape {array.shape[1:]}, which does not "
            f"match image_shape={image_shape} ({n_pixels} pixels); pass image_shape= to "
            "describe your images"
        )
    if not min_count <= len(array) <= max_count:
        raise ValueError(
            f"{where}: {name} must hold {min_count} to {max_count} images, got {len(array)}"
            + (" (pass a slice such as x_test[:2000])" if len(array) > max_count else "")
        )
    if array.dtype == bool:
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.integer):
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise ValueError(
                f"{where}: {name} are integers from {low} to {high}; expected floats in "
                "[0, 1] (or uint8 values 0-255)"
            )
        warnings.warn(
            f"{where}: {name} are integers 0-255, dividing by 255 (pass floats in [0, 1] "
            "to silence this)",
            stacklevel=3,
        )
        return array.astype(np.float32) / 255.0
    array = array.astype(np.float32, copy=False)  # no copy of float32 input
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: {name} hold NaN or infinite values")
    low, high = float(array.min()), float(array.max())
    if low < -1e-3 or high > 1 + 1e-3:
        raise ValueError(
            f"{where}: {name} must be floats in [0, 1], got values from {low:.3g} to "
            f"{high:.3g} (divide 0-255 images by 255)"
        )
    return array


def _check_model(where, model, name):
    """Reject what cannot be called on a batch (a class, a string, None...)."""
    if isinstance(model, type) or not callable(model):
        raise TypeError(
            f"{where}: {name} must be a Keras model (or a function) that maps a batch to a "
            f"batch, got {model!r:.60}"
        )
    return model


def _check_labels(where, labels, n):
    """Return labels as a 1-D int array of length n with non-negative values."""
    try:
        array = np.asarray(labels)
    except Exception:
        raise TypeError(f"{where}: labels must be a 1-D array of class numbers") from None
    if array.ndim != 1 or len(array) != n:
        raise ValueError(
            f"{where}: labels must be a 1-D array with one class number per image ({n}), "
            f"got shape {array.shape}"
        )
    whole = np.issubdtype(array.dtype, np.floating) and np.all(array == np.round(array))
    if not np.issubdtype(array.dtype, np.integer) and not whole:
        raise TypeError(
                f"{where}: labels must be whole class numbers, got dtype {array.dtype}"
            )
    array = array.astype(np.int64)
    if n and array.min() < 0:
        raise ValueError(f"{where}: labels must be >= 0, got {int(array.min())}")
    return array


def _check_class_names(where, class_names, labels):
    """Return a list of names covering every label, or raise."""
    if class_names is None:
        return None
    if labels is None:
        raise ValueError(f"{where}: class_names needs labels= as well")
    if isinstance(class_names, (str, bytes)) or not hasattr(class_names, "__len__"):
        raise TypeError(
            f"{where}: class_names must be a list of names, e.g. ae.FASHION_CLASSES, "
            f"got {class_names!r:.60}"
        )
    names = [str(name) for name in class_names]
    if len(labels) and int(labels.max()) >= len(names):
        raise ValueError(
            f"{where}: class_names has {len(names)} names but labels go up to "
            f"{int(labels.max())}"
        )
    return names


def _check_codes(where, codes):
    """Return codes as a finite (n, k) float array with n >= 2, or raise."""
    if isinstance(codes, (list, tuple)) and codes and np.ndim(codes[0]) == 2 and len(codes) <= 3:
        raise ValueError(
            f"{where}: codes looks like several encoder outputs ({len(codes)} arrays). If "
            "your encoder returns (z_mean, z_log_var, z) as a VAE's does, pass the first: "
            "codes=encoder.predict(x)[0]"
        )
    try:
        array = np.asarray(codes, dtype=np.float64)
    except Exception:
        raise TypeError(f"{where}: codes must be a numeric (n, code_size) array") from None
    if array.ndim != 2 or len(array) < 2 or array.shape[1] < 1:
        raise ValueError(
            f"{where}: codes must be a 2-D array (n, code_size) with at least 2 rows, got "
            f"shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: codes hold NaN or infinite values")
    return array


# --------------------------------------------------------------------------- models


def _run(model, batch):
    """Call a model (or function) on a NumPy batch and return its first output as float32."""
    out = model(batch, training=False) if isinstance(model, keras.Model) else model(batch)
    if isinstance(out, dict):
        out = next(iter(out.values()))
    if isinstance(out, (list, tuple)):  # e.g. a VAE encoder: (z_mean, z_log_var, z)
        out = out[0]
    return np.asarray(out, dtype=np.float32)


def _run_checked(where, model, name, batch, per_item, *, what):
    """Run the model and check it returned ``per_item`` values for each input item."""
    try:
        out = _run(model, batch)
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise ValueError(
            f"{where}: calling {name} on a batch of shape {batch.shape} failed with "
            f"{type(err).__name__}: {first[:300]}"
        ) from err
    if len(out) != len(batch) or out.size != len(batch) * per_item:
        raise ValueError(
            f"{where}: {name} returned shape {out.shape} for a batch of shape {batch.shape}; "
            f"expected {what} ({per_item} values each)"
        )
    return out.reshape(len(batch), per_item)


def _code_size_of(model):
    """Return the code size a Keras decoder expects, or None when it cannot be told."""
    shape = getattr(model, "input_shape", None) if isinstance(model, keras.Model) else None
    if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int):
        return shape[1]
    return None


def _training_loss(model):
    """Return "bce", "mse" or None: the loss the model was compiled with, when recognisable."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(
        loss, "__name__", None
    )
    name = str(name or "").lower()
    if "crossentropy" in name or name == "bce":
        return "bce"
    if "squared" in name or name == "mse":
        return "mse"
    return None


# --------------------------------------------------------------------------- pictures


def _to_uint8(images):
    return np.clip(np.rint(np.asarray(images, dtype=np.float32) * 255.0), 0, 255).astype(
        np.uint8
    )


def _as_pixels(flat_u8, image_shape):
    """(n, pixels) uint8 -> (n, h, w) or (n, h, w, 3)."""
    pixels = flat_u8.reshape(len(flat_u8), *image_shape)
    if pixels.ndim == 4 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    return pixels


def _enlarge(pixels, scale):
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else pixels


def _png(pixels, *, scale=1):
    """Encode an (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA uint8 array as PNG bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(_enlarge(pixels, scale))).save(buffer, format="PNG")
    return buffer.getvalue()


def _rgb(pixels):
    """Grey (h, w) or RGB (h, w, 3) uint8 -> RGB."""
    return np.repeat(pixels[..., None], 3, axis=-1) if pixels.ndim == 2 else pixels


def _error_map(original, reconstruction, vmax):
    """Per-pixel |original - reconstruction| (uint8 images) as a magma-coloured RGB image."""
    from matplotlib import colormaps

    error = np.abs(original.astype(np.float32) - reconstruction.astype(np.float32)) / 255.0
    if error.ndim == 3:  # colour images: mean over channels
        error = error.mean(axis=-1)
    rgba = colormaps["magma"](np.clip(error / vmax, 0.0, 1.0))
    return (rgba[..., :3] * 255).astype(np.uint8)


def _strip(tiles, *, scale, gap=2, highlight=None):
    """Put images side by side with white gaps; draw a red frame around tile ``highlight``."""
    tiles = [_rgb(_enlarge(t, scale)) for t in tiles]
    h, w = tiles[0].shape[:2]
    border = 3
    out = np.full((h + 2 * border, len(tiles) * (w + gap + 2 * border), 3), 255, np.uint8)
    for i, tile in enumerate(tiles):
        x = i * (w + gap + 2 * border) + border
        if i == highlight:
            out[:, x - border: x + w + border] = (214, 39, 40)
        out[border: border + h, x: x + w] = tile
    return out


def _grid(rows, *, scale, gap=2):
    """Stack strips of equal length vertically (e.g. originals over reconstructions)."""
    strips = [_strip(row, scale=scale, gap=gap) for row in rows]
    return np.concatenate(strips, axis=0)


def _figure_png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _image_widget(png=b""):
    """An Image widget shown at the PNG's own size (never stretched, shrunk to fit)."""
    image = widgets.Image(value=b"", format="png",
                          layout=widgets.Layout(max_width="100%", height="auto"))
    if png:
        _put(image, png)
    return image


def _put(image, png):
    """Show PNG bytes in an Image widget, fixing its width to the picture's width in pixels."""
    width = f"{int.from_bytes(png[16:20], 'big')}px"  # from the PNG header (IHDR)
    if image.layout.width != width:
        image.layout.width = width
    image.value = png


def _caption(text):
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


# --------------------------------------------------------------------------- the view


class InteractiveView(widgets.VBox):
    """What every builder returns: a VBox with its controls, an error area and a fallback.

    ``view.controls`` maps names ("index", "t", "z0", ...) to the control widgets,
    ``view.images`` maps names to the Image widgets, ``view.status`` is the line of text
    under the pictures and ``view.output`` shows errors raised while redrawing. The
    displayed output also carries a one-line ``text/plain`` summary and a static
    ``text/html`` copy of the current state for pages without a live kernel.
    """

    def __init__(self, *, kind, rows, controls, images, css_class):
        self.kind = kind
        self.controls = dict(controls)
        self.images = dict(images)
        self.status = widgets.HTML("")
        self.output = widgets.Output()
        super().__init__(children=[*rows, self.status, self.output])
        self.add_class("aehelpers-view")
        self.add_class(css_class)

    # ----- errors
    def guard(self, function, *, clear=True):
        """Wrap a redraw so that an exception is shown in ``view.output`` instead of lost.

        With ``clear`` a redraw that works removes the message of an earlier failure.
        """

        def guarded(*args, **kwargs):
            try:
                result = function(*args, **kwargs)
            except Exception as err:
                self.show_error(err)
                return None
            if clear:
                self.clear_error()
            return result

        return guarded

    def clear_error(self):
        """Remove the message of an earlier failure."""
        if self.output.outputs:
            self.output.outputs = ()

    def show_error(self, err):
        """Show an exception (with its traceback) in the view's output area."""
        text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
        self.status.value = (
            f"<span style='color:#b00'>&#9888; {html.escape(type(err).__name__)}: "
            f"{html.escape(str(err))[:300]} (details below)</span>"
        )
        self.output.outputs = (
            {"output_type": "stream", "name": "stderr",
             "text": f"{self.kind}: error while redrawing\n{text}"},
        )

    # ----- what a page without a live kernel shows
    def summary(self):
        """One line of text: what this view is and what it shows now."""
        status = _html_to_text(self.status.value)
        return f"{self.kind} (interactive view){': ' + status if status else ''}"

    def __repr__(self):
        return self.summary()

    def static_html(self):
        """Return an HTML copy of the current pictures and text, with a note."""
        return (
            f"<div class='aehelpers-static'>{_static_html(self)}"
            f"<p><em>{_STATIC_NOTE}</em></p></div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        data = {
            "text/plain": self.summary(),
            "text/html": self.static_html(),
        }
        if self._view_name is not None:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self._model_id,
            }
        return data

    if hasattr(widgets.Widget, "_ipython_display_"):  # ipywidgets 7: display goes through here

        def _ipython_display_(self, **kwargs):
            display(self._repr_mimebundle_(), raw=True)
            self._handle_displayed(**kwargs)


def _html_to_text(value):
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", value or "")).strip()


def _static_html(widget):
    """An HTML picture of a widget tree (images, text and control values)."""
    if isinstance(widget, widgets.Image):
        data = base64.b64encode(bytes(widget.value)).decode("ascii")
        return f"<img src='data:image/{widget.format};base64,{data}' style='margin:2px'/>"
    if isinstance(widget, widgets.HTML):
        return f"<div>{widget.value}</div>" if widget.value else ""
    if isinstance(widget, widgets.Label):
        return f"<div>{html.escape(widget.value)}</div>" if widget.value else ""
    if isinstance(widget, widgets.Output):
        parts = []
        for out in widget.outputs:
            if out.get("output_type") == "stream":
                parts.append(f"<pre>{html.escape(out.get('text', ''))}</pre>")
        return "".join(parts)
    if isinstance(widget, widgets.HBox):
        inner = "".join(_static_html(child) for child in widget.children)
        style = "display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start"
        return f"<div style='{style}'>{inner}</div>"
    if isinstance(widget, widgets.Box):
        return "<div>" + "".join(_static_html(child) for child in widget.children) + "</div>"
    if isinstance(widget, widgets.Button):
        return ""
    if hasattr(widget, "value"):
        value = getattr(widget, "label", None) or widget.value
        if isinstance(value, float):
            value = f"{value:.3g}"
        description = html.escape(getattr(widget, "description", "") or "")
        return f"<div>{description} <code>{html.escape(str(value))}</code></div>"
    return ""


def _captioned(caption, image):
    return widgets.VBox([_caption(caption), image])


# --------------------------------------------------------------------------- reconstruction browser


def reconstruction_browser(model, images, *, labels=None, class_names=None, image_shape=(28, 28)):
    """Browse images with their reconstruction, per-pixel error map and loss; return the widget.

    ``model`` maps a batch of ``images`` to reconstructions of the same shape (e.g. an
    autoencoder trained on ``x_train``); ``images`` is a batch (e.g. ``x_test[:1000]``) of
    floats in [0, 1], in the layout the model takes ((n, 784) or (n, 28, 28) ...). All
    reconstructions are computed once, so moving the slider only draws pictures. With
    ``labels`` (one class number per image) a dropdown restricts the slider to one class;
    ``class_names`` names the classes (e.g. ``ae.FASHION_CLASSES``). A second dropdown
    orders the images by loss (worst reconstructed first).

    Rejects (before any model call): a model that is not callable; images that are not a
    numeric batch matching ``image_shape``, hold NaN, lie outside [0, 1], or number more
    than 10,000 (uint8 0-255 images are divided by 255 with a warning); labels that are
    not one whole number >= 0 per image; class_names without labels or too short; a bad
    ``image_shape``. Raises ValueError when the model's output does not have one
    reconstruction per image. Used in notebooks 02, 03, 04 and 07.
    """
    where = "reconstruction_browser()"
    _check_model(where, model, "model")
    image_shape = _check_image_shape(where, image_shape)
    x = _check_images(where, images, image_shape)
    y = None if labels is None else _check_labels(where, labels, len(x))
    names = _check_class_names(where, class_names, y)

    n, n_pixels = len(x), int(np.prod(image_shape))
    recon = np.empty((n, n_pixels), np.uint8)
    mse = np.empty(n, np.float64)
    bce = np.empty(n, np.float64)
    bce_ok = True
    for start in range(0, n, _CHUNK):
        batch = x[start: start + _CHUNK]
        out = _run_checked(where, model, "model", batch, n_pixels,
                           what="one reconstruction per image")
        flat = batch.reshape(len(batch), -1)
        mse[start: start + len(batch)] = np.mean((flat - out) ** 2, axis=1)
        bce_ok = bce_ok and bool(out.min() >= 0.0 and out.max() <= 1.0)
        p = np.clip(out, 1e-7, 1 - 1e-7)
        bce[start: start + len(batch)] = -np.mean(
            flat * np.log(p) + (1 - flat) * np.log(1 - p), axis=1
        )
        recon[start: start + len(batch)] = _to_uint8(out)
    if not np.all(np.isfinite(mse)):
        raise ValueError(f"{where}: the model's reconstructions hold NaN or infinite values")
    originals = _as_pixels(_to_uint8(x.reshape(n, -1)), image_shape)
    recon = _as_pixels(recon, image_shape)
    trained_with = _training_loss(model)
    loss = bce if (trained_with == "bce" and bce_ok) else mse
    loss_name = "binary cross-entropy" if loss is bce else "mean squared error"
    rank = np.empty(n, np.int64)
    rank[np.argsort(loss, kind="stable")] = np.arange(n)
    # One colour scale for every error map (the 99th percentile of a sample), so maps compare.
    sample = np.linspace(0, n - 1, min(n, 200)).astype(int)
    diffs = np.abs(originals[sample].astype(np.int16) - recon[sample].astype(np.int16))
    vmax = max(float(np.percentile(diffs, 99)) / 255.0, 0.05)

    scale = max(1, 140 // max(image_shape[:2]))
    pictures = {
        "original": _image_widget(),
        "reconstruction": _image_widget(),
        "error": _image_widget(),
    }
    index = widgets.IntSlider(value=0, min=0, max=max(n - 1, 0), description="image",
                              continuous_update=True)
    box = widgets.BoundedIntText(value=0, min=0, max=max(n - 1, 0),
                                 layout=widgets.Layout(width="90px"))
    traitlets.link((index, "value"), (box, "value"))
    traitlets.link((index, "max"), (box, "max"))
    order = widgets.Dropdown(
        options=[("as given", "given"), ("worst reconstructed first", "worst"),
                 ("best reconstructed first", "best")],
        value="given", description="order",
    )
    controls = {"index": index, "box": box, "order": order}
    top = [order]
    if y is not None:
        classes, counts = np.unique(y, return_counts=True)
        options = [(f"all classes ({n})", -1)] + [
            (f"{c}" + (f" · {names[c]}" if names else "") + f" ({k})", int(c))
            for c, k in zip(classes, counts, strict=True)
        ]
        class_filter = widgets.Dropdown(options=options, value=-1, description="class")
        controls["class"] = class_filter
        top.insert(0, class_filter)
    rows = [
        widgets.HBox(top),
        widgets.HBox([index, box]),
        widgets.HBox([
            _captioned("original", pictures["original"]),
            _captioned("reconstruction", pictures["reconstruction"]),
            _captioned(f"error map (bright = error ≥ {vmax:.2f})", pictures["error"]),
        ]),
    ]
    view = InteractiveView(kind="Reconstruction browser", rows=rows, controls=controls,
                           images=pictures, css_class="aehelpers-reconstruction-browser")
    view.loss_name = loss_name
    view.losses = loss
    state = {"selection": np.arange(n)}

    def select():
        chosen = np.arange(n)
        if "class" in controls and controls["class"].value != -1:
            chosen = np.flatnonzero(y == controls["class"].value)
        if order.value != "given":
            sign = -1 if order.value == "worst" else 1
            chosen = chosen[np.argsort(sign * loss[chosen], kind="stable")]
        state["selection"] = chosen
        with view.hold_sync():
            index.value = 0  # a new selection starts at its first image (e.g. the worst)
            index.max = len(chosen) - 1
        draw()

    def draw(*_):
        chosen = state["selection"]
        position = min(index.value, len(chosen) - 1)
        i = int(chosen[position])
        _put(pictures["original"], _png(originals[i], scale=scale))
        _put(pictures["reconstruction"], _png(recon[i], scale=scale))
        _put(pictures["error"], _png(_error_map(originals[i], recon[i], vmax), scale=scale))
        label = f", class {y[i]}" + (f" · {html.escape(names[y[i]])}" if names else "") \
            if y is not None else ""
        worse = 100.0 * rank[i] / max(n - 1, 1)
        view.status.value = (
            f"<b>image {i}</b>{label} ({position + 1} of {len(chosen)} shown) · "
            f"{loss_name}: <b>{loss[i]:.4f}</b> · worse than {worse:.0f}% of the {n} images"
        )
        view.current = i

    draw = view.guard(draw)
    select = view.guard(select)
    index.observe(draw, names="value")
    order.observe(lambda change: select(), names="value")
    if "class" in controls:
        controls["class"].observe(lambda change: select(), names="value")
    draw()
    return view


# --------------------------------------------------------------------------- latent explorer


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
        draw.ellipse((px - 6, row - 6, px + 6, row + 6), outline=(214, 39, 40), width=3)
        draw.line((px - 10, row, px + 10, row), fill=(214, 39, 40), width=1)
        draw.line((px, row - 10, px, row + 10), fill=(214, 39, 40), width=1)
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
    larger code the sliders move along the main (principal) directions of ``codes``, in
    units of their standard deviation, from the mean code; the scatter shows the codes
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
    where = "latent_explorer()"
    _check_model(where, decoder, "decoder")
    image_shape = _check_image_shape(where, image_shape)
    points = None if codes is None else _check_codes(where, codes)
    if labels is not None:
        if points is None:
            raise ValueError(f"{where}: labels needs codes= as well (one label per code)")
        labels = _check_labels(where, labels, len(points))
    class_names = _check_class_names(where, class_names, labels)
    expected = _code_size_of(decoder)
    if points is None:
        if expected is None:
            raise TypeError(
                f"{where}: pass codes= (e.g. encoder.predict(x_test)) so the explorer knows "
                "the code size and the range of the sliders"
            )
        size = expected
    else:
        size = points.shape[1]
        if expected is not None and expected != size:
            raise ValueError(
                f"{where}: codes have {size} numbers each but the decoder expects {expected}"
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
            centre = points.mean(axis=0)
            sample = points[np.random.default_rng(0).permutation(len(points))[:5000]]
            _, singular, vt = np.linalg.svd(sample - centre, full_matrices=False)
            variance = singular**2 / max(len(sample) - 1, 1)
            directions = vt[:count]
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
    decoded = _image_widget()
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
        pictures["codes"] = _image_widget()
        rows_right = [_captioned("where you are", pictures["codes"])]
    controls = {f"z{i}": s for i, s in enumerate(sliders)}
    controls["reset"] = reset
    rows = [
        widgets.HTML(f"<i>{html.escape(note)}</i>"),
        widgets.HBox([widgets.VBox([*sliders, reset]),
                      _captioned("decoded image", decoded), *rows_right]),
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
            out = _run_checked(where, decoder, "decoder", code, n_pixels,
                               what=f"one image of shape {image_shape}")
            cache[key] = _as_pixels(_to_uint8(out), image_shape)[0]
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
        cache.move_to_end(key)
        return cache[key]

    def draw(*_):
        if quiet["on"]:
            return
        values = [s.value for s in sliders]
        _put(decoded, _png(decode(values), scale=scale))
        if scatter is not None:
            _put(pictures["codes"], scatter.png(values[0], values[1] if len(values) > 1 else 0))
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


# --------------------------------------------------------------------------- interpolation


def interpolation_widget(encoder, decoder, images, *, image_shape=(28, 28)):
    """Slide between the codes of two chosen images and watch the decoded path; return it.

    Two sliders pick the start and end images among ``images`` (floats in [0, 1], the
    layout the encoder takes); a slider ``t`` in [0, 1] picks the point
    ``(1 - t) * code(start) + t * code(end)`` whose decoding is shown large. Below, the
    whole decoded path (11 steps) is compared with a plain pixel blend of the two images,
    which is what interpolation would look like without an autoencoder. Each pair is
    encoded and decoded once (21 steps), so moving ``t`` only draws. If the encoder
    returns several outputs (a VAE's z_mean, z_log_var, z), the first (the mean) is used.

    Rejects (before any model call): an encoder or decoder that is not callable; images
    that are not a numeric batch of at least 2 images matching ``image_shape``, hold NaN,
    lie outside [0, 1] or number more than 10,000 (uint8 is divided by 255 with a
    warning); a bad ``image_shape``. Raises ValueError when the encoder does not return
    one code per image or the decoder one image per code. Used in notebook 06.
    """
    where = "interpolation_widget()"
    _check_model(where, encoder, "encoder")
    _check_model(where, decoder, "decoder")
    image_shape = _check_image_shape(where, image_shape)
    x = _check_images(where, images, image_shape, min_count=2)
    n, n_pixels = len(x), int(np.prod(image_shape))
    originals = _as_pixels(_to_uint8(x.reshape(n, -1)), image_shape)
    steps = np.linspace(0.0, 1.0, 21)
    strip_steps = np.arange(0, 21, 2)  # 11 pictures: t = 0, 0.1, ..., 1

    start = widgets.IntSlider(value=0, min=0, max=n - 1, description="start image",
                              continuous_update=False)
    end = widgets.IntSlider(value=1, min=0, max=n - 1, description="end image",
                            continuous_update=False)
    t = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t",
                            continuous_update=True, readout_format=".2f")
    scale = max(1, 112 // max(image_shape[:2]))
    pictures = {name: _image_widget() for name in ("start", "middle", "end", "path", "blend")}
    rows = [
        widgets.HBox([start, end]),
        t,
        widgets.HBox([
            _captioned("start", pictures["start"]),
            _captioned("decoded at t", pictures["middle"]),
            _captioned("end", pictures["end"]),
        ]),
        _captioned("decoded path, t = 0 … 1 (through the code space)", pictures["path"]),
        _captioned("pixel blend, t = 0 … 1 (for comparison)", pictures["blend"]),
    ]
    view = InteractiveView(kind="Interpolation", rows=rows,
                           controls={"start": start, "end": end, "t": t}, images=pictures,
                           css_class="aehelpers-interpolation")
    cache = OrderedDict()
    blends = {}

    def blend_frames(i, j):
        if (i, j) not in blends:
            blends.clear()
            a, b = originals[i] / 255.0, originals[j] / 255.0
            blends[(i, j)] = [_to_uint8((1 - s) * a + s * b) for s in steps[strip_steps]]
        return blends[(i, j)]

    def path(i, j):
        if (i, j) not in cache:
            codes = _run(encoder, x[[i, j]])
            if codes.ndim != 2 or len(codes) != 2:
                raise ValueError(
                    f"{where}: the encoder returned shape {codes.shape} for 2 images; "
                    "expected one code (a row of numbers) per image"
                )
            between = (1 - steps)[:, None] * codes[0] + steps[:, None] * codes[1]
            out = _run_checked(where, decoder, "decoder", between.astype(np.float32),
                               n_pixels, what=f"one image of shape {image_shape}")
            cache[(i, j)] = _as_pixels(_to_uint8(out), image_shape)
            while len(cache) > 32:
                cache.popitem(last=False)
        return cache[(i, j)]

    def draw(*_):
        i, j = start.value, end.value
        frames = path(i, j)
        k = int(round(t.value * (len(steps) - 1)))
        _put(pictures["start"], _png(originals[i], scale=scale))
        _put(pictures["end"], _png(originals[j], scale=scale))
        _put(pictures["middle"], _png(frames[k], scale=scale))
        near = int(np.argmin(np.abs(strip_steps - k)))
        _put(pictures["path"], _png(_strip(list(frames[strip_steps]), scale=2, highlight=near)))
        _put(pictures["blend"], _png(_strip(blend_frames(i, j), scale=2, highlight=near)))
        view.status.value = (
            f"t = {t.value:.2f}: code = {1 - t.value:.2f} · code(image {i}) + "
            f"{t.value:.2f} · code(image {j})"
        )

    path(0, 1)  # checks encoder and decoder outputs now, with a clear error
    draw = view.guard(draw)
    for control in (start, end, t):
        control.observe(draw, names="value")
    draw()
    return view


# --------------------------------------------------------------------------- live training


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
    model must map a batch of ``images`` to a batch of the same shape). Keras' own
    progress bar keeps printing the numbers. A problem while drawing (say, the model's
    output is not an image) is shown in the widget; training goes on. ``view.widget`` is
    the widget and ``view.history`` the logged numbers.

    Rejects: images that are not a batch of 1 to 16 images of ``image_shape`` in [0, 1]
    (uint8 is divided by 255 with a warning), an ``every`` that is not a positive integer,
    a bad ``image_shape``. Used in notebooks 02, 03, 04 and 06.
    """

    def __init__(self, images=None, *, image_shape=(28, 28), every=1):
        super().__init__()
        where = "LiveTrainingView()"
        self.image_shape = _check_image_shape(where, image_shape)
        self.images = None if images is None else _check_images(
            where, images, self.image_shape, max_count=MAX_LIVE_IMAGES)
        if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
            raise ValueError(f"{where}: every must be a positive integer, got {every!r}")
        self.every = int(every)
        self.history = {}
        self.epochs_done = 0
        self.redraws = 0
        self._display_id = None
        self._last_drawn = -1
        pictures = {"curves": _image_widget(self._curves_png())}
        rows = [_captioned("loss per epoch", pictures["curves"])]
        if self.images is not None:
            pictures["reconstructions"] = _image_widget(self._reconstructions_png(None))
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
        return _figure_png(fig)

    def _reconstructions_png(self, model):
        n = len(self.images)
        originals = _as_pixels(_to_uint8(self.images.reshape(n, -1)), self.image_shape)
        if model is None:
            recon = np.full_like(originals, 255)
        else:
            out = _run_checked("LiveTrainingView", model, "the model", self.images,
                               int(np.prod(self.image_shape)),
                               what="reconstructions of the images")
            recon = _as_pixels(_to_uint8(out), self.image_shape)
        scale = max(1, 70 // max(self.image_shape[:2]))
        return _png(_grid([list(originals), list(recon)], scale=scale))

    def _redraw(self):
        pictures = self.widget.images
        _put(pictures["curves"], self._curves_png())
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
            _put(pictures["reconstructions"], self._reconstructions_png(self.model))
            self._recon_caption.value = (
                f"<b>top: images · bottom: reconstructions after epoch {self.epochs_done}</b>"
            )
        self.widget.clear_error()

    # ----- Keras hooks (each one reports a problem in the widget, never stops training)
    def on_train_begin(self, logs=None):
        def begin():
            self.history, self.epochs_done, self._last_drawn = {}, 0, -1
            self.widget.clear_error()
            _put(self.widget.images["curves"], self._curves_png())
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

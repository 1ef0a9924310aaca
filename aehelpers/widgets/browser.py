"""The reconstruction browser: an image, its reconstruction, the error map and the loss."""

import html

import ipywidgets as widgets
import numpy as np
import traitlets

from .._calls import call_checked
from .._checks import (
    check_callable,
    check_class_names,
    check_image_shape,
    check_images,
    check_labels,
)
from .._images import as_pictures, error_map, png, to_levels
from ._view import MAX_IMAGES, InteractiveView, captioned, image_widget, put

__all__ = ["reconstruction_browser"]

CHUNK = 500  # images per model call when precomputing


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
    func = "reconstruction_browser"
    check_callable(func, "model", model)
    image_shape = check_image_shape(func, image_shape, colour=True)
    x = check_images(func, images, image_shape=image_shape, max_count=MAX_IMAGES)
    y = None if labels is None else check_labels(func, labels, len(x))
    names = check_class_names(func, class_names, y)

    n, n_pixels = len(x), int(np.prod(image_shape))
    recon = np.empty((n, n_pixels), np.uint8)
    mse = np.empty(n, np.float64)
    bce = np.empty(n, np.float64)
    bce_ok = True
    for start in range(0, n, CHUNK):
        batch = x[start: start + CHUNK]
        out = call_checked(func, model, "model", batch, n_pixels,
                           what="one reconstruction per image")
        flat = batch.reshape(len(batch), -1)
        mse[start: start + len(batch)] = np.mean((flat - out) ** 2, axis=1)
        bce_ok = bce_ok and bool(out.min() >= 0.0 and out.max() <= 1.0)
        p = np.clip(out, 1e-7, 1 - 1e-7)
        bce[start: start + len(batch)] = -np.mean(
            flat * np.log(p) + (1 - flat) * np.log(1 - p), axis=1
        )
        recon[start: start + len(batch)] = to_levels(out)
    if not np.all(np.isfinite(mse)):
        raise ValueError(f"{func}(): the model's reconstructions hold NaN or infinite values")
    originals = as_pictures(to_levels(x.reshape(n, -1)), image_shape)
    recon = as_pictures(recon, image_shape)
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
        "original": image_widget(),
        "reconstruction": image_widget(),
        "error": image_widget(),
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
            captioned("original", pictures["original"]),
            captioned("reconstruction", pictures["reconstruction"]),
            captioned(f"error map (bright = error ≥ {vmax:.2f})", pictures["error"]),
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
        put(pictures["original"], png(originals[i], scale=scale))
        put(pictures["reconstruction"], png(recon[i], scale=scale))
        put(pictures["error"], png(error_map(originals[i], recon[i], vmax), scale=scale))
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


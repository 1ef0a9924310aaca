"""Watch a denoising autoencoder at work, with a noise-level slider (taught in notebook 05)."""

import io
import numbers

import numpy as np

from .noise import KINDS, _check_images, add_noise

__all__ = ["denoising_widget"]

MAX_SHOWN = 16  # images in one view
SCALE = 3  # each pixel drawn as SCALE x SCALE screen pixels
GAP = 2  # pixels between tiles


def _check_shape(func, image_shape, images):
    if (not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2
            or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                       for d in image_shape)):
        raise ValueError(
            f"{func}(): image_shape must be (height, width), e.g. (28, 28), got {image_shape!r}"
        )
    per_image = images[0].size
    if per_image != image_shape[0] * image_shape[1]:
        raise ValueError(
            f"{func}(): each image has {per_image} pixels, which does not fit "
            f"image_shape={tuple(image_shape)}"
        )
    return tuple(int(d) for d in image_shape)


def _grid_png(rows, image_shape):
    """Draw rows of equally many (h, w) images in [0, 1] as one grey PNG (bytes)."""
    from PIL import Image

    height, width = image_shape[0] * SCALE, image_shape[1] * SCALE
    n_rows, n_cols = len(rows), len(rows[0])
    canvas = np.full((n_rows * (height + GAP) - GAP, n_cols * (width + GAP) - GAP), 255,
                     dtype=np.uint8)
    for r, row in enumerate(rows):
        for c, image in enumerate(row):
            pixels = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
            pixels = pixels.repeat(SCALE, axis=0).repeat(SCALE, axis=1)
            top, left = r * (height + GAP), c * (width + GAP)
            canvas[top:top + height, left:left + width] = pixels
    buffer = io.BytesIO()
    Image.fromarray(canvas).save(buffer, format="PNG")
    return buffer.getvalue()


def denoising_widget(model, images, *, kind="gaussian", level=0.3, max_level=0.8, seed=0,
                     image_shape=(28, 28)):
    """Return a widget: choose a noise kind and level, see noisy / denoised / clean images.

    Taught in notebook 05. ``model`` maps a batch of noisy images (the layout of ``images``)
    to denoised ones. ``images`` are up to 16 clean images in [0, 1]. The noise comes from
    :func:`add_noise` with a fixed ``seed``: moving the slider scales the same Gaussian
    noise, or masks a growing set of the same pixels, so only the level changes. Under the
    pictures: the mean squared error to the clean images, before and after denoising.

    Rejects, before any model call: a model that is not callable; images that are not 1 to
    16 images in [0, 1]; an unknown kind; a max_level that is not > 0 (and at most 1 for
    masking); a level outside [0, max_level]; a bad seed or image_shape. Raises ValueError
    when the model does not return one image per input.
    """
    func = "denoising_widget"
    if not callable(model):
        raise TypeError(f"{func}(): model must be a Keras model or a function, got {model!r}")
    clean = _check_images(func, images)
    if clean.ndim < 2 or not 1 <= len(clean) <= MAX_SHOWN:
        raise ValueError(
            f"{func}(): images must be a batch of 1 to {MAX_SHOWN} images, got shape "
            f"{clean.shape} (pass a slice such as x_test[:8])"
        )
    image_shape = _check_shape(func, image_shape, clean)
    if kind not in KINDS:
        raise ValueError(f"{func}(): kind must be one of {', '.join(map(repr, KINDS))}, "
                         f"got {kind!r}")
    for name, value in (("level", level), ("max_level", max_level)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(
                value):
            raise ValueError(f"{func}(): {name} must be a finite number, got {value!r}")
    if not 0 < max_level <= (1.0 if kind == "mask" else np.inf):
        raise ValueError(f"{func}(): max_level must be > 0 (at most 1 for masking), "
                         f"got {max_level!r}")
    if not 0 <= level <= max_level:
        raise ValueError(f"{func}(): level must lie in [0, max_level={max_level}], got {level!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{func}(): seed must be a non-negative integer, got {seed!r}")
    import ipywidgets as widgets

    run = getattr(model, "predict_on_batch", model)
    flat_clean = clean.reshape(len(clean), *image_shape)

    def denoise(noisy):
        out = np.asarray(run(noisy), dtype=np.float32)
        if out.size != noisy.size or len(out) != len(noisy):
            raise ValueError(
                f"{func}(): the model returned shape {out.shape} for {len(noisy)} images of "
                f"shape {noisy.shape[1:]}; it must return one denoised image per input"
            )
        return out.reshape(len(noisy), *image_shape)

    kind_menu = widgets.Dropdown(options=list(KINDS), value=kind, description="noise")
    slider = widgets.FloatSlider(value=float(level), min=0.0, max=float(max_level), step=0.05,
                                 description="level", continuous_update=True,
                                 readout_format=".2f")
    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    legend = widgets.HTML("<b>rows:</b> noisy input &middot; denoised by the model &middot; "
                          "clean original")

    def draw(*_):
        current_kind = kind_menu.value
        top = 1.0 if current_kind == "mask" else float(max_level)
        value = min(float(slider.value), top)
        noisy = add_noise(clean, kind=current_kind, level=value, seed=int(seed))
        denoised = denoise(noisy)
        flat_noisy = noisy.reshape(len(noisy), *image_shape)
        picture.value = _grid_png([flat_noisy, denoised, flat_clean], image_shape)
        before = float(np.mean((flat_noisy - flat_clean) ** 2))
        after = float(np.mean((denoised - flat_clean) ** 2))
        what = "standard deviation" if current_kind == "gaussian" else "fraction of pixels hidden"
        caption.value = (
            f"{current_kind} noise, {what} {value:.2f} &middot; mean squared error to the clean "
            f"images: noisy <b>{before:.4f}</b>, denoised <b>{after:.4f}</b>"
        )

    slider.observe(draw, names="value")
    kind_menu.observe(draw, names="value")
    draw()  # the first picture, and the first check of the model's output
    view = widgets.VBox([widgets.HBox([kind_menu, slider]), legend, picture, caption])
    view.slider, view.kind_menu, view.picture, view.caption = slider, kind_menu, picture, caption
    return view

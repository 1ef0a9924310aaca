"""The denoising view: choose a noise kind and level, see noisy / denoised / clean images."""

import ipywidgets as widgets
import numpy as np

from .._calls import call_checked
from .._checks import check_callable, check_image_shape, check_images, check_number, check_seed
from .._images import grid, png, to_levels
from ..noise import KINDS, add_noise, check_kind
from ._view import InteractiveView, image_widget, put

__all__ = ["denoising_widget"]

MAX_SHOWN = 16  # images in one view
SCALE = 3  # each pixel drawn as SCALE x SCALE screen pixels


def denoising_widget(model, images, *, kind="gaussian", level=0.3, max_level=0.8, seed=0,
                     image_shape=(28, 28)):
    """Return a widget: choose a noise kind and level, see noisy / denoised / clean images.

    Taught in notebook 05. ``model`` maps a batch of noisy images (the layout of ``images``)
    to denoised ones. ``images`` are up to 16 clean images (pixel values in [0, 1]). The
    noise comes from :func:`add_noise` with a fixed ``seed``: moving the slider scales the
    same Gaussian noise, or masks a growing set of the same pixels, so only the level
    changes. Under the pictures: the mean squared error to the clean images, before and
    after denoising. The view is an ``InteractiveView`` like the other widgets (CSS class
    ``aehelpers-denoising``), with a static copy for pages without a live kernel.

    Rejects, before any model call: a model that is not callable; images that are not 1 to
    16 images (the package's image rule, see ``aehelpers/_checks.py``); an unknown kind; a
    max_level that is not > 0 (and at most 1 for masking); a level outside [0, max_level]; a
    bad seed or image_shape. Raises ValueError when the model does not return one image
    per input.
    """
    func = "denoising_widget"
    check_callable(func, "model", model)
    image_shape = check_image_shape(func, image_shape)
    clean = check_images(func, images, image_shape=image_shape, max_count=MAX_SHOWN)
    check_kind(func, kind)
    max_level = check_number(func, "max_level", max_level, low=0.0, low_open=True,
                             high=1.0 if kind == "mask" else np.inf)
    level = check_number(func, "level", level, low=0.0, high=max_level)
    seed = check_seed(func, seed)
    n_pixels = int(np.prod(image_shape))
    clean_levels = to_levels(clean.reshape(len(clean), *image_shape))

    def denoise(noisy):
        return call_checked(func, model, "the model", noisy, n_pixels,
                            what="one denoised image per input")

    kind_menu = widgets.Dropdown(options=list(KINDS), value=kind, description="noise")
    slider = widgets.FloatSlider(value=level, min=0.0, max=max_level, step=0.05,
                                 description="level", continuous_update=True,
                                 readout_format=".2f")
    picture = image_widget()
    legend = widgets.HTML("<b>rows:</b> noisy input &middot; denoised by the model &middot; "
                          "clean original")
    view = InteractiveView(kind="Denoising view", rows=[widgets.HBox([kind_menu, slider]),
                                                        legend, picture],
                           controls={"kind": kind_menu, "level": slider},
                           images={"grid": picture}, css_class="aehelpers-denoising")

    def draw(*_):
        current_kind = kind_menu.value
        value = min(float(slider.value), 1.0 if current_kind == "mask" else max_level)
        noisy = add_noise(clean, kind=current_kind, level=value, seed=seed)
        denoised = denoise(noisy)
        flat_noisy, flat_clean = noisy.reshape(len(noisy), -1), clean.reshape(len(clean), -1)
        rows = [to_levels(flat_noisy.reshape(len(noisy), *image_shape)),
                to_levels(denoised.reshape(len(noisy), *image_shape)), clean_levels]
        put(picture, png(grid([list(row) for row in rows], scale=SCALE)))
        before = float(np.mean((flat_noisy - flat_clean) ** 2))
        after = float(np.mean((denoised - flat_clean) ** 2))
        what = "standard deviation" if current_kind == "gaussian" else "fraction of pixels hidden"
        view.status.value = (
            f"{current_kind} noise, {what} {value:.2f} &middot; mean squared error to the clean "
            f"images: noisy <b>{before:.4f}</b>, denoised <b>{after:.4f}</b>"
        )

    draw()  # the first picture, and the first check of the model's output (errors raise here)
    draw = view.guard(draw)
    slider.observe(draw, names="value")
    kind_menu.observe(draw, names="value")
    view.slider, view.kind_menu, view.picture = slider, kind_menu, picture
    view.caption = view.status
    return view

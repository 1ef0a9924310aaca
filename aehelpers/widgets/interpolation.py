"""The interpolation view: slide between the codes of two images, watch the decoded path."""

from collections import OrderedDict

import ipywidgets as widgets
import numpy as np

from .._calls import call_checked, call_model
from .._checks import check_callable, check_image_shape, check_images
from .._images import as_pictures, png, strip, to_levels
from ._view import MAX_IMAGES, InteractiveView, captioned, image_widget, put

__all__ = ["interpolation_widget"]




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
    func = "interpolation_widget"
    check_callable(func, "encoder", encoder)
    check_callable(func, "decoder", decoder)
    image_shape = check_image_shape(func, image_shape, colour=True)
    x = check_images(func, images, image_shape=image_shape, min_count=2,
                     max_count=MAX_IMAGES)
    n, n_pixels = len(x), int(np.prod(image_shape))
    originals = as_pictures(to_levels(x.reshape(n, -1)), image_shape)
    steps = np.linspace(0.0, 1.0, 21)
    strip_steps = np.arange(0, 21, 2)  # 11 pictures: t = 0, 0.1, ..., 1

    start = widgets.IntSlider(value=0, min=0, max=n - 1, description="start image",
                              continuous_update=False)
    end = widgets.IntSlider(value=1, min=0, max=n - 1, description="end image",
                            continuous_update=False)
    t = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t",
                            continuous_update=True, readout_format=".2f")
    scale = max(1, 112 // max(image_shape[:2]))
    pictures = {name: image_widget() for name in ("start", "middle", "end", "path", "blend")}
    rows = [
        widgets.HBox([start, end]),
        t,
        widgets.HBox([
            captioned("start", pictures["start"]),
            captioned("decoded at t", pictures["middle"]),
            captioned("end", pictures["end"]),
        ]),
        captioned("decoded path, t = 0 … 1 (through the code space)", pictures["path"]),
        captioned("pixel blend, t = 0 … 1 (for comparison)", pictures["blend"]),
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
            blends[(i, j)] = [to_levels((1 - s) * a + s * b) for s in steps[strip_steps]]
        return blends[(i, j)]

    def path(i, j):
        if (i, j) not in cache:
            codes = call_model(encoder, x[[i, j]])
            if codes.ndim != 2 or len(codes) != 2:
                raise ValueError(
                    f"{func}(): the encoder returned shape {codes.shape} for 2 images; "
                    "expected one code (a row of numbers) per image"
                )
            between = (1 - steps)[:, None] * codes[0] + steps[:, None] * codes[1]
            out = call_checked(func, decoder, "decoder", between.astype(np.float32),
                               n_pixels, what=f"one image of shape {image_shape}")
            cache[(i, j)] = as_pictures(to_levels(out), image_shape)
            while len(cache) > 32:
                cache.popitem(last=False)
        return cache[(i, j)]

    def draw(*_):
        i, j = start.value, end.value
        frames = path(i, j)
        k = int(round(t.value * (len(steps) - 1)))
        put(pictures["start"], png(originals[i], scale=scale))
        put(pictures["end"], png(originals[j], scale=scale))
        put(pictures["middle"], png(frames[k], scale=scale))
        near = int(np.argmin(np.abs(strip_steps - k)))
        put(pictures["path"], png(strip(list(frames[strip_steps]), scale=2, highlight=near)))
        put(pictures["blend"], png(strip(blend_frames(i, j), scale=2, highlight=near)))
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


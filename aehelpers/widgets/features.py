"""The feature view: pick a code unit, see its top images, its activations and its classes."""

import ipywidgets as widgets
import numpy as np

from .._checks import (
    check_array,
    check_class_names,
    check_image_shape,
    check_images,
    check_labels,
    check_positive_int,
)
from .._images import as_pictures, figure_png, grid, new_figure, png, to_levels
from ._view import MAX_IMAGES, InteractiveView, captioned, image_widget, put

__all__ = ["feature_view"]

SCALE = 2  # each pixel of the top images drawn as SCALE x SCALE screen pixels
PER_ROW = 8  # top images per row


def _unit_order(codes):
    """Units sorted by how many inputs activate them (most first), and those counts."""
    counts = np.sum(codes > 0, axis=0)
    return np.argsort(-counts, kind="stable"), counts


def feature_view(codes, images, *, labels=None, class_names=None, unit=None, n_top=16,
                 image_shape=(28, 28)):
    """Return a widget: pick a unit of a sparse code, see what activates it.

    Taught in notebook 09. ``codes`` holds one row of unit activations per image (for
    example a sparse autoencoder's codes of the test images) and ``images`` the images
    themselves, in the same order (pixel values in [0, 1], at most 10,000). The menu lists
    the units from the most often active to the least (a unit is active for an image when
    its value is above 0); for the chosen one the view shows its ``n_top`` most activating
    images, the histogram of its non-zero activations and, with ``labels``, the classes of
    the images it is active for. ``unit`` picks the first unit shown (default: the most often
    active). The view is an ``InteractiveView`` like the other widgets (CSS class
    ``aehelpers-feature-view``), with a static copy for pages without a live kernel.

    Rejects, before drawing: codes that are not a finite 2-D array; images that are not
    images or not one per row of codes; labels that are not one class number per image;
    class_names without labels; a unit outside the code; an n_top that is not a positive
    integer.
    """
    func = "feature_view"
    codes = check_array(func, "codes", codes, ndim=2, dtype=np.float32)
    image_shape = check_image_shape(func, image_shape)
    pixels = check_images(func, images, image_shape=image_shape, max_count=MAX_IMAGES)
    if len(pixels) != len(codes):
        raise ValueError(f"{func}(): images must hold one image per row of codes "
                         f"({len(codes)}), got {len(pixels)}")
    if labels is not None:
        labels = check_labels(func, labels, len(codes))
    names = check_class_names(func, class_names, labels)
    n_top = min(check_positive_int(func, "n_top", n_top), len(codes))
    order, counts = _unit_order(codes)
    if unit is None:
        unit = int(order[0])
    elif not isinstance(unit, (int, np.integer)) or isinstance(unit, bool):
        raise TypeError(f"{func}(): unit must be an integer or None, got {unit!r}")
    elif not 0 <= unit < codes.shape[1]:
        raise ValueError(f"{func}(): unit must be between 0 and {codes.shape[1] - 1}, "
                         f"got {unit}")
    levels = as_pictures(to_levels(pixels.reshape(len(pixels), -1)), image_shape)

    options = [(f"unit {u} (active on {100 * counts[u] / len(codes):.1f}%)", int(u))
               for u in order]
    menu = widgets.Dropdown(options=options, value=int(unit), description="unit")
    top_picture, chart = image_widget(), image_widget()
    view = InteractiveView(
        kind="Feature view",
        rows=[menu, captioned(f"its {n_top} most activating images", top_picture),
              captioned("its activations and classes", chart)],
        controls={"unit": menu}, images={"top": top_picture, "chart": chart},
        css_class="aehelpers-feature-view")

    def chart_png(values, active_labels):
        fig = new_figure(figsize=(7.5, 2.4) if labels is not None else (3.8, 2.4))
        ax = fig.add_subplot(1, 2 if labels is not None else 1, 1)
        if len(values):
            ax.hist(values, bins=30, color="#4c72b0")
        ax.set_xlabel("activation (active images only)", fontsize=8)
        ax.set_ylabel("images", fontsize=8)
        ax.tick_params(labelsize=7)
        if labels is not None:
            n_classes = len(names) if names else int(labels.max()) + 1
            share = np.bincount(active_labels, minlength=n_classes) / max(len(active_labels), 1)
            bars = fig.add_subplot(1, 2, 2)
            bars.barh(np.arange(n_classes), share, color="#dd8452")
            bars.set_yticks(np.arange(n_classes),
                            names if names else [str(c) for c in range(n_classes)], fontsize=7)
            bars.invert_yaxis()
            bars.set_xlim(0, 1)
            bars.set_xlabel("share of its active images", fontsize=8)
            bars.tick_params(labelsize=7)
        fig.tight_layout()
        return figure_png(fig)

    def draw(*_):
        chosen = int(menu.value)
        column = codes[:, chosen]
        top = np.argsort(-column, kind="stable")[:n_top]
        tiles = [levels[i] for i in top]
        rows = [tiles[i:i + PER_ROW] for i in range(0, len(tiles), PER_ROW)]
        if len(rows) > 1 and len(rows[-1]) < len(rows[0]):  # pad the last row with paper
            rows[-1] += [np.zeros_like(tiles[0])] * (len(rows[0]) - len(rows[-1]))
        put(top_picture, png(grid(rows, scale=SCALE)))
        active = column > 0
        put(chart, chart_png(column[active], labels[active] if labels is not None else None))
        text = (f"unit {chosen}: active on {int(active.sum())} of {len(column)} images "
                f"({100 * active.mean():.1f}%), largest activation {column.max():.3g}")
        if labels is not None and active.any():
            main = np.bincount(labels[top]).argmax()
            main_name = names[main] if names else f"class {main}"
            text += (f" &middot; top {n_top}: {int(np.sum(labels[top] == main))} of them "
                     f"{main_name}")
        view.status.value = text

    draw()  # the first picture (errors raise here)
    menu.observe(view.guard(draw), names="value")
    view.menu, view.top_picture, view.chart = menu, top_picture, chart
    return view

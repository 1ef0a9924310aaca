"""Drawing images: the course's one image style, PNG tiles for widgets, and the PCA projection.

The course draws every image as dark ink on white paper: pixel value 0 is white, 1 is
black (:data:`IMAGE_STYLE`, used by every figure in ``plots.py`` and every widget picture).
"""

import io

import numpy as np

# How every image of the course is drawn (matplotlib's imshow arguments).
IMAGE_STYLE = {"cmap": "gray_r", "vmin": 0.0, "vmax": 1.0}

RED = (214, 39, 40)  # frames and markers in the widgets' pictures


def draw_image(ax, image):
    """Draw one (h, w) image on a matplotlib axis in IMAGE_STYLE, without ticks or frame."""
    ax.imshow(image, interpolation="nearest", **IMAGE_STYLE)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def new_figure(**kwargs):
    """Make a matplotlib figure that pyplot does not keep (no plt.show, no pile-up)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(**kwargs)
    plt.close(fig)  # the notebook still displays the returned figure
    return fig


def to_levels(images):
    """Pixel values in [0, 1] -> uint8 levels 0-255 (compact storage for many images)."""
    return np.clip(np.rint(np.asarray(images, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)


def as_pictures(levels, image_shape):
    """(n, pixels) uint8 levels -> (n, h, w) grey or (n, h, w, 3) colour."""
    pictures = levels.reshape(len(levels), *image_shape)
    if pictures.ndim == 4 and pictures.shape[-1] == 1:
        pictures = pictures[..., 0]
    return pictures


def to_rgb(levels):
    """uint8 levels of one grey (h, w) image in IMAGE_STYLE, or a colour (h, w, 3) image, -> RGB."""
    if levels.ndim == 3:  # colour images are drawn as they are
        return levels
    from matplotlib import colormaps

    low, high = IMAGE_STYLE["vmin"], IMAGE_STYLE["vmax"]
    scaled = np.clip((levels / 255.0 - low) / (high - low), 0.0, 1.0)
    colormap = colormaps[IMAGE_STYLE["cmap"]]
    rgba = colormap(np.rint(scaled * (colormap.N - 1)).astype(np.int64))
    return np.rint(rgba[..., :3] * 255).astype(np.uint8)


def enlarge(pixels, scale):
    """Repeat each pixel ``scale`` x ``scale`` times."""
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else pixels


def png(pixels, *, scale=1):
    """Encode an RGB (h, w, 3) uint8 array (or grey levels, drawn in IMAGE_STYLE) as PNG bytes."""
    from PIL import Image

    rgb = to_rgb(pixels) if pixels.ndim == 2 else pixels
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(enlarge(rgb, scale))).save(buffer, format="PNG")
    return buffer.getvalue()


def error_map(original, reconstruction, vmax):
    """Per-pixel |original - reconstruction| (uint8 levels) as a magma-coloured RGB image."""
    from matplotlib import colormaps

    error = np.abs(original.astype(np.float32) - reconstruction.astype(np.float32)) / 255.0
    if error.ndim == 3:  # colour images: mean over channels
        error = error.mean(axis=-1)
    rgba = colormaps["magma"](np.clip(error / vmax, 0.0, 1.0))
    return (rgba[..., :3] * 255).astype(np.uint8)


def strip(tiles, *, scale, gap=2, highlight=None):
    """Put images (levels or RGB) side by side on white; frame tile ``highlight`` in red."""
    tiles = [enlarge(to_rgb(t), scale) for t in tiles]
    h, w = tiles[0].shape[:2]
    border = 3
    out = np.full((h + 2 * border, len(tiles) * (w + gap + 2 * border), 3), 255, np.uint8)
    for i, tile in enumerate(tiles):
        x = i * (w + gap + 2 * border) + border
        if i == highlight:
            out[:, x - border: x + w + border] = RED
        out[border: border + h, x: x + w] = tile
    return out


def grid(rows, *, scale, gap=2):
    """Stack strips of equal length vertically (e.g. originals over reconstructions)."""
    return np.concatenate([strip(row, scale=scale, gap=gap) for row in rows], axis=0)


def figure_png(fig):
    """A matplotlib figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def principal_axes(points):
    """PCA of the rows of ``points``: return (centre, directions (k, d), variance along each).

    Used to project codes of more than two numbers to two (plot_codes, latent_explorer).
    """
    centre = points.mean(axis=0)
    _, singular, vt = np.linalg.svd(points - centre, full_matrices=False)
    return centre, vt, singular**2 / max(len(points) - 1, 1)

"""A transposed convolution drawn step by step: each input value spreads a kernel-sized patch."""

import numpy as np

from .._checks import check_positive_int

__all__ = ["plot_transposed_convolution"]

# Sizes above these no longer leave room for the numbers written in the cells.
MAX_INPUT_SIZE = 5
MAX_KERNEL_SIZE = 5
MAX_STRIDE = 4


def _check_sizes(func, input_size, kernel_size, stride):
    limits = {"input_size": (input_size, MAX_INPUT_SIZE),
              "kernel_size": (kernel_size, MAX_KERNEL_SIZE),
              "stride": (stride, MAX_STRIDE)}
    for name, (value, limit) in limits.items():
        check_positive_int(func, name, value)
        if value > limit:
            raise ValueError(f"{func}(): {name} must be at most {limit} so that the picture "
                             f"stays readable, got {value!r}")


def _output_size(input_size, kernel_size, stride):
    """Side of a transposed convolution's output without padding, as Keras computes it."""
    return (input_size - 1) * stride + max(kernel_size, stride)


def _coverage(input_size, kernel_size, stride):
    """How many input values' patches land on each output pixel (a 2-D integer array).

    It is also the output of the transposed convolution of an all-ones input with an
    all-ones kernel: overlapping patches are summed.
    """
    side = _output_size(input_size, kernel_size, stride)
    counts = np.zeros((side, side), dtype=int)
    for i in range(input_size):
        for j in range(input_size):
            counts[i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size] += 1
    return counts


def _grid(ax, side, title):
    ax.set_xlim(-0.5, side - 0.5)
    ax.set_ylim(side - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(-0.5, side, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, side, 1), minor=True)
    ax.grid(which="minor", color="#bbbbbb", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(title, fontsize=10)


def plot_transposed_convolution(*, input_size=2, kernel_size=3, stride=2):
    """Draw how a transposed convolution spreads each input value over a larger output.

    Used in notebook 04, whose decoder doubles the image size with stride-2
    ``Conv2DTranspose`` layers. Three panels: the ``input_size`` x ``input_size`` input,
    each input value's ``kernel_size`` x ``kernel_size`` patch placed ``stride`` pixels
    apart on the output (its weights times that value), and how many patches overlap on
    each output pixel: overlapping contributions are added. The output drawn is the full
    one (Keras' ``padding="valid"``), (input_size - 1) * stride + kernel_size pixels a side
    (input_size * stride when the stride is larger than the kernel, leaving gaps);
    ``padding="same"`` keeps input_size * stride of them, starting
    max(kernel_size - stride, 0) // 2 pixels in (with a 3 x 3 kernel and stride 2: the
    first rows and columns, the last row and column dropped). Returns a matplotlib Figure.

    Rejects sizes that are not positive integers (TypeError for a non-integer, ValueError
    for 0 or less, or above 5 for input_size and kernel_size and above 4 for stride).
    """
    func = "plot_transposed_convolution"
    _check_sizes(func, input_size, kernel_size, stride)
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    side = _output_size(input_size, kernel_size, stride)
    counts = _coverage(input_size, kernel_size, stride)
    colors = [f"C{k % 10}" for k in range(input_size * input_size)]
    names = [chr(ord("a") + k) for k in range(input_size * input_size)]

    fig = Figure(figsize=(11, 4))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [input_size, side, side]})

    _grid(axes[0], input_size, f"input: {input_size} x {input_size} values")
    for k, (color, name) in enumerate(zip(colors, names, strict=True)):
        i, j = divmod(k, input_size)
        axes[0].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=color, alpha=0.5))
        axes[0].text(j, i, name, ha="center", va="center", fontsize=12)

    _grid(axes[1], side, f"each value times the {kernel_size} x {kernel_size} kernel,\n"
                         f"placed {stride} pixels apart")
    inset = 0.08
    for k, color in enumerate(colors):
        i, j = divmod(k, input_size)
        top, left = i * stride, j * stride
        axes[1].add_patch(Rectangle((left - 0.5, top - 0.5), kernel_size, kernel_size,
                                    color=color, alpha=0.18))
        axes[1].add_patch(Rectangle((left - 0.5 + inset * (k + 1), top - 0.5 + inset * (k + 1)),
                                    kernel_size - 2 * inset * (k + 1),
                                    kernel_size - 2 * inset * (k + 1),
                                    fill=False, edgecolor=color, linewidth=2))
        axes[1].text(left + (kernel_size - 1) / 2, top + (kernel_size - 1) / 2, names[k],
                     ha="center", va="center", fontsize=12, color=color)

    _grid(axes[2], side, f"output: {side} x {side}, overlaps added\n"
                         "(number of patches on each pixel)")
    axes[2].imshow(counts, cmap="gray_r", vmin=0, vmax=2 * counts.max())
    for (i, j), n in np.ndenumerate(counts):
        axes[2].text(j, i, str(n), ha="center", va="center", fontsize=10)
    fig.suptitle(f"A transposed convolution, stride {stride}: {input_size} x {input_size} in, "
                 f"{side} x {side} out", fontsize=11)
    fig.tight_layout()
    return fig

"""The pretrain-then-fine-tune pipeline: what an autoencoder hands on to a classifier."""

from .._checks import check_positive_int
from .architecture import COLORS

__all__ = ["plot_pretraining_pipeline"]

# The encoder's colour as in plot_architecture; the new classifier head gets a colour of
# its own; the parts left behind are pale.
ENCODER_COLOR = COLORS.get("encoder", "#4c72b0")
DATA_COLOR = COLORS.get("input", "#9e9e9e")
HEAD_COLOR = "#8172b3"
DROPPED_COLOR = "#eeeeee"


def _check_text(func, name, value):
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{func}(): {name} must be a non-empty string, got {value!r}")
    return value


def plot_pretraining_pipeline(*, reused="conv layers", dropped=("dense code", "decoder"),
                              head="new head:\nBatchNorm +\nDense softmax", n_classes=10,
                              title=None):
    """Draw unsupervised pretraining then fine-tuning: which parts are reused, dropped, added.

    Used in notebook 08. The top row is step 1, an autoencoder trained on images alone
    (its loss compares the output with the input, no labels); the bottom row is step 2, a
    classifier trained on the few labeled images. An arrow shows the ``reused`` part of the
    encoder copied into the classifier (as starting weights, then frozen or fine-tuned); the
    ``dropped`` parts (e.g. the code layer and the decoder) are drawn pale in step 1 and are
    not in the classifier; ``head`` is the new part, ending in ``n_classes`` probabilities.
    Returns a matplotlib Figure. Rejects texts that are not non-empty strings (``dropped``:
    a non-empty tuple of them; TypeError) and an ``n_classes`` that is not a positive
    integer.
    """
    func = "plot_pretraining_pipeline"
    reused = _check_text(func, "reused", reused)
    head = _check_text(func, "head", head)
    if not isinstance(dropped, (tuple, list)) or not dropped:
        raise TypeError(f"{func}(): dropped must be a non-empty tuple of strings (the parts "
                        f"not reused), got {dropped!r}")
    dropped = [_check_text(func, "dropped", part) for part in dropped]
    n_classes = check_positive_int(func, "n_classes", n_classes)
    if title is not None:
        _check_text(func, "title", title)
    return _draw(reused, dropped, head, n_classes, title)


def _box(ax, x, y, text, color, *, width=1.5, height=0.9, hatch=None, text_color="black"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.04", facecolor=color, hatch=hatch,
                                edgecolor="#555555", linewidth=1, zorder=2))
    backing = {"facecolor": color, "edgecolor": "none", "pad": 1} if hatch else None
    ax.text(x, y, text, ha="center", va="center", fontsize=8.5, color=text_color, zorder=3,
            bbox=backing)


def _arrow(ax, start, end, *, style="-|>", color="#444444", linestyle="-", rad=0.0):
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color,
                                 linestyle=linestyle, linewidth=1.2, zorder=1,
                                 connectionstyle=f"arc3,rad={rad}"))


def _draw(reused, dropped, head, n_classes, title):
    from ._canvas import new_figure

    gap = 2.0
    n_top = len(dropped) + 3
    fig = new_figure(figsize=(max(8.0, 1.0 * gap * n_top), 4.8))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.88))
    ax.set_xlim(-0.2, gap * n_top)
    ax.set_ylim(0.0, 4.9)
    ax.axis("off")
    top, bottom = 3.7, 1.0

    # Step 1: the autoencoder, trained on images alone.
    ax.text(-0.1, top + 0.85, "Step 1 · pretrain an autoencoder on unlabeled images",
            fontsize=10, fontweight="bold", va="center")
    row = [("image", DATA_COLOR, None), (reused, ENCODER_COLOR, None)]
    row += [(f"{part}\n(dropped)", DROPPED_COLOR, "//") for part in dropped]
    row += [("reconstruction", DATA_COLOR, None)]
    xs = [0.7 + gap * i for i in range(len(row))]
    for i, (x, (text, color, hatch)) in enumerate(zip(xs, row, strict=True)):
        _box(ax, x, top, text, color, hatch=hatch,
             text_color="white" if color == ENCODER_COLOR else "black")
        if i:
            _arrow(ax, (xs[i - 1] + 0.78, top), (x - 0.78, top))
    _arrow(ax, (xs[-1], top - 0.5), (xs[0], top - 0.5), style="<|-|>", color="#999999",
           linestyle="--", rad=-0.12)
    ax.text((xs[0] + xs[-1]) / 2, top - 1.15, "loss: output vs. input (no labels)",
            ha="center", va="center", fontsize=8.5, color="#666666")

    # Step 2: the classifier, trained on the few labeled images.
    ax.text(-0.1, bottom + 0.85, "Step 2 · train a classifier on a few labeled images",
            fontsize=10, fontweight="bold", va="center")
    row2 = [("image", DATA_COLOR), (reused, ENCODER_COLOR), (head, HEAD_COLOR),
            (f"class\n({n_classes} probabilities)", DATA_COLOR)]
    for i, (text, color) in enumerate(row2):
        x = xs[i]
        _box(ax, x, bottom, text, color,
             text_color="white" if color in (ENCODER_COLOR, HEAD_COLOR) else "black")
        if i:
            _arrow(ax, (xs[i - 1] + 0.78, bottom), (x - 0.78, bottom))
    ax.text(xs[3] + 0.8, bottom - 0.68, "loss: predicted class vs. label", ha="right",
            va="center", fontsize=8.5, color="#666666")

    # The one thing handed on: the reused part's weights.
    _arrow(ax, (xs[1] + 0.1, top - 0.47), (xs[1] + 0.1, bottom + 0.47), color=ENCODER_COLOR,
           style="-|>", linestyle="--")
    ax.text(xs[1] + 0.25, (top + bottom) / 2 - 0.1,
            "copy the weights, then freeze them or fine-tune them",
            ha="left", va="center", fontsize=8.5, color=ENCODER_COLOR)
    fig.suptitle(title or "Pretraining reuses part of the encoder; a new head learns the labels",
                 fontsize=11, y=0.99)
    return fig

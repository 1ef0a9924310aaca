"""Every result figure: the 3D cloud (plotly), codes, image grids, reconstructions, training
curves and the histograms of reconstruction errors.

Every function returns its figure and never calls ``plt.show()``: a notebook shows the
figure because it is the last value of a cell (or with ``display(fig)``). Matplotlib
figures are also closed from pyplot's list, so a loop that makes many does not pile
them up in memory. Images are drawn in the course's one style, dark ink on white paper
(``IMAGE_STYLE`` in ``_images.py``). Used by notebooks 01-08. The pictures of the ideas
(architecture diagrams) are in ``diagrams/``.
"""

import numpy as np

from ._checks import (
    check_array,
    check_bool,
    check_class_names,
    check_image_shape,
    check_images,
    check_labels,
    check_number,
    check_positive_int,
    check_scores,
    check_title,
)
from ._images import draw_image, new_figure, principal_axes

__all__ = [
    "plot_3d_cloud", "plot_codes", "plot_reconstructions", "plot_history", "plot_images",
    "plot_error_histograms",
]

RECONSTRUCTION_COLOR = "#d62728"


# --------------------------------------------------------------------------- checks


def _images(func, name, images, image_shape):
    """Return images as (n, height, width): accepts (n, h, w), (n, h*w) or (n, h, w, 1)."""
    image_shape = check_image_shape(func, image_shape)
    array = check_images(func, images, name=name, image_shape=image_shape, stacklevel=4)
    return array.reshape((len(array), *image_shape))


def _labels(func, labels, n):
    return None if labels is None else check_labels(func, labels, n, whole=False)


def _class_names(func, class_names, labels):
    if class_names is not None and labels is not None and not np.issubdtype(
            labels.dtype, np.integer):
        raise TypeError(f"{func}(): with class_names, labels must be integers, got dtype "
                        f"{labels.dtype}")
    return check_class_names(func, class_names, labels)


def _label_text(label, class_names):
    if class_names is not None:
        return class_names[int(label)]
    if isinstance(label, (float, np.floating)):
        return f"{label:.3g}"
    return str(label)


# --------------------------------------------------------------------------- 3D cloud


def _values(func, values, n, *, per):
    """Return values as one finite number per item (or None), or raise naming func."""
    if values is None:
        return None
    values = check_array(func, "values", values, ndim=1)
    if len(values) != n:
        raise ValueError(f"{func}(): values must have one number per {per} ({n}), "
                         f"got {len(values)}")
    return values


def plot_3d_cloud(points, *, reconstruction=None, values=None, connect=False, max_lines=300,
                  side_by_side=False, title=None, names=("original", "reconstruction"),
                  marker_size=2.5, colorscale="Viridis"):
    """Return a rotatable plotly 3D scatter of ``points`` (n, 3), optionally with a reconstruction.

    Taught in notebook 01. ``values`` (one number per point) colours the points (e.g. a
    coordinate on the hidden sheet); ``reconstruction`` (n, 3) is drawn in red in the same
    scene, and ``connect=True`` joins up to ``max_lines`` points to their reconstructions with
    grey segments, so the information lost is visible. ``side_by_side=True`` draws the two
    clouds in two scenes instead. Rejects arrays that are not (n, 3) or hold NaN, a
    reconstruction or values of another length, and connect/side_by_side without a
    reconstruction.
    """
    import plotly.graph_objects as go

    func = "plot_3d_cloud"
    points = check_array(func, "points", points, ndim=2)
    if points.shape[1] != 3:
        raise ValueError(f"{func}(): points must have shape (n, 3), got {points.shape}")
    n = len(points)
    if reconstruction is not None:
        reconstruction = check_array(func, "reconstruction", reconstruction, ndim=2)
        if reconstruction.shape != points.shape:
            raise ValueError(
                f"{func}(): reconstruction must have the shape of points {points.shape}, "
                f"got {reconstruction.shape}"
            )
    elif connect or side_by_side:
        raise ValueError(f"{func}(): connect and side_by_side need a reconstruction")
    values = _values(func, values, n, per="point")
    max_lines = check_positive_int(func, "max_lines", max_lines)
    check_title(func, title)
    if isinstance(names, str) or len(names) != 2 or not all(isinstance(s, str) for s in names):
        raise TypeError(f"{func}(): names must be two strings (original, reconstruction)")

    def scatter(xyz, name, *, color, showscale, scene="scene"):
        marker = {"size": marker_size, "opacity": 0.8}
        if color is None:
            marker["color"] = RECONSTRUCTION_COLOR
        else:
            marker.update(color=color, colorscale=colorscale, showscale=showscale)
            if showscale:
                marker["colorbar"] = {"thickness": 12, "len": 0.6}
        return go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers",
                            name=name, marker=marker, scene=scene)

    original_color = values if values is not None else "#1f77b4"
    traces = [scatter(points, names[0], color=original_color, showscale=values is not None)]
    if reconstruction is not None and side_by_side:
        colour = values if values is not None else None
        traces.append(scatter(reconstruction, names[1], color=colour, showscale=False,
                              scene="scene2"))
    elif reconstruction is not None:
        traces.append(scatter(reconstruction, names[1], color=None, showscale=False))
    if connect:
        step = max(1, int(np.ceil(n / max_lines)))
        idx = np.arange(0, n, step)
        segments = np.full((len(idx) * 3, 3), np.nan)
        segments[0::3] = points[idx]
        segments[1::3] = reconstruction[idx]
        traces.append(go.Scatter3d(
            x=segments[:, 0], y=segments[:, 1], z=segments[:, 2], mode="lines",
            name="error (original to reconstruction)",
            line={"color": "rgba(90, 90, 90, 0.6)", "width": 2},
        ))

    fig = go.Figure(traces)
    axes = {"xaxis_title": "x", "yaxis_title": "y", "zaxis_title": "z", "aspectmode": "data"}
    layout = {
        "title": title, "height": 520, "margin": {"l": 0, "r": 0, "t": 40 if title else 10,
                                                  "b": 0},
        "legend": {"x": 0.0, "y": 1.0}, "scene": axes,
    }
    if side_by_side:
        layout["scene"] = dict(axes, domain={"x": [0.0, 0.5]})
        layout["scene2"] = dict(axes, domain={"x": [0.5, 1.0]})
        layout["showlegend"] = False  # the two titles say which cloud is which
        layout["annotations"] = [
            {"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper",
             "showarrow": False, "font": {"size": 14}}
            for text, x in ((names[0], 0.25), (names[1], 0.75))
        ]
    fig.update_layout(**layout)
    return fig


# --------------------------------------------------------------------------- codes


def plot_codes(codes, labels=None, *, values=None, class_names=None, title=None,
               max_points=5_000, seed=0, point_size=6):
    """Return a matplotlib scatter of 2-D codes coloured by class label or by a value.

    Taught in notebooks 01-03. Codes with more than two dimensions are projected onto
    their first two principal components (PCA), and the axes say how much of the codes'
    variance each keeps. ``labels`` (integers) give one colour and a legend entry per class
    (named by ``class_names``); ``values`` (numbers) colour on a continuous scale. At most
    ``max_points`` seeded random points are drawn. Rejects codes that are not (n, d) with
    d >= 2, NaN, labels or values of another length, and both labels and values at once.
    """
    import matplotlib as mpl

    func = "plot_codes"
    codes = check_array(func, "codes", codes, ndim=2)
    n, dims = codes.shape
    if dims < 2:
        raise ValueError(f"{func}(): codes need at least 2 dimensions, got shape {codes.shape}")
    if labels is not None and values is not None:
        raise ValueError(f"{func}(): give labels or values, not both")
    labels = _labels(func, labels, n)
    class_names = _class_names(func, class_names, labels)
    values = _values(func, values, n, per="code")
    max_points = check_positive_int(func, "max_points", max_points)
    check_title(func, title)

    if dims > 2:
        centre, directions, variance = principal_axes(codes)
        xy = (codes - centre) @ directions[:2].T
        ratio = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
        xlabel = f"principal direction 1 ({ratio[0]:.0%} of the variance)"
        ylabel = f"principal direction 2 ({ratio[1]:.0%} of the variance)"
        title = title or f"{dims}-D codes projected to 2-D with PCA"
    else:
        xy = codes
        xlabel, ylabel = "code 1", "code 2"
    if n > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
        xy = xy[keep]
        labels = labels[keep] if labels is not None else None
        values = values[keep] if values is not None else None

    fig = new_figure(figsize=(6.5, 5.2))
    ax = fig.add_subplot()
    if labels is not None:
        classes = np.unique(labels)
        cmap = mpl.colormaps["tab10" if len(classes) <= 10 else "tab20"]
        for i, c in enumerate(classes):
            mask = labels == c
            ax.scatter(xy[mask, 0], xy[mask, 1], s=point_size, color=cmap(i % cmap.N),
                       label=_label_text(c, class_names), alpha=0.7, linewidths=0)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), markerscale=3, frameon=False)
    elif values is not None:
        dots = ax.scatter(xy[:, 0], xy[:, 1], s=point_size, c=values, cmap="viridis",
                          alpha=0.8, linewidths=0)
        fig.colorbar(dots, ax=ax, shrink=0.8)
    else:
        ax.scatter(xy[:, 0], xy[:, 1], s=point_size, alpha=0.7, linewidths=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- images


def plot_images(images, *, labels=None, class_names=None, n_cols=10, image_shape=(28, 28),
                title=None, max_images=200):
    """Return a matplotlib grid of images, each captioned with its label if given.

    Used in notebooks 02-03 and later. ``images`` may be (n, h, w), (n, h*w) or
    (n, h, w, 1) of pixel values in [0, 1], drawn as dark ink on white paper (0 white, 1
    black). Rejects images that break the package's image rule (see
    ``aehelpers/_checks.py``; scale other maps, e.g. feature maps, into [0, 1] first), more
    than ``max_images`` images (pass a slice), labels of another length, and labels outside
    class_names.
    """
    func = "plot_images"
    images = _images(func, "images", images, image_shape)
    labels = _labels(func, labels, len(images))
    class_names = _class_names(func, class_names, labels)
    n_cols = check_positive_int(func, "n_cols", n_cols)
    max_images = check_positive_int(func, "max_images", max_images)
    check_title(func, title)
    if len(images) > max_images:
        raise ValueError(
            f"{func}(): {len(images)} images is more than max_images={max_images}; "
            "pass a slice such as images[:20]"
        )
    n_cols = min(n_cols, len(images))
    n_rows = int(np.ceil(len(images) / n_cols))
    caption = 0.25 if labels is not None else 0.0
    fig = new_figure(figsize=(1.1 * n_cols, (1.1 + caption) * n_rows + (0.4 if title else 0)))
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(images):
            ax.axis("off")
            continue
        draw_image(ax, images[i])
        if labels is not None:
            ax.set_title(_label_text(labels[i], class_names), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(originals, reconstructions, *, labels=None, class_names=None, n=10,
                         n_cols=10, image_shape=(28, 28), show_error=True, title=None,
                         top_row="original"):
    """Return a matplotlib grid: originals in the top row, reconstructions below each one.

    Taught in notebooks 02-03. ``reconstructions`` is one array of the same shape as
    ``originals``, or a dict {row name: array} to compare several models (e.g. PCA,
    shallow, deep) under the same originals; all are pixel values in [0, 1], drawn as dark
    ink on white paper. The first ``n`` images are shown, ``n_cols``
    per band; ``show_error`` writes each reconstruction's mean squared error under it;
    ``top_row`` names the top row (e.g. "VAE samples" when it holds no originals).
    Rejects arrays of different shapes, non-image arrays, NaN, an empty dict, n < 1, and
    labels of another length or outside class_names.
    """
    func = "plot_reconstructions"
    originals = _images(func, "originals", originals, image_shape)
    if isinstance(reconstructions, dict):
        if not all(isinstance(k, str) for k in reconstructions):
            raise TypeError(f"{func}(): reconstructions as a dict needs string keys (row names)")
        if not reconstructions:
            raise ValueError(f"{func}(): reconstructions as a dict needs at least one entry")
        rows = dict(reconstructions)
    else:
        rows = {"reconstruction": reconstructions}
    for name in rows:
        arg = f"reconstructions[{name!r}]" if isinstance(reconstructions, dict) else (
            "reconstructions")
        rows[name] = _images(func, arg, rows[name], image_shape)
        if rows[name].shape != originals.shape:
            raise ValueError(
                f"{func}(): reconstructions must match originals: {len(originals)} images of "
                f"{image_shape}, got {rows[name].shape} for {name!r}"
            )
    labels = _labels(func, labels, len(originals))
    class_names = _class_names(func, class_names, labels)
    n = min(check_positive_int(func, "n", n), len(originals))
    n_cols = min(check_positive_int(func, "n_cols", n_cols), n)
    check_title(func, title)
    if not isinstance(top_row, str):
        raise TypeError(f"{func}(): top_row must be a string (the top row's name), "
                        f"got {type(top_row).__name__}")
    if not top_row.strip():
        raise ValueError(f"{func}(): top_row must be a non-empty name, got {top_row!r}")

    n_bands = int(np.ceil(n / n_cols))
    rows_per_band = 1 + len(rows)
    row_height = 1.15 + (0.2 if show_error else 0.0)
    fig = new_figure(figsize=(1.1 * n_cols + 1.2,
                               row_height * rows_per_band * n_bands + (0.4 if title else 0)))
    axes = fig.subplots(rows_per_band * n_bands, n_cols, squeeze=False)
    names = [top_row, *rows]
    for band in range(n_bands):
        for col in range(n_cols):
            i = band * n_cols + col
            for r, name in enumerate(names):
                ax = axes[band * rows_per_band + r, col]
                if i >= n:
                    ax.axis("off")
                    continue
                image = originals[i] if r == 0 else rows[name][i]
                draw_image(ax, image)
                if r == 0 and labels is not None:
                    ax.set_title(_label_text(labels[i], class_names), fontsize=8)
                if r > 0 and show_error:
                    error = float(np.mean((image - originals[i]) ** 2))
                    ax.set_xlabel(f"{error:.3f}", fontsize=7)
                if col == 0:
                    ax.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title)
    elif show_error:
        fig.suptitle("numbers: mean squared error per image", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- history


def _history_dict(func, history, name=None):
    where = "history" if name is None else f"history[{name!r}]"
    record = getattr(history, "history", history)
    if not isinstance(record, dict):
        raise TypeError(
            f"{func}(): {where} must be what model.fit returns (a keras History) or a dict "
            f"of lists, got {type(history).__name__}"
        )
    if not record:
        raise ValueError(f"{func}(): {where} is empty (was the model trained?)")
    curves = {}
    for key, values in record.items():
        curve = check_array(func, f"{where}[{key!r}]", values, ndim=1)
        curves[str(key)] = curve
    lengths = {len(c) for c in curves.values()}
    if len(lengths) != 1:
        raise ValueError(f"{func}(): {where} has curves of different lengths {sorted(lengths)}")
    return curves


def _is_run(value):
    return hasattr(value, "history") or isinstance(value, dict)


def plot_history(history, *, metrics=None, title=None, log_scale=False):
    """Return a matplotlib figure of training curves: one panel per metric, train and validation.

    Taught in notebook 02, used by every notebook that trains. ``history`` is what
    ``model.fit`` returns, or a dict such as ``{"loss": [...], "val_loss": [...]}``, or a
    dict {model name: History} to compare several models on the same axes (notebook 03).
    ``metrics`` picks which ones (default: all, e.g. "loss"). Rejects anything that is not a
    History or dict, an empty history, curves of different lengths, NaN, and unknown metrics.
    """
    func = "plot_history"
    if isinstance(history, dict) and history and all(_is_run(v) for v in history.values()):
        runs = {str(name): _history_dict(func, run, name) for name, run in history.items()}
    else:
        runs = {None: _history_dict(func, history)}
    available = []
    for curves in runs.values():
        for key in curves:
            metric = key[4:] if key.startswith("val_") else key
            if metric not in available:
                available.append(metric)
    available = [k for k in available if k not in ("learning_rate", "lr")] or available
    if metrics is None:
        metrics = available
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    unknown = [m for m in metrics if m not in available]
    if not metrics or unknown:
        raise ValueError(f"{func}(): unknown metrics {unknown}; this history has {available}")
    check_title(func, title)

    fig = new_figure(figsize=(5.0 * len(metrics), 3.6))
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for run, (name, curves) in enumerate(runs.items()):
            for key, split, style in ((metric, "training", "-"), (f"val_{metric}", "validation",
                                                                  "--")):
                if key not in curves:
                    continue
                label = split if name is None else f"{name}, {split}"
                color = None if name is None else f"C{run % 10}"
                epochs = np.arange(1, len(curves[key]) + 1)
                ax.plot(epochs, curves[key], style, marker="o", markersize=3, label=label,
                        color=color)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        if log_scale:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- error histograms


def plot_error_histograms(errors, *, threshold=None, bins=60, log=True):
    """Return a matplotlib Figure of overlaid histograms of reconstruction errors per group.

    ``errors`` maps a group name (e.g. "normal", "Fashion-MNIST") to that group's 1-D scores
    (e.g. from ``reconstruction_errors``); ``threshold`` draws a vertical line; ``log=True``
    spaces the bins logarithmically (errors span decades). Used in notebook 07. Rejects a
    non-dict ``errors`` (TypeError) or an empty one, bad score arrays, a non-positive
    ``bins``, and (with ``log=True``) scores <= 0.
    """
    func = "plot_error_histograms"
    if not isinstance(errors, dict):
        raise TypeError(f"{func}(): errors must be a dict {{group name: 1-D array of scores}}, "
                        f"got {type(errors).__name__}")
    if not errors:
        raise ValueError(f"{func}(): errors is empty: give at least one group of scores")
    groups = {str(k): check_scores(func, f"errors[{k!r}]", v) for k, v in errors.items()}
    bins = check_positive_int(func, "bins", bins)
    if threshold is not None:
        threshold = check_number(func, "threshold", threshold)
    check_bool(func, "log", log)
    everything = np.concatenate(list(groups.values()))
    if log:
        if everything.min() <= 0:
            raise ValueError(f"{func}(): log=True needs positive scores; pass log=False for "
                             "zeros")
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig = new_figure(figsize=(8, 3.5))
    ax = fig.add_subplot()
    for name, scores in groups.items():
        ax.hist(scores, bins=edges, alpha=0.5, density=True, label=f"{name} ({len(scores)})")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label="threshold")
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("reconstruction error (MSE per image)")
    ax.set_ylabel("density")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig

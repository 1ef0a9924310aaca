"""Figures for the notebooks: the 3D cloud (plotly), codes, image grids, training curves.

Every function returns its figure and never calls ``plt.show()``: a notebook shows the
figure because it is the last value of a cell (or with ``display(fig)``). Matplotlib
figures are also closed from pyplot's list, so a loop that makes many does not pile
them up in memory. Used by notebooks 01-03 and later ones.
"""

import numbers

import numpy as np

__all__ = ["plot_3d_cloud", "plot_codes", "plot_reconstructions", "plot_history", "plot_images"]

RECONSTRUCTION_COLOR = "#d62728"


# --------------------------------------------------------------------------- checks


def _array(func, name, value, *, ndim=None, min_len=1):
    """Return value as a finite float array, or raise naming func and the argument."""
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise TypeError(f"{func}(): {name} must be a numeric array") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(f"{func}(): {name} must be a numeric array, got dtype {array.dtype}")
    if ndim is not None and array.ndim not in np.atleast_1d(ndim):
        raise ValueError(
            f"{func}(): {name} must have {' or '.join(map(str, np.atleast_1d(ndim)))} "
            f"dimensions, got shape {array.shape}"
        )
    if len(array) < min_len:
        raise ValueError(f"{func}(): {name} is empty")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{func}(): {name} holds NaN or infinite values")
    return array


def _check_image_shape(func, image_shape):
    if (
        not isinstance(image_shape, (tuple, list))
        or len(image_shape) != 2
        or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                   for d in image_shape)
    ):
        raise ValueError(
            f"{func}(): image_shape must be (height, width) with positive integers, "
            f"got {image_shape!r}"
        )
    return tuple(int(d) for d in image_shape)


def _images(func, name, images, image_shape):
    """Return images as (n, height, width): accepts (n, h, w), (n, h*w) or (n, h, w, 1)."""
    image_shape = _check_image_shape(func, image_shape)
    array = _array(func, name, images, ndim=(2, 3, 4))
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    n_pixels = int(np.prod(image_shape))
    if int(np.prod(array.shape[1:])) != n_pixels:
        raise ValueError(
            f"{func}(): {name} must be images of shape {image_shape} (or flat rows of "
            f"{n_pixels} pixels), got an array of shape {array.shape}"
        )
    return array.reshape((len(array), *image_shape))


def _labels(func, labels, n):
    if labels is None:
        return None
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(
            f"{func}(): labels must be a 1-D array with one label per item ({n}), "
            f"got shape {array.shape}"
        )
    return array


def _class_names(func, class_names, labels):
    if class_names is None:
        return None
    if isinstance(class_names, str) or not all(isinstance(c, str) for c in class_names):
        raise TypeError(f"{func}(): class_names must be a sequence of strings")
    class_names = tuple(class_names)
    if labels is None:
        raise ValueError(f"{func}(): class_names needs labels to go with it")
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or (
        labels.max() >= len(class_names)
    ):
        raise ValueError(
            f"{func}(): with class_names, labels must be integers from 0 to "
            f"{len(class_names) - 1}"
        )
    return class_names


def _label_text(label, class_names):
    if class_names is not None:
        return class_names[int(label)]
    if isinstance(label, (float, np.floating)):
        return f"{label:.3g}"
    return str(label)


def _title(func, title):
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{func}(): title must be a string or None, got {title!r}")
    return title


def _positive_int(func, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{func}(): {name} must be a positive integer, got {value!r}")
    return int(value)


def _new_figure(**kwargs):
    """Make a matplotlib figure that pyplot does not keep (no plt.show, no pile-up)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(**kwargs)
    plt.close(fig)  # the notebook still displays the returned figure
    return fig


def _image_axis(ax, image, *, vmin=0.0, vmax=1.0, cmap="gray"):
    ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _pixel_range(*arrays):
    """Return (0, 1) for images in [0, 1] (the course's scale), else their own range."""
    low = min(float(a.min()) for a in arrays)
    high = max(float(a.max()) for a in arrays)
    if low >= 0.0 and high <= 1.0:
        return 0.0, 1.0
    return low, high


# --------------------------------------------------------------------------- 3D cloud


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
    points = _array(func, "points", points, ndim=2)
    if points.shape[1] != 3:
        raise ValueError(f"{func}(): points must have shape (n, 3), got {points.shape}")
    n = len(points)
    if reconstruction is not None:
        reconstruction = _array(func, "reconstruction", reconstruction, ndim=2)
        if reconstruction.shape != points.shape:
            raise ValueError(
                f"{func}(): reconstruction must have the shape of points {points.shape}, "
                f"got {reconstruction.shape}"
            )
    elif connect or side_by_side:
        raise ValueError(f"{func}(): connect and side_by_side need a reconstruction")
    if values is not None:
        values = _array(func, "values", values, ndim=1)
        if len(values) != n:
            raise ValueError(f"{func}(): values must have one number per point ({n}), "
                             f"got {len(values)}")
    max_lines = _positive_int(func, "max_lines", max_lines)
    _title(func, title)
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


def _project_2d(codes):
    """Project codes to their first two principal components; return (xy, variance ratios)."""
    centred = codes - codes.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2
    ratio = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    return centred @ vt[:2].T, ratio


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
    codes = _array(func, "codes", codes, ndim=2)
    n, dims = codes.shape
    if dims < 2:
        raise ValueError(f"{func}(): codes need at least 2 dimensions, got shape {codes.shape}")
    if labels is not None and values is not None:
        raise ValueError(f"{func}(): give labels or values, not both")
    labels = _labels(func, labels, n)
    class_names = _class_names(func, class_names, labels)
    if values is not None:
        values = _array(func, "values", values, ndim=1)
        if len(values) != n:
            raise ValueError(f"{func}(): values must have one number per code ({n}), "
                             f"got {len(values)}")
    max_points = _positive_int(func, "max_points", max_points)
    _title(func, title)

    if dims > 2:
        xy, ratio = _project_2d(codes)
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

    fig = _new_figure(figsize=(6.5, 5.2))
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
                title=None, cmap="gray", max_images=200):
    """Return a matplotlib grid of images, each captioned with its label if given.

    Used in notebooks 02-03 and later. ``images`` may be (n, h, w), (n, h*w) or
    (n, h, w, 1); pixels in [0, 1] are shown on that fixed scale. Rejects non-image arrays,
    NaN, more than ``max_images`` images (pass a slice), labels of another length, and
    labels outside class_names.
    """
    func = "plot_images"
    images = _images(func, "images", images, image_shape)
    labels = _labels(func, labels, len(images))
    class_names = _class_names(func, class_names, labels)
    n_cols = _positive_int(func, "n_cols", n_cols)
    max_images = _positive_int(func, "max_images", max_images)
    _title(func, title)
    if len(images) > max_images:
        raise ValueError(
            f"{func}(): {len(images)} images is more than max_images={max_images}; "
            "pass a slice such as images[:20]"
        )
    n_cols = min(n_cols, len(images))
    n_rows = int(np.ceil(len(images) / n_cols))
    vmin, vmax = _pixel_range(images)
    caption = 0.25 if labels is not None else 0.0
    fig = _new_figure(figsize=(1.1 * n_cols, (1.1 + caption) * n_rows + (0.4 if title else 0)))
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(images):
            ax.axis("off")
            continue
        _image_axis(ax, images[i], vmin=vmin, vmax=vmax, cmap=cmap)
        if labels is not None:
            ax.set_title(_label_text(labels[i], class_names), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(originals, reconstructions, *, labels=None, class_names=None, n=10,
                         n_cols=10, image_shape=(28, 28), show_error=True, title=None):
    """Return a matplotlib grid: originals in the top row, reconstructions below each one.

    Taught in notebooks 02-03. ``reconstructions`` is one array of the same shape as
    ``originals``, or a dict {row name: array} to compare several models (e.g. PCA,
    shallow, deep) under the same originals. The first ``n`` images are shown, ``n_cols``
    per band; ``show_error`` writes each reconstruction's mean squared error under it.
    Rejects arrays of different shapes, non-image arrays, NaN, an empty dict, n < 1, and
    labels of another length or outside class_names.
    """
    func = "plot_reconstructions"
    originals = _images(func, "originals", originals, image_shape)
    if isinstance(reconstructions, dict):
        if not reconstructions or not all(isinstance(k, str) for k in reconstructions):
            raise ValueError(f"{func}(): reconstructions as a dict needs string keys "
                             "(row names) and at least one entry")
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
    n = min(_positive_int(func, "n", n), len(originals))
    n_cols = min(_positive_int(func, "n_cols", n_cols), n)
    _title(func, title)

    n_bands = int(np.ceil(n / n_cols))
    rows_per_band = 1 + len(rows)
    vmin, vmax = _pixel_range(originals[:n], *(r[:n] for r in rows.values()))
    row_height = 1.15 + (0.2 if show_error else 0.0)
    fig = _new_figure(figsize=(1.1 * n_cols + 1.2,
                               row_height * rows_per_band * n_bands + (0.4 if title else 0)))
    axes = fig.subplots(rows_per_band * n_bands, n_cols, squeeze=False)
    names = ["original", *rows]
    for band in range(n_bands):
        for col in range(n_cols):
            i = band * n_cols + col
            for r, name in enumerate(names):
                ax = axes[band * rows_per_band + r, col]
                if i >= n:
                    ax.axis("off")
                    continue
                image = originals[i] if r == 0 else rows[name][i]
                _image_axis(ax, image, vmin=vmin, vmax=vmax)
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
        curve = _array(func, f"{where}[{key!r}]", values, ndim=1)
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
    _title(func, title)

    fig = _new_figure(figsize=(5.0 * len(metrics), 3.6))
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

"""The VAE's clouds of codes against the prior: a few posteriors q(z|x) over p(z) = N(0, I)."""

import numpy as np

from .._checks import check_positive_int, is_int
from ._canvas import new_figure

__all__ = ["plot_posteriors_and_prior"]


def _codes(func, name, values):
    """Return values as a finite float array of shape (n, d) with d >= 2."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{func}(): {name} must be an array of shape (images, code numbers), "
                        f"got {type(values).__name__}") from None
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 2:
        raise ValueError(f"{func}(): {name} must have shape (images, code numbers) with at "
                         f"least 2 code numbers, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{func}(): {name} must hold finite numbers")
    return array


def plot_posteriors_and_prior(z_mean, z_log_var, *, labels=None, dims=(0, 1), n_std=2,
                              title=None):
    """Draw a few images' posteriors q(z|x) as ellipses over the prior's circles; return a Figure.

    Taught in notebook 06. ``z_mean`` and ``z_log_var`` are the encoder's outputs for a few
    images, shape (images, code numbers). Each image's posterior N(z_mean, exp(z_log_var))
    (a Gaussian with one variance per code number, so its ellipses are parallel to the
    axes) is drawn as its mean (a dot) and ellipses at 1 and ``n_std`` standard deviations;
    the prior p(z) = N(0, I) as dashed circles of radius 1, 2 and 3. ``dims`` picks the two
    code numbers drawn; ``labels`` (one per image) colour the images and name them in the
    legend. At most 50 images.

    Rejects: arrays that are not (images, code numbers) with at least 2 code numbers, or
    hold non-finite values, or differ in shape; more than 50 images; labels of the wrong
    length; dims that are not two different code numbers; an n_std that is not 1, 2 or 3.
    """
    func = "plot_posteriors_and_prior"
    z_mean = _codes(func, "z_mean", z_mean)
    z_log_var = _codes(func, "z_log_var", z_log_var)
    if z_mean.shape != z_log_var.shape:
        raise ValueError(f"{func}(): z_mean and z_log_var must have the same shape, got "
                         f"{z_mean.shape} and {z_log_var.shape}")
    n, d = z_mean.shape
    if n > 50:
        raise ValueError(f"{func}(): draw at most 50 images' posteriors (a few make the point), "
                         f"got {n}")
    if labels is not None:
        labels = list(np.asarray(labels).ravel())
        if len(labels) != n:
            raise ValueError(f"{func}(): labels must hold one label per image ({n}), got "
                             f"{len(labels)}")
    if not isinstance(dims, (tuple, list)) or len(dims) != 2 or not all(map(is_int, dims)):
        raise TypeError(f"{func}(): dims must be two code numbers such as (0, 1), got {dims!r}")
    if dims[0] == dims[1] or not all(0 <= k < d for k in dims):
        raise ValueError(f"{func}(): dims must be two different code numbers in 0..{d - 1}, "
                         f"got {tuple(dims)!r}")
    n_std = check_positive_int(func, "n_std", n_std)
    if n_std > 3:
        raise ValueError(f"{func}(): n_std must be 1, 2 or 3, got {n_std!r}")

    from matplotlib.patches import Circle, Ellipse

    i, j = (int(k) for k in dims)
    fig = new_figure(figsize=(6, 6))
    ax = fig.add_subplot()
    for radius in (1, 2, 3):
        ax.add_patch(Circle((0, 0), radius, fill=False, linestyle="--", color="0.45",
                            label="prior p(z) = N(0, I): 1, 2, 3 std" if radius == 1 else None))
    palette = {}
    std = np.exp(0.5 * z_log_var)
    for k in range(n):
        if labels is None:
            color, name = f"C{k % 10}", None
        else:
            if labels[k] not in palette:
                palette[labels[k]] = f"C{len(palette) % 10}"
                name = f"q(z|x) of a {labels[k]}"
            else:
                name = None
            color = palette[labels[k]]
        centre = (z_mean[k, i], z_mean[k, j])
        for m, alpha in ((1, 0.35), (n_std, 0.12)) if n_std > 1 else ((1, 0.3),):
            ax.add_patch(Ellipse(centre, 2 * m * std[k, i], 2 * m * std[k, j], color=color,
                                 alpha=alpha, lw=0))
        ax.plot(*centre, "o", color=color, ms=4, label=name)
    reach = max(3.3, float(np.max(np.abs(z_mean[:, [i, j]]) + n_std * std[:, [i, j]])) * 1.05)
    ax.set(xlim=(-reach, reach), ylim=(-reach, reach), aspect="equal",
           xlabel=f"code number {i + 1}", ylabel=f"code number {j + 1}",
           title=title or f"Posteriors q(z|x) (mean, 1 and {n_std} std) over the prior")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return fig

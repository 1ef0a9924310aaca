"""The VAE posteriors-over-prior diagram (notebook 06): its pieces, and bad input refused."""

import numpy as np
import pytest

import aehelpers as ae


def _codes(n=4, d=2):
    rng = np.random.default_rng(0)
    return rng.normal(0, 1, (n, d)), rng.normal(-2, 0.3, (n, d))


def test_it_returns_a_figure_with_the_prior_circles_and_two_ellipses_per_image():
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Ellipse

    z_mean, z_log_var = _codes(4)
    fig = ae.plot_posteriors_and_prior(z_mean, z_log_var, labels=[1, 7, 1, 3], n_std=2)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    circles = [p for p in ax.patches if type(p) is Circle]
    ellipses = [p for p in ax.patches if type(p) is Ellipse]
    assert sorted(c.radius for c in circles) == [1, 2, 3]
    assert len(ellipses) == 2 * 4
    # An ellipse's axes are 2 * m standard deviations, the std being exp(z_log_var / 2).
    first = ellipses[:2]
    std = np.exp(0.5 * z_log_var[0])
    assert np.allclose([first[0].width, first[1].width], [2 * std[0], 4 * std[0]])
    assert np.allclose(first[0].center, z_mean[0])
    # One legend entry per label (1 appears twice), plus the prior's.
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum("q(z|x)" in t for t in texts) == 3 and any("prior" in t for t in texts)


def test_dims_pick_the_code_numbers_drawn():
    z_mean, z_log_var = _codes(3, d=5)
    fig = ae.plot_posteriors_and_prior(z_mean, z_log_var, dims=(3, 1), n_std=1)
    from matplotlib.patches import Ellipse

    ellipse = [p for p in fig.axes[0].patches if type(p) is Ellipse][0]
    assert np.allclose(ellipse.center, z_mean[0, [3, 1]])
    assert fig.axes[0].get_xlabel() == "code number 4"


def test_the_figure_is_not_left_open_in_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    ae.plot_posteriors_and_prior(*_codes())
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"z_mean": np.zeros((3, 1)), "z_log_var": np.zeros((3, 1))}, ValueError, "z_mean"),
        ({"z_mean": np.zeros((3, 2)), "z_log_var": np.zeros((4, 2))}, ValueError, "same shape"),
        ({"z_mean": np.full((3, 2), np.nan), "z_log_var": np.zeros((3, 2))}, ValueError, "finite"),
        ({"z_mean": np.zeros((60, 2)), "z_log_var": np.zeros((60, 2))}, ValueError, "at most 50"),
        ({"labels": [1, 2]}, ValueError, "labels"),
        ({"dims": (0, 0)}, ValueError, "dims"),
        ({"dims": 1}, TypeError, "dims"),
        ({"n_std": 4}, ValueError, "n_std"),
        ({"n_std": 1.5}, TypeError, "n_std"),
        ({"z_mean": "codes"}, TypeError, "z_mean"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_argument(kwargs, error, words):
    z_mean, z_log_var = _codes(3)
    args = {"z_mean": z_mean, "z_log_var": z_log_var, **kwargs}
    with pytest.raises(error, match=f"plot_posteriors_and_prior.*{words}"):
        ae.plot_posteriors_and_prior(args.pop("z_mean"), args.pop("z_log_var"), **args)

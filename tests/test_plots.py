"""Tests for aehelpers.plots: every public plot returns its figure and rejects bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import aehelpers as ae  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.random((12, 28, 28)).astype(np.float32)
LABELS = np.arange(12) % 10


@pytest.fixture(autouse=True)
def _no_figures_left_open():
    plt.close("all")
    yield
    # The helpers hand back their figure without leaving it in pyplot's list.
    assert plt.get_fignums() == []
    plt.close("all")


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


# --------------------------------------------------------------------------- 3D cloud


def test_3d_cloud_alone_and_with_reconstruction():
    points = ae.make_3d_data(200)
    fig = ae.plot_3d_cloud(points, title="cloud")
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 1
    np.testing.assert_allclose(fig.data[0].x, points[:, 0], rtol=1e-6)
    assert fig.layout.scene.aspectmode == "data"

    recon = points * 0.9
    fig = ae.plot_3d_cloud(points, reconstruction=recon, values=points[:, 2], connect=True,
                           max_lines=50)
    assert [t.name for t in fig.data][:2] == ["original", "reconstruction"]
    np.testing.assert_allclose(fig.data[1].z, recon[:, 2], rtol=1e-6)
    np.testing.assert_allclose(fig.data[0].marker.color, points[:, 2], rtol=1e-6)
    lines = fig.data[2]
    assert lines.mode == "lines"
    # Each segment is (original, reconstruction, gap): at most max_lines of them.
    n_segments = len(lines.x) // 3
    assert 0 < n_segments <= 50
    np.testing.assert_allclose(lines.x[0], points[0, 0], rtol=1e-6)
    np.testing.assert_allclose(lines.x[1], recon[0, 0], rtol=1e-6)


def test_3d_cloud_side_by_side_uses_two_scenes():
    points = ae.make_3d_data(50)
    fig = ae.plot_3d_cloud(points, reconstruction=points, side_by_side=True,
                           names=("data", "decoded"))
    assert [t.scene for t in fig.data] == ["scene", "scene2"]
    assert fig.layout.scene2.domain.x == (0.5, 1.0)
    assert [a.text for a in fig.layout.annotations] == ["data", "decoded"]
    assert fig.layout.showlegend is False


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"points": np.zeros((10, 2))}, ValueError, "shape \\(n, 3\\)"),
        ({"points": np.zeros(10)}, ValueError, "dimensions"),
        ({"points": [[0, 0, np.nan]] * 3}, ValueError, "NaN"),
        ({"points": np.array([["a", "b", "c"]])}, TypeError, "numbers"),
        ({"reconstruction": np.zeros((9, 3))}, ValueError, "shape of points"),
        ({"values": np.zeros(3)}, ValueError, "one number per point"),
        ({"connect": True}, ValueError, "need a reconstruction"),
        ({"side_by_side": True}, ValueError, "need a reconstruction"),
        ({"reconstruction": np.zeros((10, 3)), "max_lines": 0}, ValueError, "max_lines"),
        ({"names": "abc"}, TypeError, "names"),
        ({"title": 5}, TypeError, "title"),
    ],
)
def test_3d_cloud_rejects_bad_input(kwargs, error, words):
    kwargs = {"points": np.zeros((10, 3)), **kwargs}
    with pytest.raises(error, match=f"plot_3d_cloud.*{words}"):
        ae.plot_3d_cloud(**kwargs)


# --------------------------------------------------------------------------- codes


def test_codes_2d_with_labels_and_class_names():
    codes = RNG.normal(size=(300, 2))
    labels = np.arange(300) % 3
    fig = ae.plot_codes(codes, labels, class_names=["a", "b", "c"])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "code 1"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    # Every point is drawn once, in its class's collection.
    drawn = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(drawn) == 300
    np.testing.assert_allclose(ax.collections[1].get_offsets(), codes[labels == 1])


def test_codes_above_2d_are_projected_with_pca():
    from sklearn.decomposition import PCA

    codes = RNG.normal(size=(400, 8)) * np.array([5, 3, 1, 1, 1, 1, 1, 1])
    fig = ae.plot_codes(codes)
    ax = fig.axes[0]
    assert "principal direction 1" in ax.get_xlabel()
    xy = ax.collections[0].get_offsets()
    expected = PCA(n_components=2).fit_transform(codes)
    # Same projection as scikit-learn's PCA, up to the sign of each direction.
    for k in range(2):
        np.testing.assert_allclose(np.abs(xy[:, k]), np.abs(expected[:, k]), rtol=1e-5,
                                   atol=1e-8)
    share = PCA(n_components=2).fit(codes).explained_variance_ratio_[0]
    assert f"({share:.0%} of the variance)" in ax.get_xlabel()
    assert "8-D codes" in ax.get_title()


def test_codes_coloured_by_value_get_a_colorbar_and_subsample():
    codes = RNG.normal(size=(1000, 2))
    fig = ae.plot_codes(codes, values=codes[:, 0], max_points=100)
    assert len(fig.axes) == 2  # the scatter and its colour bar
    assert len(fig.axes[0].collections[0].get_offsets()) == 100


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((np.zeros((5, 1)),), {}, ValueError, "at least 2 dimensions"),
        ((np.zeros(5),), {}, ValueError, "dimensions"),
        ((np.zeros((5, 2)), np.zeros(4)), {}, ValueError, "one class number per item"),
        ((np.zeros((5, 2)), np.zeros(5, int)), {"values": np.zeros(5)}, ValueError, "not both"),
        ((np.zeros((5, 2)),), {"values": np.zeros(3)}, ValueError, "one number per code"),
        ((np.zeros((5, 2)), np.full(5, 4)), {"class_names": ["a", "b"]}, ValueError,
         "labels go up to 4"),
        ((np.zeros((5, 2)),), {"class_names": ["a"]}, ValueError, "needs labels"),
        ((np.zeros((5, 2)), np.zeros(5, int)), {"class_names": "ab"}, TypeError, "list of names"),
        ((np.zeros((5, 2)),), {"max_points": 0}, ValueError, "max_points"),
    ],
)
def test_codes_reject_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=f"plot_codes.*{words}"):
        ae.plot_codes(*args, **kwargs)


# --------------------------------------------------------------------------- images


def test_images_grid_with_labels_accepts_flat_rows():
    fig = ae.plot_images(IMAGES.reshape(12, 784), labels=LABELS, n_cols=5)
    assert isinstance(fig, Figure)
    shown = _image_axes(fig)
    assert len(shown) == 12
    assert len(fig.axes) == 15  # 3 rows of 5, three switched off
    np.testing.assert_allclose(shown[3].images[0].get_array(), IMAGES[3], rtol=1e-6)
    assert [ax.get_title() for ax in shown[:3]] == ["0", "1", "2"]


def test_images_with_class_names_and_channel_axis():
    fig = ae.plot_images(IMAGES[:3, ..., None], labels=[0, 1, 9],
                         class_names=ae.FASHION_CLASSES)
    assert [ax.get_title() for ax in _image_axes(fig)] == ["T-shirt/top", "Trouser",
                                                           "Ankle boot"]


@pytest.mark.parametrize(
    ("images", "kwargs", "error", "words"),
    [
        (np.zeros((3, 27, 27)), {}, ValueError, "image_shape=\\(28, 28\\)"),
        (np.zeros(784), {}, ValueError, "dimensions"),
        (np.zeros((3, 784)), {"image_shape": (28,)}, TypeError, "image_shape"),
        (np.zeros((3, 784)), {"labels": [1, 2]}, ValueError, "one class number per item"),
        (np.zeros((300, 784)), {}, ValueError, "max_images"),
        (np.zeros((3, 784)), {"n_cols": 0}, ValueError, "n_cols"),
        (np.zeros((0, 784)), {}, ValueError, "empty"),
    ],
)
def test_images_reject_bad_input(images, kwargs, error, words):
    with pytest.raises(error, match=f"plot_images.*{words}"):
        ae.plot_images(images, **kwargs)


# --------------------------------------------------------------------------- reconstructions


def test_reconstructions_originals_above_and_errors_below():
    recon = np.clip(IMAGES + 0.1, 0, 1)
    fig = ae.plot_reconstructions(IMAGES, recon, labels=LABELS, n=6)
    assert isinstance(fig, Figure)
    axes = np.array(fig.axes).reshape(2, 6)
    for col in range(6):
        np.testing.assert_allclose(axes[0, col].images[0].get_array(), IMAGES[col], rtol=1e-6)
        np.testing.assert_allclose(axes[1, col].images[0].get_array(), recon[col], rtol=1e-6)
        expected = np.mean((recon[col].astype(np.float64) - IMAGES[col]) ** 2)
        assert axes[1, col].get_xlabel() == f"{expected:.3f}"
    assert axes[0, 0].get_ylabel() == "original"
    assert axes[1, 0].get_ylabel() == "reconstruction"
    assert axes[0, 2].get_title() == "2"


def test_reconstructions_compare_several_models_in_bands():
    rows = {"PCA": IMAGES * 0.5, "deep": IMAGES.reshape(12, 784)}
    fig = ae.plot_reconstructions(IMAGES, rows, n=12, n_cols=6, show_error=False,
                                  labels=LABELS % 2, class_names=["even", "odd"])
    # Two bands of 6 columns, each band: originals, PCA, deep.
    assert len(fig.axes) == 2 * 3 * 6
    axes = np.array(fig.axes).reshape(6, 6)
    assert [axes[r, 0].get_ylabel() for r in range(6)] == ["original", "PCA", "deep"] * 2
    np.testing.assert_allclose(axes[4, 1].images[0].get_array(), IMAGES[7] * 0.5, rtol=1e-6)
    assert axes[3, 1].get_title() == "odd"
    assert axes[4, 1].get_xlabel() == ""


def test_reconstructions_top_row_can_be_renamed():
    fig = ae.plot_reconstructions(IMAGES, {"plain AE": IMAGES * 0.5}, n=4, show_error=False,
                                  top_row="VAE samples")
    axes = np.array(fig.axes).reshape(2, 4)
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["VAE samples", "plain AE"]


@pytest.mark.parametrize(
    ("recon", "kwargs", "error", "words"),
    [
        (np.zeros((11, 28, 28)), {}, ValueError, "must match originals"),
        (np.zeros((12, 28, 27)), {}, ValueError, "does not match image_shape"),
        ({}, {}, ValueError, "at least one entry"),
        ({"a": np.zeros((12, 5))}, {}, ValueError, "reconstructions\\['a'\\]"),
        (np.zeros((12, 784)), {"n": 0}, ValueError, "n must be"),
        (np.zeros((12, 784)), {"labels": np.zeros(3)}, ValueError, "one class number per item"),
        (np.full((12, 784), np.inf), {}, ValueError, "NaN or infinite"),
        (np.zeros((12, 784)), {"top_row": 3}, TypeError, "top_row must be a string"),
        (np.zeros((12, 784)), {"top_row": " "}, ValueError, "top_row must be a non-empty"),
    ],
)
def test_reconstructions_reject_bad_input(recon, kwargs, error, words):
    with pytest.raises(error, match=f"plot_reconstructions.*{words}"):
        ae.plot_reconstructions(IMAGES, recon, **kwargs)


# --------------------------------------------------------------------------- history


class _FakeHistory:
    """Stands in for keras.callbacks.History: what matters is its .history dict."""

    def __init__(self, history):
        self.history = history


def test_history_from_dict_and_history_object():
    record = {"loss": [0.5, 0.3, 0.2], "val_loss": [0.6, 0.35, 0.25], "mae": [3, 2, 1]}
    fig = ae.plot_history(record, title="training")
    assert isinstance(fig, Figure)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "mae"]
    train, val = fig.axes[0].lines
    np.testing.assert_allclose(train.get_ydata(), record["loss"])
    np.testing.assert_allclose(val.get_ydata(), record["val_loss"])
    np.testing.assert_allclose(train.get_xdata(), [1, 2, 3])
    assert len(fig.axes[1].lines) == 1

    fig = ae.plot_history(_FakeHistory(record), metrics="loss", log_scale=True)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_yscale() == "log"


def test_history_from_a_real_keras_fit():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    x = np.ones((8, 3), dtype=np.float32)
    history = model.fit(x, x, epochs=2, verbose=0, validation_data=(x, x))
    fig = ae.plot_history(history)
    assert [len(line.get_ydata()) for line in fig.axes[0].lines] == [2, 2]


def test_history_compares_several_models_on_the_same_axes():
    deep = _FakeHistory({"loss": [0.4, 0.2], "val_loss": [0.5, 0.3]})
    shallow = {"loss": [0.5, 0.4, 0.35], "val_loss": [0.6, 0.45, 0.4]}
    fig = ae.plot_history({"deep": deep, "shallow": shallow})
    assert len(fig.axes) == 1
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == [
        "deep, training", "deep, validation", "shallow, training", "shallow, validation"]
    np.testing.assert_allclose(lines[3].get_ydata(), shallow["val_loss"])
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    with pytest.raises(ValueError, match="history\\['shallow'\\] has curves of different"):
        ae.plot_history({"deep": deep, "shallow": {"loss": [1, 2], "val_loss": [1]}})


@pytest.mark.parametrize(
    ("history", "kwargs", "error", "words"),
    [
        ([0.1, 0.2], {}, TypeError, "keras History"),
        ({}, {}, ValueError, "empty"),
        ({"loss": [1, 2], "val_loss": [1]}, {}, ValueError, "different lengths"),
        ({"loss": [1, np.nan]}, {}, ValueError, "NaN"),
        ({"loss": [1, 2]}, {"metrics": "accuracy"}, ValueError, "unknown metrics"),
    ],
)
def test_history_rejects_bad_input(history, kwargs, error, words):
    with pytest.raises(error, match=f"plot_history.*{words}"):
        ae.plot_history(history, **kwargs)

"""ae.plot_architecture draws any of the course's autoencoders as the bottleneck picture."""

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import aehelpers as ae
from aehelpers.diagrams.architecture import COLORS


def _dense(code=32):
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(code, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ])


def _bars(fig):
    """(colour, height) of each layer bar, left to right."""
    from matplotlib.patches import Rectangle

    ax = fig.axes[0]
    rects = sorted((p for p in ax.patches if isinstance(p, Rectangle)), key=lambda p: p.get_x())
    return [(to_hex(p.get_facecolor()), p.get_height()) for p in rects]


def _labels(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_a_dense_autoencoder_gets_one_bar_per_layer_that_changes_the_data():
    fig = ae.plot_architecture(_dense(32))
    assert isinstance(fig, Figure)
    bars = _bars(fig)
    # input 784, code 32, output 784: Flatten and Reshape keep the numbers and get no bar.
    assert [c for c, _ in bars] == [COLORS["input"], COLORS["code"], COLORS["decoder"]]
    heights = [h for _, h in bars]
    assert heights[0] == pytest.approx(heights[2])
    assert heights[1] == pytest.approx(heights[0] * 32 / 784)
    assert "32" in _labels(fig) and "784" in _labels(fig)


def test_a_bar_too_small_to_see_is_drawn_at_the_minimum_height():
    import keras

    from aehelpers.diagrams.architecture import MIN_HEIGHT

    model = keras.Sequential([keras.Input(shape=(1_000,)), keras.layers.Dense(10_000),
                              keras.layers.Dense(10), keras.layers.Dense(1_000)])
    heights = [h for _, h in _bars(ae.plot_architecture(model))]
    assert heights[0] == pytest.approx(heights[1] * 1_000 / 10_000)  # the input, to scale
    assert heights[2] == pytest.approx(heights[1] * MIN_HEIGHT)  # 10 numbers: the minimum
    docstring = " ".join(ae.plot_architecture.__doc__.split())
    assert f"under {MIN_HEIGHT:.1%} of the tallest" in docstring  # what it tells the learner


def test_the_narrowest_layer_is_the_code_when_nothing_else_says():
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(2), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(3)])
    colors = [c for c, _ in _bars(ae.plot_architecture(model))]
    assert colors == [COLORS["input"], COLORS["encoder"], COLORS["code"], COLORS["decoder"],
                      COLORS["decoder"]]


def test_a_builders_encoder_decides_where_the_code_is():
    parts = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(64,), code_size=8)
    colors = [c for c, _ in _bars(ae.plot_architecture(parts))]
    assert colors == [COLORS["input"], COLORS["encoder"], COLORS["code"], COLORS["decoder"],
                      COLORS["decoder"]]


def test_a_named_code_layer_wins_for_a_wide_sparse_code():
    import keras

    model = keras.Sequential([keras.Input(shape=(16,)),
                              keras.layers.Dense(64, activation="relu", name="features"),
                              keras.layers.Dense(16)])
    colors = [c for c, _ in _bars(ae.plot_architecture(model, code_layer="features"))]
    assert colors == [COLORS["input"], COLORS["code"], COLORS["decoder"]]
    heights = [h for _, h in _bars(ae.plot_architecture(model, code_layer="features"))]
    assert heights[1] == pytest.approx(4 * heights[0])


def test_a_convolutional_autoencoder_shows_its_feature_maps():
    parts = ae.build_conv_autoencoder(input_shape=(28, 28, 1))
    labels = "\n".join(_labels(ae.plot_architecture(parts)))
    assert "Conv2D\n14x14" in labels and "Conv2DTranspose" in labels


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"model": "a model"}, TypeError, "model must be a Keras model"),
        ({"code_layer": 3}, TypeError, "code_layer must be"),
        ({"code_layer": "nope"}, ValueError, "no layer named 'nope'"),
        ({"title": 1}, TypeError, "title must be"),
    ],
)
def test_bad_input_is_named(kwargs, error, words):
    kwargs = {"model": _dense(), **kwargs}
    with pytest.raises(error, match=words):
        ae.plot_architecture(kwargs.pop("model"), **kwargs)


def test_a_vaes_parts_draw_mean_and_log_variance_as_one_bar_before_the_sampled_code():
    parts = ae.build_vae(input_shape=(28, 28), latent_dim=2, hidden_sizes=(64,))
    fig = ae.plot_architecture(parts)
    colors = [c for c, _ in _bars(fig)]
    # input, Dense 64, (z_mean + z_log_var), Sampling = the code, then the decoder's two layers.
    assert colors == [COLORS["input"], COLORS["encoder"], COLORS["encoder"], COLORS["code"],
                      COLORS["decoder"], COLORS["decoder"]]
    assert any("Sampling" in label for label in _labels(fig))


def test_a_layer_used_by_encoder_and_decoder_is_coloured_where_it_stands():
    import keras

    shared = keras.layers.Dense(8, name="shared")
    inputs = keras.Input(shape=(8,))
    code = keras.layers.Dense(4, name="code")(shared(inputs))
    back = keras.layers.Dense(8, name="back")
    model = keras.Model(inputs, shared(back(code)))
    encoder = keras.Model(inputs, code)
    decoder_input = keras.Input(shape=(4,))
    decoder = keras.Model(decoder_input, shared(back(decoder_input)))

    class Parts:  # like a VAE's parts: an encoder and a decoder, drawn one after the other
        pass

    parts = Parts()
    parts.encoder, parts.decoder = encoder, decoder
    assert model.count_params() == encoder.count_params() + back.count_params()
    colors = [c for c, _ in _bars(ae.plot_architecture(parts))]
    assert colors[-1] == COLORS["decoder"]
    assert colors.index(COLORS["code"]) == 2

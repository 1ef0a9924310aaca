"""Notebooks 03 and 04 say a builder makes the same model as their plain Keras code: prove it.

The Keras code is taken from the notebooks' cells (and from an exercise's solution), so a
change to a notebook that breaks its "same layers" sentence fails here.
"""

from pathlib import Path

import nbformat
import pytest

import aehelpers as ae
from aehelpers.exercises._inspect import layers
from benchmarks.notebook_stats import folded_solutions

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _cells(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4).cells


def _run_cell(name, marker, **namespace):
    """Run the one code cell of notebook `name` that contains `marker`; return its names."""
    import keras

    found = [cell.source for cell in _cells(name)
             if cell.cell_type == "code" and marker in cell.source]
    assert len(found) == 1, f"{name}: {len(found)} code cells contain {marker!r}"
    source = "\n".join(line for line in found[0].splitlines()
                       if not line.strip().endswith(".summary()"))
    namespace = {"keras": keras, "ae": ae, **namespace}
    exec(compile(source, f"{name}:{marker}", "exec"), namespace)  # noqa: S102
    return namespace


def _solution(name, exercise):
    """The python block of the solution of `### Exercise N` in notebook `name`."""
    return folded_solutions(NOTEBOOKS / name)[exercise]


def _describe(model):
    """One row per layer that computes something: type, sizes, activation, output shape."""
    rows = []
    for layer in layers(model):
        config = layer.get_config()
        rows.append((
            type(layer).__name__,
            config.get("units"), config.get("filters"),
            tuple(config["kernel_size"]) if "kernel_size" in config else None,
            tuple(config["strides"]) if "strides" in config else None,
            config.get("padding"),
            config.get("activation"),
            config.get("use_bias"),
            tuple(layer.output.shape[1:]),
        ))
    return rows


def _assert_same_layers(mine, built):
    a, b = _describe(mine), _describe(built)
    assert len(a) == len(b), (a, b)
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        assert x == y, f"layer {k}: notebook {x} != builder {y}"
    assert mine.count_params() == built.count_params()


def test_03_deep_model_is_the_stacked_builder_with_a_linear_code():
    cell = _run_cell("03_deep_fashion_autoencoder.ipynb", "deep = keras.Sequential", CODE_SIZE=32)
    built = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(256, 128),
                                         activation="elu", code_activation=None)
    _assert_same_layers(cell["deep"], built.autoencoder)
    _assert_same_layers(cell["encoder"], built.encoder)
    _assert_same_layers(cell["decoder"], built.decoder)


def test_03_dead_unit_count_of_what_to_try_next_runs_on_the_notebooks_encoder():
    """The relu swap's snippet counts the first hidden layer's units that never fire."""
    import re

    import numpy as np

    cell = _run_cell("03_deep_fashion_autoencoder.ipynb", "deep = keras.Sequential", CODE_SIZE=32)
    text = next(c.source for c in _cells("03_deep_fashion_autoencoder.ipynb")
                if c.source.startswith("## What to try next"))
    first_line, count = re.findall(r"`(first = [^`]+|\(ae\.predict_in_batches\(first[^`]+)`",
                                   " ".join(text.split()))
    encoder = cell["encoder"]
    dense = encoder.layers[1]
    dense.kernel.assign(np.zeros(dense.kernel.shape, dtype="float32"))
    dense.bias.assign(np.r_[np.full(6, -1.0), np.ones(250)].astype("float32"))  # 6 never fire
    namespace = {"keras": cell["keras"], "ae": ae, "encoder": encoder,
                 "x_test": np.random.default_rng(0).random((50, 28, 28), dtype="float32")}
    exec(first_line, namespace)  # noqa: S102
    assert namespace["first"].layers[-1] is dense  # the trained layer itself, not a copy
    assert eval(count, namespace) == 6  # noqa: S307


def test_03_the_builder_defaults_are_relu_as_the_notebook_says():
    built = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(256, 128))
    assert built.encoder.get_layer("code").get_config()["activation"] == "relu"
    hidden = [layer for model in (built.encoder, built.decoder) for layer in model.layers
              if "hidden" in layer.name]
    assert len(hidden) == 4
    assert {layer.get_config()["activation"] for layer in hidden} == {"relu"}


def test_03_exercise_2_solution_is_the_builder_with_a_linear_16_code():
    import keras

    namespace = {"keras": keras}
    exec(_solution("03_deep_fashion_autoencoder.ipynb", 2), namespace)  # noqa: S102
    built = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(512, 256, 128),
                                         code_size=16, activation="elu", code_activation=None)
    _assert_same_layers(namespace["my_autoencoder"], built.autoencoder)
    relu_code = ae.build_stacked_autoencoder(input_shape=(28, 28), hidden_sizes=(512, 256, 128),
                                             code_size=16, activation="elu")
    with pytest.raises(AssertionError):  # the default (relu code) is not the same
        _assert_same_layers(namespace["my_autoencoder"], relu_code.autoencoder)


def test_04_first_conv_model_is_the_conv_builder():
    cell = _run_cell("04_convolutional_autoencoder.ipynb", "conv = keras.Sequential",
                     CODE_SIZE=32)
    built = ae.build_conv_autoencoder(input_shape=(28, 28), code_size=32, filters=(32, 64))
    _assert_same_layers(cell["conv"], built.autoencoder)
    _assert_same_layers(cell["conv_encoder"], built.encoder)
    _assert_same_layers(cell["conv_decoder"], built.decoder)


def test_04_dense_model_has_03s_layers_but_relu_as_the_notebook_says():
    """04's comparison model: 03's layer sizes and linear code, relu where 03 has elu."""
    conv_cell = _run_cell("04_convolutional_autoencoder.ipynb", "conv = keras.Sequential",
                          CODE_SIZE=32)
    dense = _run_cell("04_convolutional_autoencoder.ipynb",
                      "dense = ae.build_stacked_autoencoder", **conv_cell)["dense"].autoencoder
    deep = _run_cell("03_deep_fashion_autoencoder.ipynb", "deep = keras.Sequential",
                     CODE_SIZE=32)["deep"]
    mine, theirs = _describe(dense), _describe(deep)
    assert [row[:6] + row[7:] for row in mine] == [row[:6] + row[7:] for row in theirs]
    activations = [[row[6] for row in rows if row[0] == "Dense"] for rows in (mine, theirs)]
    assert activations[0] == ["relu", "relu", "linear", "relu", "relu", "sigmoid"]
    assert activations[1] == ["elu", "elu", "linear", "elu", "elu", "sigmoid"]
    assert dense.count_params() == deep.count_params()


def test_04_sizes_in_the_text_are_what_keras_gives_with_each_padding():
    """"28 -> 14 -> 7" and "7 -> 14 -> 28" with padding="same"; 28 -> 13 -> 6 and 7 -> 15 -> 31
    with "valid": two stride-2 layers of 3 x 3 filters, as in the notebook's model."""
    import keras

    text = " ".join(next(c.source for c in _cells("04_convolutional_autoencoder.ipynb")
                         if "## The model" in c.source).split())
    for padding in ("same", "valid"):
        down, up = [28], [7]
        for _ in range(2):
            conv = keras.layers.Conv2D(1, 3, strides=2, padding=padding)
            down.append(conv.compute_output_shape((1, down[-1], down[-1], 1))[1])
            grow = keras.layers.Conv2DTranspose(1, 3, strides=2, padding=padding)
            up.append(grow.compute_output_shape((1, up[-1], up[-1], 1))[1])
        for sizes in (down, up):
            said = " -> ".join(str(n) for n in sizes)
            assert said in text, (padding, said)
    assert 'padding="valid"' in text and 'padding="same"' in text


def test_04_exercise_2_solution_is_not_the_pooling_builder_as_the_notebook_says():
    import keras

    namespace = {"keras": keras}
    exec(_solution("04_convolutional_autoencoder.ipynb", 2), namespace)  # noqa: S102
    mine = [row[0] for row in _describe(namespace["my_autoencoder"])]
    built = ae.build_conv_autoencoder(input_shape=(28, 28), code_size=16, filters=(16, 32),
                                      downsampling="pool")
    theirs = [row[0] for row in _describe(built.autoencoder)]
    # Both pool in the encoder ...
    assert mine.count("MaxPooling2D") == theirs.count("MaxPooling2D") == 2
    # ... but the builder's decoder uses stride-2 Conv2DTranspose, the solution UpSampling2D.
    assert "UpSampling2D" in mine and "Conv2DTranspose" not in mine
    assert "UpSampling2D" not in theirs and theirs.count("Conv2DTranspose") == 2


def _settings(name, monkeypatch, *, quick):
    from benchmarks.notebook_stats import notebook_settings

    monkeypatch.setenv("AEHELPERS_QUICK", "1" if quick else "0")
    return notebook_settings(NOTEBOOKS / name)


def _training_steps(settings, batch_size):
    s = settings["S"]
    return s.epochs * -(-s.n_train // batch_size)


def test_03_says_which_recipe_it_trains_with(monkeypatch):
    recipe = _settings("03_deep_fashion_autoencoder.ipynb", monkeypatch, quick=False)["RECIPE"]
    assert recipe is ae.DENSE_RECIPE
    text = " ".join(_cells("03_deep_fashion_autoencoder.ipynb")[3].source.split())
    assert f"batches of {recipe.batch_size} images" in text
    assert f"rate of {recipe.learning_rate:g} that decays to zero" in text
    assert recipe.schedule == "cosine"
    assert f"batches of {ae.FAST_RECIPE.batch_size}" in text


def test_04_says_which_recipe_both_models_train_with(monkeypatch):
    recipe = _settings("04_convolutional_autoencoder.ipynb", monkeypatch, quick=False)["RECIPE"]
    assert recipe is ae.FAST_RECIPE
    text = " ".join(_cells("04_convolutional_autoencoder.ipynb")[3].source.split())
    assert "`ae.FAST_RECIPE`" in text
    assert f"batches of {recipe.batch_size} images" in text
    assert f"rate of {recipe.learning_rate:g} that decays to zero" in text
    assert recipe.schedule == "cosine"
    # How notebook 03 trained its deep model instead, as the training section tells it.
    nb03 = _settings("03_deep_fashion_autoencoder.ipynb", monkeypatch, quick=False)
    text = " ".join(next(c.source for c in _cells("04_convolutional_autoencoder.ipynb")
                         if "## Training both, the same way" in c.source).split())
    assert (f"on all {nb03['S'].n_train:,} training images, for {nb03['S'].epochs} epochs, "
            "with `ae.DENSE_RECIPE`") in text
    assert nb03["RECIPE"] is ae.DENSE_RECIPE
    assert (f"batches of {ae.DENSE_RECIPE.batch_size} at a rate of "
            f"{ae.DENSE_RECIPE.learning_rate:g}") in text


@pytest.mark.parametrize(("name", "share", "words"), [
    ("03_deep_fashion_autoencoder.ipynb", (0.2, 1 / 3), "under a third of the full run's"),
    ("04_convolutional_autoencoder.ipynb", (0.32, 0.35), "a third of the full run's"),
    ("05_denoising_autoencoder.ipynb", (0.2, 1 / 3), "under a third of the full run's"),
])
def test_quick_mode_trains_the_share_of_steps_the_text_gives(name, share, words, monkeypatch):
    full = _settings(name, monkeypatch, quick=False)
    quick = _settings(name, monkeypatch, quick=True)
    batch = full.get("RECIPE", ae.FAST_RECIPE).batch_size
    ratio = _training_steps(quick, batch) / _training_steps(full, batch)
    assert share[0] < ratio < share[1], ratio
    assert quick["S"].epochs > full["S"].epochs  # "for more epochs"
    assert quick["S"].n_train < full["S"].n_train
    assert words in " ".join(_cells(name)[3].source.split())

"""What notebooks 01 and 02 say about their models holds for the code in their cells.

The models are built from the notebooks' own cells (read with nbformat and run), so a change
to a notebook's model code that makes its text wrong fails here.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest

import aehelpers as ae
from aehelpers.exercises._inspect import activation_name, layers

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _cells(name):
    return [c for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells]


def _code_cell(name, marker):
    """The source of the one code cell of notebook ``name`` that contains ``marker``."""
    found = [c.source for c in _cells(name) if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, f"{name}: {len(found)} code cells contain {marker!r}"
    return found[0]


def _run_assignments(source, names, namespace):
    """Run the top-level statements of ``source`` that assign one of ``names``."""
    tree = ast.parse(source)
    keep = [node for node in tree.body if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) in names for t in node.targets)]
    assert {t.id for node in keep for t in node.targets} >= set(names), names
    exec(compile(ast.Module(keep, type_ignores=[]), "<notebook cell>", "exec"), namespace)
    return namespace


def _describe(model):
    """Layer by layer: type, units, activation and output shape (names left out)."""
    rows = []
    for layer in layers(model):
        rows.append((type(layer).__name__, getattr(layer, "units", None),
                     activation_name(layer), tuple(layer.output.shape[1:])))
    return rows


@pytest.fixture(scope="module")
def notebook02_models():
    import keras

    params = _code_cell("02_mnist_autoencoder.ipynb", "CODE_SIZE =")
    code_size = int(re.search(r"^CODE_SIZE = (\d+)", params, re.M).group(1))
    source = _code_cell("02_mnist_autoencoder.ipynb", "decoder = keras.Model(")
    source = source.replace("autoencoder.summary()", "")
    namespace = {"keras": keras, "CODE_SIZE": code_size}
    exec(source, namespace)
    return code_size, namespace


def test_notebook02_model_is_the_one_the_builder_builds(notebook02_models):
    code_size, cell = notebook02_models
    built = ae.build_dense_autoencoder(input_shape=(28, 28), code_size=code_size)
    for part in ("encoder", "decoder", "autoencoder"):
        mine, theirs = cell[part], getattr(built, part)
        assert _describe(mine) == _describe(theirs), part
        assert tuple(mine.inputs[0].shape[1:]) == tuple(theirs.inputs[0].shape[1:]), part
        assert mine.count_params() == theirs.count_params(), part


def test_notebook02_model_is_784_32_784_relu_code_sigmoid_output(notebook02_models):
    code_size, cell = notebook02_models
    assert code_size == 32
    assert _describe(cell["autoencoder"]) == [
        ("Flatten", None, None, (784,)),
        ("Dense", 32, "relu", (32,)),
        ("Dense", 784, "sigmoid", (784,)),
        ("Reshape", None, None, (28, 28)),
    ]


def test_notebook02_three_models_share_their_weights(notebook02_models):
    _, cell = notebook02_models
    shared = {id(w) for w in cell["autoencoder"].weights}
    assert {id(w) for w in cell["encoder"].weights} <= shared
    assert {id(w) for w in cell["decoder"].weights} <= shared


def test_notebook02_printed_compression_matches_the_model(notebook02_models):
    code_size, cell = notebook02_models
    # "a compression ratio of 784 / 32" and the decoder's weights printed in the notebook
    assert cell["encoder"].output.shape[1] == code_size
    assert cell["decoder"].count_params() == code_size * 784 + 784


def test_notebook01_weight_counts_in_the_text():
    import keras

    linear = _run_assignments(_code_cell("01_3d_to_2d.ipynb", "name=\"linear_autoencoder\""),
                              {"encoder", "decoder", "autoencoder"}, {"keras": keras})
    deep = _run_assignments(_code_cell("01_3d_to_2d.ipynb", "nonlinear_autoencoder"),
                            {"deep_encoder", "deep_decoder", "deep_autoencoder"},
                            {"keras": keras})
    text = "\n".join(c.source for c in _cells("01_3d_to_2d.ipynb") if c.cell_type == "markdown")
    # "Seventeen weights in all" and "many more weights (389 against 17)"
    assert linear["autoencoder"].count_params() == 17
    assert deep["deep_autoencoder"].count_params() == 389
    assert "Seventeen weights" in text and "389 against 17" in text
    # "no activation function: it is linear"; the nonlinear one has tanh hidden layers
    assert {activation_name(layer) for layer in layers(linear["autoencoder"])} == {"linear"}
    assert [activation_name(layer) for layer in layers(deep["deep_autoencoder"])] == [
        "tanh", "linear", "tanh", "linear"]


def test_notebook01_the_exercise_model_matches_the_notebooks_nonlinear_one():
    # check_flat_sheet_prediction trains "the notebook's nonlinear autoencoder"
    import keras

    from aehelpers.exercises import notebook01

    deep = _run_assignments(_code_cell("01_3d_to_2d.ipynb", "nonlinear_autoencoder"),
                            {"deep_encoder", "deep_decoder", "deep_autoencoder"},
                            {"keras": keras})
    assert _describe(notebook01._nonlinear_2d()) == _describe(deep["deep_autoencoder"])
    recipe = _code_cell("01_3d_to_2d.ipynb", "RECIPE = ae.Recipe(")
    assert "batch_size=128, learning_rate=0.02, schedule=\"cosine\"" in recipe
    assert re.search(rf"^EPOCHS = {notebook01.EPOCHS}$",
                     _code_cell("01_3d_to_2d.ipynb", "EPOCHS ="), re.M)


def test_01_describes_the_image_notebooks_recipes_as_they_are():
    text = " ".join(" ".join(c.source.split()) for c in _cells("01_3d_to_2d.ipynb")
                    if c.cell_type == "markdown" and "ae.DENSE_RECIPE" in c.source)
    for name in ("SHALLOW_RECIPE", "DENSE_RECIPE", "FAST_RECIPE"):
        recipe = getattr(ae, name)
        found = re.search(rf"`ae\.{name}`[^()]*\(batches of (\d+), rate ([\d.]+)\)", text)
        assert found, f"notebook 01 does not give {name}'s batch size and rate"
        assert int(found[1]) == recipe.batch_size, (name, found[0])
        assert float(found[2]) == recipe.learning_rate, (name, found[0])
        assert recipe.schedule == "cosine"  # "the same schedule" as notebook 01's


def test_02_names_the_batch_sizes_of_the_deeper_models_recipes():
    text = " ".join(c.source for c in _cells("02_mnist_autoencoder.ipynb")
                    if c.cell_type == "markdown" and "ae.DENSE_RECIPE" in c.source)
    text = " ".join(text.split())
    for name in ("DENSE_RECIPE", "FAST_RECIPE"):
        assert f"`ae.{name}` (batch {getattr(ae, name).batch_size})" in text, name


def _bias_moves(model, layer, logits):
    """One SGD step on BCE, every target 0 and every pixel's logit set by the output bias:
    which of the first len(logits) pixels' biases moved."""
    import keras
    import numpy as np

    kernel, bias = layer.get_weights()
    bias[:len(logits)] = logits
    layer.set_weights([np.zeros_like(kernel), bias])  # the logit is the bias, whatever the input
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="binary_crossentropy")
    inputs = np.zeros((4, *model.input_shape[1:]), "float32")
    model.train_on_batch(inputs, np.zeros((4, *model.output_shape[1:]), "float32"))
    return [bool(moved) for moved in layer.get_weights()[1][:len(logits)] != logits]


def test_02_bce_push_stops_beyond_a_logit_of_16_because_the_output_is_reshaped():
    # "in this model Keras takes the logs of p clipped to [1e-7, 1 - 1e-7], so beyond
    # |z| ≈ 16 the push is 0; were the sigmoid's output not reshaped on its way to the loss,
    # Keras would use z itself, with no such limit"
    import keras

    namespace = {"keras": keras, "CODE_SIZE": 32}
    exec(_code_cell("02_mnist_autoencoder.ipynb", "decoder = keras.Model(")
         .replace("autoencoder.summary()", ""), namespace)
    model = namespace["autoencoder"]
    output_layer = namespace["decoder"].get_layer("reconstruction")
    assert _bias_moves(model, output_layer, [15.0, 17.0]) == [True, False]
    unreshaped = keras.Sequential([keras.Input(shape=(32,)),
                                   keras.layers.Dense(784, activation="sigmoid")])
    assert _bias_moves(unreshaped, unreshaped.layers[-1], [15.0, 17.0]) == [True, True]

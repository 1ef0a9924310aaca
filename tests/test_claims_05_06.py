"""Claims in the text of notebooks 05 and 06 that a builder builds the notebook's own model.

06 says ``ae.build_vae(input_shape=(28, 28), latent_dim=LATENT_DIM, hidden_sizes=(512, 256),
seed=0)`` builds the same models as its plain Keras cell: the cell is read from the
notebook and run here, and the two are compared layer by layer.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import aehelpers as ae

NOTEBOOK_06 = Path(__file__).parents[1] / "notebooks" / "06_variational_autoencoder.ipynb"


def _model_cell():
    cells = nbformat.read(NOTEBOOK_06, as_version=4).cells
    hits = [c.source for c in cells if c.cell_type == "code"
            and "encoder = keras.Model(images, [z_mean, z_log_var, z]" in c.source]
    assert len(hits) == 1, "06 should have exactly one cell with the plain Keras encoder"
    text = next(c.source for c in cells if "builds the same models, layer by layer" in c.source)
    assert "ae.build_vae(input_shape=(28, 28), latent_dim=LATENT_DIM" in text
    assert "hidden_sizes=(512, 256), seed=0)" in text
    # Run the model code, not the printing and drawing lines.
    keep = [line for line in hits[0].splitlines()
            if not line.startswith(("encoder.summary", "decoder.summary", "ae.plot_"))]
    return "\n".join(keep)


def _describe(model):
    rows = []
    for layer in model.layers:
        config = layer.get_config()
        rows.append((type(layer).__name__, layer.name, config.get("units"),
                     config.get("activation"), config.get("target_shape"),
                     config.get("seed"), tuple(layer.output.shape) if hasattr(layer, "output")
                     and not isinstance(layer.output, list) else None))
    return rows


@pytest.mark.parametrize("latent_dim", [2, 8])
def test_build_vae_builds_the_notebook_06_encoder_and_decoder_layer_by_layer(latent_dim):
    import keras

    scope = {"ae": ae, "np": np, "keras": keras, "LATENT_DIM": latent_dim}
    exec(_model_cell(), scope)  # noqa: S102 - the notebook's own cell
    built = ae.build_vae(input_shape=(28, 28), latent_dim=latent_dim, hidden_sizes=(512, 256),
                         seed=0)
    for name in ("encoder", "decoder", "mean_encoder"):
        mine, theirs = scope[name], getattr(built, name)
        assert _describe(mine) == _describe(theirs), name
        assert mine.count_params() == theirs.count_params(), name
        assert [tuple(w.shape) for w in mine.weights] == [tuple(w.shape) for w in theirs.weights]
    assert type(scope["vae"]) is type(built.vae)
    assert scope["vae"].beta == built.vae.beta == 1.0

"""Notebook 09 says ae.build_topk_autoencoder builds a model like its plain Keras toy model
(same layers, same starting point): prove it, with the Keras code taken from the notebook's
cells, so a change to either breaks this test.
"""

from pathlib import Path

import nbformat
import numpy as np

import aehelpers as ae

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "09_sparse_autoencoders.ipynb"


def _run_cells(markers, namespace):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    for marker in markers:
        found = [c.source for c in cells if c.cell_type == "code" and marker in c.source]
        assert len(found) == 1, f"{len(found)} code cells of 09 contain {marker!r}"
        source = "\n".join(line for line in found[0].splitlines()
                           if not line.strip().endswith(".summary()")
                           and not line.startswith("print("))
        exec(compile(source, f"09:{marker}", "exec"), namespace)  # noqa: S102
    return namespace


def _describe(model):
    import keras

    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        row = [type(layer).__name__, tuple(layer.output.shape[1:])]
        if isinstance(layer, keras.layers.Dense):
            row += [layer.use_bias, type(layer.kernel_constraint).__name__,
                    getattr(layer.kernel_constraint, "axis", None), layer.activation.__name__]
        rows.append(row)
    return rows


def test_the_builder_makes_the_toy_models_layers_and_starting_point():
    import keras
    from keras import ops

    x_toy = np.random.default_rng(0).random((50, 16)).astype("float32")
    ns = _run_cells(["class TopK(", "class DecoderBias("],
                    {"keras": keras, "ops": ops, "np": np, "ae": ae, "SEED": 0,
                     "N_DIMS": 16, "N_FEATURES": 64, "x_toy": x_toy})
    built = ae.build_topk_autoencoder(16, 64, k=ns["K_TOY"])
    assert _describe(ns["toy_encoder"]) == _describe(built.encoder)
    assert _describe(ns["toy_decoder"]) == _describe(built.decoder)
    assert ns["top_k"].k == built.encoder.get_layer("top_k").k
    for encoder, decoder in ((ns["toy_encoder"], ns["toy_decoder"]),
                             (built.encoder, built.decoder)):
        kernel = ops.convert_to_numpy(decoder.get_layer("decoder_dense").kernel)
        np.testing.assert_allclose(np.linalg.norm(kernel, axis=1), 1.0, rtol=1e-5)
        np.testing.assert_allclose(
            ops.convert_to_numpy(encoder.get_layer("encoder_dense").kernel), kernel.T)
        assert decoder.get_layer("decoder_bias") is encoder.get_layer("decoder_bias")

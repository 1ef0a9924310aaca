"""The sparse autoencoder parts of notebook 09: top-k layer, L1 penalty, tied bias, builders."""

import numpy as np
import pytest

from aehelpers import sparse


def _numpy(x):
    import keras

    return keras.ops.convert_to_numpy(x)


def test_top_k_keeps_the_k_largest_of_each_row_and_zeros_the_rest():
    x = np.array([[0.5, -1.0, 2.0, 0.1], [3.0, 2.0, 1.0, 0.0]], "float32")
    out = _numpy(sparse.TopK(2)(x))
    np.testing.assert_allclose(out, [[0.5, 0.0, 2.0, 0.0], [3.0, 2.0, 0.0, 0.0]])


def test_top_k_leaves_exactly_k_units_active_for_positive_inputs():
    x = np.random.default_rng(0).random((50, 30)).astype("float32") + 0.01
    for k in (1, 5, 30):
        out = _numpy(sparse.TopK(k)(x))
        assert np.all(np.sum(out > 0, axis=1) == k)


def test_top_k_silences_kept_values_below_zero():
    out = _numpy(sparse.TopK(2)(np.array([[-3.0, -1.0, -2.0]], "float32")))
    np.testing.assert_array_equal(out, [[0.0, 0.0, 0.0]])


def test_l1_penalty_adds_weight_times_the_mean_sum_of_absolute_values():
    layer = sparse.L1Penalty(0.5)
    code = np.array([[1.0, -2.0], [0.0, 3.0]], "float32")
    np.testing.assert_allclose(_numpy(layer(code)), code)
    assert len(layer.losses) == 1
    assert float(_numpy(layer.losses[0])) == pytest.approx(0.5 * (3.0 + 3.0) / 2)


@pytest.mark.parametrize("k", [1, 4])
def test_topk_autoencoder_shapes_l0_and_unit_norm_columns(k):
    import keras

    parts = sparse.build_topk_autoencoder(6, 20, k=k)
    x = np.random.default_rng(1).normal(size=(64, 6)).astype("float32")
    assert parts.encoder.output_shape == (None, 20)
    assert parts.autoencoder.output_shape == (None, 6)
    codes = _numpy(parts.encoder(x))
    assert np.all(np.sum(codes > 0, axis=1) <= k)
    parts.autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    parts.autoencoder.fit(x, x, epochs=2, batch_size=16, verbose=0)
    kernel = _numpy(parts.decoder.get_layer("decoder_dense").kernel)
    np.testing.assert_allclose(np.linalg.norm(kernel, axis=1), 1.0, rtol=1e-5)
    assert parts.decoder.get_layer("decoder_bias") is parts.encoder.get_layer("decoder_bias")


def test_the_encoder_subtracts_the_bias_the_decoder_adds():
    parts = sparse.build_topk_autoencoder(3, 5, k=5)
    bias = parts.decoder.get_layer("decoder_bias")
    bias.bias.assign(np.array([1.0, 2.0, 3.0], "float32"))
    shifted = np.array([[1.0, 2.0, 3.0]], "float32")  # the bias itself: the encoder sees 0
    dense = parts.encoder.get_layer("encoder_dense")
    expected = _numpy(dense(np.zeros((1, 3), "float32")))
    np.testing.assert_allclose(_numpy(parts.encoder(shifted)),
                               np.where(expected > 0, expected, 0.0), atol=1e-6)
    np.testing.assert_allclose(_numpy(parts.decoder(np.zeros((1, 5), "float32"))),
                               [[1.0, 2.0, 3.0]])


def test_the_encoder_starts_as_the_decoder_transposed():
    parts = sparse.build_l1_autoencoder(4, 9, l1=0.1)
    decoder_kernel = _numpy(parts.decoder.get_layer("decoder_dense").kernel)
    encoder_kernel = _numpy(parts.encoder.get_layer("encoder_dense").kernel)
    np.testing.assert_allclose(encoder_kernel, decoder_kernel.T)
    np.testing.assert_allclose(np.linalg.norm(decoder_kernel, axis=1), 1.0, rtol=1e-5)


def test_l1_autoencoder_reports_its_penalty_as_a_loss():
    parts = sparse.build_l1_autoencoder(4, 9, l1=0.1)
    parts.autoencoder(np.ones((2, 4), "float32"))
    assert len(parts.autoencoder.losses) == 1


def test_best_cosines_finds_known_directions_up_to_sign():
    true = np.eye(3)
    found = np.array([[-2.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    np.testing.assert_allclose(sparse.best_cosines(true, found),
                               [1.0, np.sqrt(0.5), np.sqrt(0.5)])


def test_signed_best_cosines_do_not_count_a_direction_pointing_the_other_way():
    true = np.eye(3)
    found = np.array([[-2.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    np.testing.assert_allclose(sparse.best_cosines(true, found, signed=True),
                               [0.0, np.sqrt(0.5), np.sqrt(0.5)])


def test_decoder_directions_are_unit_rows_of_the_decoder_kernel():
    parts = sparse.build_topk_autoencoder(5, 7, k=2)
    directions = sparse.decoder_directions(parts)
    assert directions.shape == (7, 5)
    np.testing.assert_allclose(np.linalg.norm(directions, axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: sparse.build_topk_autoencoder("6", 20, k=2), TypeError, "n_inputs"),
        (lambda: sparse.build_topk_autoencoder(6, 0, k=2), ValueError, "width"),
        (lambda: sparse.build_topk_autoencoder(6, 20, k=2.0), TypeError, "k"),
        (lambda: sparse.build_topk_autoencoder(6, 20, k=21), ValueError, "k"),
        (lambda: sparse.build_topk_autoencoder(6, 20, k=2, name=""), ValueError, "name"),
        (lambda: sparse.build_l1_autoencoder(6, 20, l1=-1.0), ValueError, "l1"),
        (lambda: sparse.build_l1_autoencoder(6, 20, l1="big"), TypeError, "l1"),
        (lambda: sparse.TopK(0), ValueError, "k"),
        (lambda: sparse.L1Penalty(None), TypeError, "weight"),
        (lambda: sparse.best_cosines([[1.0]], np.eye(2)), TypeError, "true_directions"),
        (lambda: sparse.best_cosines(np.eye(2), np.ones(2)), ValueError, "found_directions"),
        (lambda: sparse.best_cosines(np.eye(2), np.eye(3)), ValueError, "same length"),
        (lambda: sparse.best_cosines(np.eye(2), np.eye(2), signed=1), TypeError, "signed"),
        (lambda: sparse.decoder_directions("decoder"), TypeError, "decoder"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_it(call, error, words):
    with pytest.raises(error, match=words):
        call()

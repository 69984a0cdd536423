"""Left-padded, right-padded, holed and unpadded batches give the same outputs on the
real steps, for every cell; masks propagate from Embedding through stacked layers."""

import keras
import numpy as np
import pytest

from tests.cell_cases import ONE_PER_CELL, case_id, make_cell, randomize
from zoo.layers import Bidirectional, Recurrent

BATCH, TIME, FEATURES, PAD = 3, 5, 4, 3


def _layer(case, **kwargs):
    layer = Recurrent(
        make_cell(*case), return_sequences=True, return_state=True, **kwargs
    )
    layer.build((None, None, FEATURES))
    randomize(layer.cell, seed=1)
    return layer


def _run(layer, inputs, mask=None):
    outputs, *states = layer(inputs, mask=mask)
    return keras.ops.convert_to_numpy(outputs), [
        keras.ops.convert_to_numpy(s) for s in states
    ]


@pytest.fixture
def inputs():
    return (
        np.random.default_rng(0).normal(size=(BATCH, TIME, FEATURES)).astype("float32")
    )


def _junk(steps):
    return (
        np.random.default_rng(9).normal(size=(BATCH, steps, FEATURES)).astype("float32")
        * 10
    )


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_padding(case, side, inputs):
    layer = _layer(case)
    plain_outputs, plain_states = _run(layer, inputs)
    real = np.r_[[False] * PAD, [True] * TIME]
    if side == "right":
        real = real[::-1]
    padded = np.zeros((BATCH, TIME + PAD, FEATURES), "float32")
    padded[:, real] = inputs
    padded[:, ~real] = _junk(PAD)
    outputs, states = _run(layer, padded, np.tile(real, (BATCH, 1)))
    np.testing.assert_allclose(outputs[:, real], plain_outputs, atol=1e-6)
    for state, plain in zip(states, plain_states, strict=True):
        np.testing.assert_allclose(state, plain, atol=1e-6)


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_holes_are_skipped(case, inputs):
    layer = _layer(case)
    plain_outputs, plain_states = _run(layer, inputs)
    holed = np.concatenate([inputs[:, :2], _junk(PAD), inputs[:, 2:]], axis=1)
    real = np.r_[[True] * 2, [False] * PAD, [True] * (TIME - 2)]
    outputs, states = _run(layer, holed, np.tile(real, (BATCH, 1)))
    np.testing.assert_allclose(outputs[:, real], plain_outputs, atol=1e-6)
    for state, plain in zip(states, plain_states, strict=False):
        np.testing.assert_allclose(state, plain, atol=1e-6)


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_rows_of_different_lengths_match_their_unpadded_runs(case):
    rng = np.random.default_rng(3)
    lengths = [5, 2, 4]
    layer = _layer(case)
    rows = [rng.normal(size=(1, n, FEATURES)).astype("float32") for n in lengths]
    batch = np.zeros((3, 5, FEATURES), "float32")
    for index, row in enumerate(rows):
        batch[index, : row.shape[1]] = row[0]
    mask = np.arange(5)[None, :] < np.array(lengths)[:, None]
    outputs, states = _run(layer, batch, mask)
    for index, row in enumerate(rows):
        row_outputs, row_states = _run(layer, row)
        np.testing.assert_allclose(
            outputs[index, : lengths[index]], row_outputs[0], atol=1e-6
        )
        for state, row_state in zip(states, row_states, strict=False):
            np.testing.assert_allclose(state[index], row_state[0], atol=1e-6)


def test_mask_propagates_from_embedding_through_stacked_layers():
    from zoo.cells import GRUCell, LSTMCell

    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(10, 4, mask_zero=True)(tokens)
    x = Recurrent(LSTMCell(6), return_sequences=True)(x)
    x = Bidirectional(Recurrent(GRUCell(3), return_sequences=True))(x)
    x = Recurrent(LSTMCell(5))(x)
    model = keras.Model(tokens, x)
    ids = np.array([[3, 4, 5, 6], [7, 8, 0, 0]], "int32")
    more_padding = np.concatenate([ids, np.zeros((2, 3), "int32")], axis=1)
    np.testing.assert_allclose(model(ids), model(more_padding), atol=1e-6)
    np.testing.assert_allclose(model(ids[1:, :2]), model(ids)[1:], atol=1e-6)

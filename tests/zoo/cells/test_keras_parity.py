"""LSTMCell, GRUCell (both reset_after) and ElmanCell reproduce keras.layers.LSTM, GRU
and SimpleRNN with the same weights (moved with set_weights), with and without masks."""

import keras
import numpy as np
import pytest

from tests.cell_cases import randomize
from zoo.cells import ElmanCell, GRUCell, LSTMCell
from zoo.layers import Recurrent

PAIRS = [
    ("lstm", lambda: LSTMCell(5), lambda: keras.layers.LSTM(5, return_sequences=True)),
    (
        "gru_reset_after",
        lambda: GRUCell(5, reset_after=True),
        lambda: keras.layers.GRU(5, reset_after=True, return_sequences=True),
    ),
    (
        "gru_reset_before",
        lambda: GRUCell(5, reset_after=False),
        lambda: keras.layers.GRU(5, reset_after=False, return_sequences=True),
    ),
    (
        "elman",
        lambda: ElmanCell(5),
        lambda: keras.layers.SimpleRNN(5, return_sequences=True),
    ),
]


def _inputs_and_mask():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(4, 7, 3)).astype("float32")
    lengths = np.array([7, 5, 3, 1])
    mask = np.arange(7)[None, :] < lengths[:, None]  # right padding
    return inputs, mask


@pytest.mark.parametrize("direction", ["zoo_to_keras", "keras_to_zoo"])
@pytest.mark.parametrize("use_mask", [False, True], ids=["unmasked", "masked"])
@pytest.mark.parametrize("pair", PAIRS, ids=[p[0] for p in PAIRS])
def test_same_sequences_as_keras_layer(pair, use_mask, direction):
    """Weights set on one side and moved with set_weights give the same sequences."""
    _, make_cell, make_keras_layer = pair
    inputs, mask = _inputs_and_mask()
    zoo_layer = Recurrent(make_cell(), return_sequences=True)
    keras_layer = make_keras_layer()
    zoo_layer.build(inputs.shape)
    keras_layer.build(inputs.shape)
    source, target = (zoo_layer, keras_layer)[
        :: 1 if direction == "zoo_to_keras" else -1
    ]
    randomize(source.cell, seed=1)
    target.cell.set_weights(source.cell.get_weights())

    mask_argument = {"mask": mask} if use_mask else {}
    zoo_outputs = keras.ops.convert_to_numpy(zoo_layer(inputs, **mask_argument))
    keras_outputs = keras.ops.convert_to_numpy(keras_layer(inputs, **mask_argument))
    np.testing.assert_allclose(zoo_outputs, keras_outputs, atol=1e-5, rtol=1e-5)

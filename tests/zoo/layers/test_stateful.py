"""Stateful layers (truncated BPTT): state carries across calls; helpers reset, read
and set the states of every stateful recurrent layer of a model."""

import keras
import numpy as np
import pytest

from tests.cell_cases import ONE_PER_CELL, case_id, make_cell, randomize
from zoo.cells import GRUCell, LSTMCell
from zoo.layers import (
    Bidirectional,
    Recurrent,
    get_states,
    reset_states,
    set_states,
)

BATCH = 2


def _model(case=("LSTMCell", {})):
    inputs = keras.Input(shape=(None, 3), batch_size=BATCH)
    layer = Recurrent(
        make_cell(*case), return_sequences=True, stateful=True, name="rec"
    )
    model = keras.Model(inputs, layer(inputs))
    randomize(layer.cell, seed=1)
    return model


def _sequence(time=8):
    return np.random.default_rng(0).normal(size=(BATCH, time, 3)).astype("float32")


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_windows_carry_state_like_one_long_call(case):
    model = _model(case)
    sequence = _sequence()
    whole = keras.ops.convert_to_numpy(model(sequence))
    reset_states(model)
    first = keras.ops.convert_to_numpy(model(sequence[:, :5]))
    second = keras.ops.convert_to_numpy(model(sequence[:, 5:]))
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), whole, atol=1e-6
    )


def test_reset_states_starts_again_from_zeros():
    model = _model()
    sequence = _sequence()
    fresh = keras.ops.convert_to_numpy(model(sequence))
    assert not np.allclose(model(sequence), fresh)  # state carried over
    reset_states(model)
    np.testing.assert_allclose(model(sequence), fresh, atol=1e-6)


def test_get_and_set_states_round_trip():
    model = _model()
    sequence = _sequence()
    model(sequence[:, :3])
    saved = get_states(model)
    assert list(saved) == ["rec"] and [s.shape for s in saved["rec"]] == [
        (2, 4),
        (2, 4),
    ]
    continued = keras.ops.convert_to_numpy(model(sequence[:, 3:]))
    reset_states(model)
    set_states(model, saved)
    np.testing.assert_allclose(model(sequence[:, 3:]), continued, atol=1e-6)


def test_helpers_find_stateful_layers_inside_bidirectional():
    inputs = keras.Input(shape=(None, 3), batch_size=BATCH)
    x = Bidirectional(Recurrent(GRUCell(4), return_sequences=True, stateful=True))(
        inputs
    )
    x = Recurrent(LSTMCell(2), stateful=True, name="top")(x)
    model = keras.Model(inputs, x)
    fresh = keras.ops.convert_to_numpy(model(_sequence()))
    states = get_states(model)
    assert len(states) == 3 and "top" in states
    assert all(np.any(s != 0) for values in states.values() for s in values)
    reset_states(model)
    assert all(np.all(s == 0) for values in get_states(model).values() for s in values)
    np.testing.assert_allclose(model(_sequence()), fresh, atol=1e-6)


def test_stateful_errors():
    with pytest.raises(ValueError, match="batch size must be static"):
        Recurrent(LSTMCell(2), stateful=True)(keras.Input(shape=(None, 3)))
    model = _model()
    model(_sequence())
    with pytest.raises(ValueError, match="No stateful recurrent layer named 'nope'"):
        set_states(model, {"nope": []})
    with pytest.raises(ValueError, match=r"has shape \(2, 4\); got \(3, 4\)"):
        set_states(model, {"rec": [np.zeros((3, 4)), np.zeros((3, 4))]})
    with pytest.raises(ValueError, match="has 2 state"):
        set_states(model, {"rec": [np.zeros((2, 4))]})
    inner = keras.Sequential([Recurrent(LSTMCell(2), stateful=True, name="rec")])
    twice_named = keras.Sequential(
        [keras.Input(shape=(None, 3), batch_size=BATCH), model, inner]
    )
    with pytest.raises(
        ValueError, match="Two stateful recurrent layers .* named 'rec'"
    ):
        reset_states(twice_named)

"""Every cell, every option: outputs and states over 6 steps equal a NumPy loop of the
cell's docstring equations (tests/reference.py), with seeded random weights."""

import keras
import numpy as np
import pytest

from tests.cell_cases import CASES, case_id, make_cell, randomize
from tests.reference import run_sequence
from zoo.layers import Recurrent

BATCH, TIME, FEATURES = 3, 6, 5


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_recurrent_matches_numpy_equations(case):
    name, options = case
    rng = np.random.default_rng(1)
    inputs = rng.normal(scale=1.5, size=(BATCH, TIME, FEATURES)).astype("float32")
    cell = make_cell(name, options)
    layer = Recurrent(cell, return_sequences=True, return_state=True)
    layer.build((BATCH, TIME, FEATURES))
    weights = randomize(cell, seed=2)
    state_sizes = (
        cell.state_size if isinstance(cell.state_size, list) else [cell.state_size]
    )
    initial = [rng.normal(size=(BATCH, s)).astype("float32") for s in state_sizes]

    outputs, *states = layer(inputs, initial_state=initial)

    expected_outputs, expected_states = run_sequence(
        name, weights, inputs, initial, options
    )
    np.testing.assert_allclose(outputs, expected_outputs, atol=1e-5, rtol=1e-5)
    for state, expected in zip(states, expected_states, strict=False):
        np.testing.assert_allclose(state, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_single_step_call_matches_numpy_and_keras_rnn(case):
    """`call` (one raw step) agrees with the equations and runs in keras.layers.RNN."""
    name, options = case
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(BATCH, TIME, FEATURES)).astype("float32")
    cell = make_cell(name, options)
    keras_rnn = keras.layers.RNN(cell, return_sequences=True)
    keras_rnn.build((BATCH, TIME, FEATURES))
    weights = randomize(cell, seed=4)
    zeros = [np.zeros((BATCH, s)) for s in np.atleast_1d(cell.state_size)]

    expected, _ = run_sequence(name, weights, inputs, zeros, options)
    np.testing.assert_allclose(keras_rnn(inputs), expected, atol=1e-5, rtol=1e-5)


def test_peephole_without_options_is_exactly_lstm():
    from zoo.cells import LSTMCell, PeepholeLSTMCell

    inputs = np.random.default_rng(5).normal(size=(2, 5, 3)).astype("float32")
    lstm = Recurrent(LSTMCell(4), return_sequences=True)
    peephole = Recurrent(
        PeepholeLSTMCell(4, use_peepholes=False), return_sequences=True
    )
    lstm.build(inputs.shape)
    peephole.build(inputs.shape)
    randomize(lstm.cell, seed=6)
    peephole.cell.set_weights(lstm.cell.get_weights())
    np.testing.assert_array_equal(lstm(inputs), peephole(inputs))


def test_cell_clip_bounds_the_memory_cell():
    from zoo.cells import PeepholeLSTMCell

    # Gates wide open and a candidate near 1: unclipped, c would grow by ~1 a step.
    cell_options = dict(
        kernel_initializer="ones",
        recurrent_initializer="zeros",
        peephole_initializer="zeros",
    )
    inputs = np.full((2, 8, 3), 5.0, "float32")
    unclipped = Recurrent(PeepholeLSTMCell(4, **cell_options), return_state=True)
    clipped = Recurrent(
        PeepholeLSTMCell(4, cell_clip=0.3, **cell_options), return_state=True
    )
    assert np.min(unclipped(inputs)[2]) > 7.0
    _, _, cell_state = clipped(inputs)
    assert np.max(np.abs(cell_state)) == pytest.approx(0.3, abs=1e-6)


def test_unit_forget_bias_starts_forget_gate_at_one():
    from zoo.cells import LSTMCell

    cell = LSTMCell(3)
    cell.build((None, 2))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(cell.bias), [0, 0, 0, 1, 1, 1] + [0] * 6
    )
    cell = LSTMCell(3, unit_forget_bias=False)
    cell.build((None, 2))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(cell.bias), [0] * 12)

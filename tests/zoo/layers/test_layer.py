"""Recurrent's options: go_backwards, initial_state, return_state, unroll,
Bidirectional, .keras round trips, and its errors."""

import keras
import numpy as np
import pytest

from tests.cell_cases import ONE_PER_CELL, case_id, make_cell, randomize
from tests.reference import run_sequence
from zoo import cells
from zoo.layers import Bidirectional, Recurrent


def _inputs(batch=3, time=6, features=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, time, features)).astype("float32")


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_go_backwards_runs_the_reversed_sequence(case):
    inputs = _inputs()
    layer = Recurrent(make_cell(*case), return_sequences=True, go_backwards=True)
    layer.build(inputs.shape)
    weights = randomize(layer.cell, seed=1)
    state_sizes = np.atleast_1d(layer.cell.state_size)
    zeros = [np.zeros((3, s)) for s in state_sizes]
    expected, _ = run_sequence(case[0], weights, inputs[:, ::-1], zeros, case[1])
    np.testing.assert_allclose(layer(inputs), expected, atol=1e-5)


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_unroll_gives_the_loop_result(case):
    inputs = _inputs()
    looped = Recurrent(make_cell(*case), return_sequences=True)
    unrolled = Recurrent(make_cell(*case), return_sequences=True, unroll=True)
    looped.build(inputs.shape)
    unrolled.build(inputs.shape)
    randomize(looped.cell, seed=2)
    unrolled.cell.set_weights(looped.cell.get_weights())
    np.testing.assert_allclose(unrolled(inputs), looped(inputs), atol=1e-6)


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_bidirectional_concatenates_forward_and_reversed_backward(case):
    inputs = _inputs()
    bidirectional = Bidirectional(Recurrent(make_cell(*case), return_sequences=True))
    bidirectional.build(inputs.shape)
    forward_weights = randomize(bidirectional.forward_layer.cell, seed=3)
    backward_weights = randomize(bidirectional.backward_layer.cell, seed=4)
    zeros = [
        np.zeros((3, s))
        for s in np.atleast_1d(bidirectional.forward_layer.cell.state_size)
    ]
    forward, _ = run_sequence(case[0], forward_weights, inputs, zeros, case[1])
    backward, _ = run_sequence(
        case[0], backward_weights, inputs[:, ::-1], zeros, case[1]
    )
    expected = np.concatenate([forward, backward[:, ::-1]], axis=-1)
    np.testing.assert_allclose(bidirectional(inputs), expected, atol=1e-5)


def _every_cell_model():
    inputs = keras.Input(shape=(None, 5))
    x = inputs
    for name, options in ONE_PER_CELL:
        x = Recurrent(make_cell(name, options), return_sequences=True)(x)
        x = Bidirectional(
            Recurrent(make_cell(name, options, dropout=0.1), return_sequences=True)
        )(x)
    outputs = Recurrent(cells.PeepholeLSTMCell(3, projection_units=2))(x)
    return keras.Model(inputs, outputs)


def test_keras_file_round_trip_with_every_cell_plain_and_bidirectional(tmp_path):
    model = _every_cell_model()
    for index, layer in enumerate(model.layers):
        for cell_layer in (
            getattr(layer, "forward_layer", None),
            getattr(layer, "backward_layer", None),
            layer,
        ):
            if isinstance(cell_layer, Recurrent):
                randomize(cell_layer.cell, seed=10 + index)
    inputs = _inputs(seed=5)
    expected = keras.ops.convert_to_numpy(model(inputs))
    path = tmp_path / "every_cell.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(restored(inputs)), expected
    )
    assert [type(layer).__name__ for layer in restored.layers] == [
        type(layer).__name__ for layer in model.layers
    ]


def test_return_state_and_initial_state_shapes_follow_the_cell():
    inputs = _inputs()
    layer = Recurrent(cells.PeepholeLSTMCell(4, projection_units=2), return_state=True)
    output, r, c = layer(inputs, initial_state=[np.ones((3, 2)), np.ones((3, 4))])
    assert output.shape == (3, 2) and r.shape == (3, 2) and c.shape == (3, 4)
    np.testing.assert_array_equal(output, r)
    assert layer.compute_output_shape((3, 6, 5)) == ((3, 2), (3, 2), (3, 4))


def test_errors_name_the_bad_value():
    with pytest.raises(ValueError, match=r"rank 3.*got shape \(3, 5\)"):
        Recurrent(cells.LSTMCell(4))(np.zeros((3, 5), "float32"))
    built = Recurrent(cells.LSTMCell(4))
    built(_inputs())
    with pytest.raises(ValueError, match=r"rank 3.*got shape \(3, 6, 5, 1\)"):
        built(_inputs()[..., None])
    with pytest.raises(
        ValueError, match=r"must have shape \(3, 4\).*got shape \(2, 4\)"
    ):
        built(_inputs(), initial_state=[np.zeros((2, 4)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"2 state\(s\) of sizes \[4, 4\]; got 1"):
        Recurrent(cells.LSTMCell(4))(_inputs(), initial_state=[np.zeros((3, 4))])
    with pytest.raises(
        ValueError, match=r"initial_state\[1\] must have shape \(3, 4\)"
    ):
        Recurrent(cells.LSTMCell(4))(
            _inputs(), initial_state=[np.zeros((3, 4)), np.zeros((3, 5))]
        )
    with pytest.raises(ValueError, match="Recurrent drives zoo cells"):
        Recurrent(keras.layers.LSTMCell(4))


@pytest.mark.parametrize("option", ["use_cudnn", "explicit_bptt"])
def test_speed_options_are_checked_and_kept_in_the_config(option):
    with pytest.raises(ValueError, match=f"{option} must be.*got {option}='yes'"):
        Recurrent(cells.LSTMCell(4), **{option: "yes"})
    layer = Recurrent(cells.GRUCell(4), **{option: False})
    assert getattr(Recurrent.from_config(layer.get_config()), option) is False

"""Variational dropout (one mask per sequence), mixed precision, and configs."""

import keras
import numpy as np
import pytest

from tests.cell_cases import CASES, ONE_PER_CELL, case_id, make_cell, randomize
from zoo import cells
from zoo.cells import ElmanCell, JordanCell
from zoo.layers import Recurrent


def test_input_dropout_uses_one_mask_for_every_step():
    # W = I, U = 0, linear: h_t = x_t * mask. With x = 1 the output is the mask itself.
    cell = ElmanCell(
        64,
        activation="linear",
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        dropout=0.5,
        seed=1,
    )
    layer = Recurrent(cell, return_sequences=True)
    outputs = keras.ops.convert_to_numpy(
        layer(np.ones((4, 5, 64), "float32"), training=True)
    )
    assert set(np.unique(outputs)) == {0.0, 2.0}  # inverted dropout at rate 0.5
    for t in range(1, 5):
        np.testing.assert_array_equal(outputs[:, t], outputs[:, 0])
    # A new call draws a new mask; inference applies none.
    again = keras.ops.convert_to_numpy(
        layer(np.ones((4, 5, 64), "float32"), training=True)
    )
    assert not np.array_equal(again, outputs)
    np.testing.assert_array_equal(layer(np.ones((4, 5, 64), "float32")), 1.0)


def test_recurrent_dropout_uses_one_mask_for_every_step():
    # W = 0, U = I, linear, h_0 = 1: h_t = h_{t-1} * m, so h_t = m^t elementwise; one
    # mask with values 0 or 2 gives h_t in {0, 2^t} with the same zeros at every t.
    cell = ElmanCell(
        64,
        activation="linear",
        kernel_initializer="zeros",
        recurrent_initializer="identity",
        use_bias=False,
        recurrent_dropout=0.5,
        seed=2,
    )
    layer = Recurrent(cell, return_sequences=True)
    outputs = keras.ops.convert_to_numpy(
        layer(
            np.ones((4, 5, 3), "float32"),
            initial_state=[np.ones((4, 64), "float32")],
            training=True,
        )
    )
    kept = outputs[:, 0] == 2.0
    assert 0 < kept.mean() < 1
    for t in range(5):
        np.testing.assert_array_equal(
            outputs[:, t], np.where(kept, 2.0 ** (t + 1), 0.0)
        )


def test_teacher_forced_dropout_uses_one_mask_for_every_step():
    cell = JordanCell(
        8,
        output_units=8,
        activation="linear",
        output_activation="linear",
        kernel_initializer="zeros",
        recurrent_initializer="identity",
        use_bias=False,
        recurrent_dropout=0.5,
        seed=3,
    )
    layer = Recurrent(cell, return_sequences=True)
    layer.build((16, 4, 2))
    cell.output_kernel.assign(np.eye(8))
    outputs = keras.ops.convert_to_numpy(
        layer(
            np.zeros((16, 4, 2), "float32"),
            previous_outputs=np.ones((16, 4, 8), "float32"),
            training=True,
        )
    )
    assert set(np.unique(outputs)) == {0.0, 2.0}
    for t in range(1, 4):
        np.testing.assert_array_equal(outputs[:, t], outputs[:, 0])


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_dropout_masks_match_keras_rnn_driving_the_cell_step_by_step(case):
    """Recurrent (projection hoisted, masks applied to whole sequences) and
    keras.layers.RNN (the cell's one-step `call`, Keras's cached per-sequence masks)
    draw the same masks from the same seed, so they must agree number for number."""
    name, options = case
    inputs = np.random.default_rng(0).normal(size=(3, 6, 5)).astype("float32")
    rates = dict(dropout=0.4, recurrent_dropout=0.3, seed=11)
    ours = Recurrent(make_cell(name, options, **rates), return_sequences=True)
    theirs = keras.layers.RNN(make_cell(name, options, **rates), return_sequences=True)
    ours.build(inputs.shape)
    theirs.build(inputs.shape)
    randomize(ours.cell, seed=1)
    theirs.cell.set_weights(ours.cell.get_weights())
    dropped = keras.ops.convert_to_numpy(ours(inputs, training=True))
    np.testing.assert_allclose(dropped, theirs(inputs, training=True), atol=1e-5)
    assert not np.allclose(dropped, ours(inputs))  # dropout did something


@pytest.mark.parametrize(
    "policy, tolerance", [("mixed_float16", 1e-2), ("mixed_bfloat16", 5e-2)]
)
@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_mixed_precision_keeps_float32_weights_and_matches(case, policy, tolerance):
    name, options = case
    inputs = np.random.default_rng(0).normal(size=(3, 6, 5)).astype("float32")
    reference = Recurrent(make_cell(name, options), return_sequences=True)
    reference.build(inputs.shape)
    randomize(reference.cell, seed=1)
    mixed = Recurrent(
        make_cell(name, options, dtype=policy), return_sequences=True, dtype=policy
    )
    mixed.build(inputs.shape)
    mixed.cell.set_weights(reference.cell.get_weights())

    outputs = mixed(inputs)
    compute_dtype = policy.removeprefix("mixed_")
    assert keras.backend.standardize_dtype(outputs.dtype) == compute_dtype
    assert {v.dtype for v in mixed.cell.trainable_weights} == {"float32"}
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(keras.ops.cast(outputs, "float32")),
        reference(inputs),
        atol=tolerance,
    )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_config_round_trip_rebuilds_the_same_cell(case):
    name, options = case
    cell = make_cell(name, options, dropout=0.25, recurrent_dropout=0.5, seed=7)
    config = cell.get_config()
    rebuilt = type(cell).from_config(config)
    assert rebuilt.get_config() == config
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(cell)
    )
    assert type(restored) is type(cell)
    assert restored.get_config() == config


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: cells.LSTMCell(0), "units must be a positive integer"),
        (
            lambda: cells.LSTMCell(True),
            "units must be a positive integer; got units=True",
        ),
        (
            lambda: cells.GRUCell(4, dropout=1.5),
            r"dropout must be a number in \[0, 1\); got 1.5",
        ),
        (
            lambda: cells.GRUCell(4, recurrent_dropout=None),
            "recurrent_dropout must be a number",
        ),
        (
            lambda: cells.PeepholeLSTMCell(4, cell_clip=-1.0),
            "cell_clip must be a positive number",
        ),
        (
            lambda: cells.PeepholeLSTMCell(4, cell_clip="3"),
            "cell_clip must be a positive number",
        ),
        (lambda: cells.PeepholeLSTMCell(4, projection_units=0), "projection_units=0"),
        (lambda: cells.JordanCell(4, output_units=True), "output_units=True"),
        (lambda: cells.get_cell("lstn", 4), "Unknown cell 'lstn'"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("cell_class", [cells.LSTMCell, cells.PeepholeLSTMCell])
def test_memory_cell_sums_in_float32_under_bfloat16(cell_class):
    """400 increments of 0.001 into c: a bfloat16 running sum stalls or overshoots
    (its unit in the last place near 0.3 is 0.002); a float32 memory cell gives 0.4."""
    units, steps, increment = 4, 400, 1e-3
    # Gates: i = f = sigmoid(20) (1 in bfloat16), candidate tanh(b_c) = 0.001.
    bias = np.concatenate(
        [
            np.full(units, 20.0),
            np.full(units, 20.0),
            np.full(units, np.arctanh(increment)),
            np.zeros(units),
        ]
    )
    options = dict(
        kernel_initializer="zeros",
        recurrent_initializer="zeros",
        bias_initializer=keras.initializers.Constant(bias),
        unit_forget_bias=False,
        dtype="mixed_bfloat16",
    )
    if cell_class is cells.PeepholeLSTMCell:
        options["peephole_initializer"] = "zeros"
    layer = Recurrent(
        cell_class(units, **options), return_state=True, dtype="mixed_bfloat16"
    )
    _, _, memory = layer(np.zeros((2, steps, 3), "float32"))
    memory = keras.ops.convert_to_numpy(keras.ops.cast(memory, "float32"))
    np.testing.assert_allclose(memory, steps * increment, rtol=1e-2)

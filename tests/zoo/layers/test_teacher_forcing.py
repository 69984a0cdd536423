"""Teacher-forced Jordan equals the step-by-step loop fed the same previous targets."""

import keras
import numpy as np
import pytest

from tests.cell_cases import randomize
from tests.reference import jordan_step
from zoo.cells import JordanCell, LSTMCell
from zoo.layers import Recurrent

OPTIONS = {"output_units": 3, "output_activation": "linear"}


def _jordan_layer(**kwargs):
    layer = Recurrent(JordanCell(6, **OPTIONS), return_sequences=True, **kwargs)
    layer.build((None, None, 4))
    randomize(layer.cell, seed=1)
    return layer


def _data():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 7, 4)).astype("float32")
    previous_targets = rng.normal(size=(2, 7, 3)).astype("float32")
    return inputs, previous_targets


def test_teacher_forced_equals_loop_fed_the_same_previous_targets():
    layer = _jordan_layer(return_state=True)
    weights = {v.name: keras.ops.convert_to_numpy(v) for v in layer.cell.weights}
    inputs, previous_targets = _data()
    outputs, state = layer(inputs, previous_outputs=previous_targets)

    # The NumPy equations, one step at a time, fed y*_{t-1} instead of their own y.
    looped = [
        jordan_step(weights, inputs[:, t], [previous_targets[:, t]], OPTIONS)[0]
        for t in range(7)
    ]
    np.testing.assert_allclose(outputs, np.stack(looped, axis=1), atol=1e-5)
    np.testing.assert_allclose(state, looped[-1], atol=1e-5)


def test_teacher_forced_on_own_outputs_equals_free_running_loop():
    """Fed its own free-running outputs (shifted), teacher forcing reproduces them."""
    layer = _jordan_layer()
    inputs, _ = _data()
    y0 = np.random.default_rng(4).normal(size=(2, 3)).astype("float32")
    free_running = keras.ops.convert_to_numpy(layer(inputs, initial_state=[y0]))
    previous = np.concatenate([y0[:, None], free_running[:, :-1]], axis=1)
    np.testing.assert_allclose(
        layer(inputs, previous_outputs=previous), free_running, atol=1e-5
    )


@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_teacher_forced_under_a_mask_gives_what_the_loop_gives(zero_output_for_mask):
    """Masked steps (left padding, a hole, right padding) are skipped: the loop over
    the real steps, fed the real steps' previous targets, gives the same outputs."""
    layer = _jordan_layer(return_state=True, zero_output_for_mask=zero_output_for_mask)
    inputs, previous_targets = _data()
    mask = np.array(
        [
            [False, True, True, False, True, True, False],
            [True, True, True, True, False, False, False],
        ]
    )
    outputs, state = layer(inputs, previous_outputs=previous_targets, mask=mask)
    outputs = keras.ops.convert_to_numpy(outputs)
    for row in range(2):
        held = np.zeros(3, "float32")
        for t in range(7):
            if mask[row, t]:
                held = keras.ops.convert_to_numpy(
                    layer.cell(
                        inputs[row : row + 1, t], [previous_targets[row : row + 1, t]]
                    )[0]
                )[0]
            expected = 0.0 if zero_output_for_mask and not mask[row, t] else held
            np.testing.assert_allclose(outputs[row, t], expected, atol=1e-6)
        np.testing.assert_allclose(state[row], held, atol=1e-6)


def test_teacher_forcing_errors():
    inputs, previous_targets = _data()
    with pytest.raises(ValueError, match="cannot run teacher-forced"):
        Recurrent(LSTMCell(3))(inputs, previous_outputs=previous_targets)
    with pytest.raises(ValueError, match="go_backwards"):
        _jordan_layer(go_backwards=True)(inputs, previous_outputs=previous_targets)
    with pytest.raises(ValueError, match=r"\(B, 7, 3\)"):
        _jordan_layer()(inputs, previous_outputs=previous_targets[..., :2])
    with pytest.raises(ValueError, match="not both"):
        _jordan_layer()(
            inputs,
            previous_outputs=previous_targets,
            initial_state=[previous_targets[:, 0]],
        )

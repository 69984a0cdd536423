"""Teacher-forced Jordan equals the step-by-step loop fed the same previous targets."""

import keras
import numpy as np
import pytest

from tests.cell_cases import randomize
from zoo.cells import JordanCell, LSTMCell
from zoo.layers import Recurrent


def _jordan_layer(**kwargs):
    cell = JordanCell(6, output_units=3, output_activation="linear")
    layer = Recurrent(cell, return_sequences=True, **kwargs)
    layer.build((None, None, 4))
    randomize(cell, seed=1)
    return layer


def _data():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 7, 4)).astype("float32")
    previous_targets = rng.normal(size=(2, 7, 3)).astype("float32")
    return inputs, previous_targets


def test_teacher_forced_equals_loop_fed_the_same_previous_targets():
    layer = _jordan_layer(return_state=True)
    inputs, previous_targets = _data()
    outputs, state = layer(inputs, previous_outputs=previous_targets)

    looped = [
        keras.ops.convert_to_numpy(
            layer.cell(inputs[:, t], [previous_targets[:, t]])[0]
        )
        for t in range(7)
    ]
    np.testing.assert_allclose(outputs, np.stack(looped, axis=1), atol=1e-6)
    np.testing.assert_allclose(state, looped[-1], atol=1e-6)


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


def test_teacher_forced_under_a_mask():
    layer = _jordan_layer(return_state=True)
    inputs, previous_targets = _data()
    mask = np.array([[True] * 7, [True] * 4 + [False] * 3])
    outputs, state = layer(inputs, previous_outputs=previous_targets, mask=mask)
    unmasked, _ = layer(inputs, previous_outputs=previous_targets)
    outputs, unmasked = map(keras.ops.convert_to_numpy, (outputs, unmasked))
    np.testing.assert_allclose(outputs[mask], unmasked[mask], atol=1e-6)
    np.testing.assert_array_equal(outputs[~mask], 0.0)
    np.testing.assert_allclose(state, [unmasked[0, 6], unmasked[1, 3]], atol=1e-6)


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

"""Backpropagation through time: gradients through `Recurrent` equal central finite
differences for every cell, w.r.t. every weight and the inputs.

TensorFlow runs it in float64 with tight tolerances. Keras's type promotion turns
float64 into float32 in JAX activations (`keras/src/backend/common/dtypes.py` forces
64-bit results to 32-bit), so JAX runs it in float32 with a larger step and looser
tolerances: still far tighter than any wrong gradient."""

import keras
import numpy as np
import pytest

from tests.autodiff import loss_and_gradients
from tests.cell_cases import ONE_PER_CELL, case_id, make_cell, randomize
from zoo.layers import Recurrent

if keras.backend.backend() == "jax":
    DTYPE, EPSILON, RTOL, ATOL = "float32", 1e-2, 1e-2, 1e-3
else:
    DTYPE, EPSILON, RTOL, ATOL = "float64", 1e-6, 1e-5, 1e-7
PROBES_PER_TENSOR = 6


def _central_difference(loss_at, array, index):
    saved = array[index]
    array[index] = saved + EPSILON
    plus = loss_at()
    array[index] = saved - EPSILON
    minus = loss_at()
    array[index] = saved
    return (plus - minus) / (2 * EPSILON)


@pytest.mark.parametrize("case", ONE_PER_CELL, ids=case_id)
def test_bptt_gradients_match_finite_differences(case):
    name, options = case
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 6, 3)).astype(DTYPE)
    cell = make_cell(name, options, dtype=DTYPE)
    layer = Recurrent(cell, return_sequences=True, dtype=DTYPE)
    layer.build(inputs.shape)
    weights = randomize(cell, seed=1)
    # A loss that weighs every output of every step differently.
    output_weights = rng.normal(size=(2, 6, cell.output_size))

    def loss_fn(outputs):
        return keras.ops.sum(outputs * output_weights)

    _, weight_grads, input_grad = loss_and_gradients(layer, inputs, loss_fn)

    def loss_at():
        for variable in cell.trainable_weights:
            variable.assign(weights[variable.name])
        return float(keras.ops.convert_to_numpy(loss_fn(layer(inputs))))

    arrays = [weights[v.name] for v in cell.trainable_weights] + [inputs]
    grads = weight_grads + [input_grad]
    assert len(grads) == len(arrays)
    for array, grad in zip(arrays, grads, strict=False):
        flat_indices = rng.choice(
            array.size, size=min(PROBES_PER_TENSOR, array.size), replace=False
        )
        for flat in flat_indices:
            index = np.unravel_index(flat, array.shape)
            numeric = _central_difference(loss_at, array, index)
            assert grad[index] == pytest.approx(numeric, rel=RTOL, abs=ATOL), (
                f"gradient at {index} of a tensor of shape {array.shape}"
            )

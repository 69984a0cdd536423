"""Structure of the traced time loops: what is summed or computed for every step at
once stays out of them.

Counts the matrix products inside the loop bodies of the traced graph (While bodies
on TensorFlow, scan bodies on JAX):

- forward: per step a zoo cell may only multiply by its recurrent (and, for some
  cells, output/projection) matrices; x @ W is one product before the loop.
  keras.layers.LSTM, which does x_t @ W in the loop, is the control that shows the
  count can see a hoisting regression.
- backward (the LSTM family's hand-written BPTT): per step only dz_t @ U^T (and
  dr_t @ W_p^T); dU = Σ s^T dz is one product after the loop. Autodiff through the
  loop (`explicit_bptt=False`), which sums dU inside it, is the control.
"""

import keras
import numpy as np
import pytest

from zoo import cells
from zoo.layers import Recurrent

# cell -> matrix products per step: h @ U, plus Jordan's h @ V, LSTMP's h @ W_p and the
# second product of the reset-before GRU ((r * h) @ U_h).
EXPECTED_PRODUCTS_PER_STEP = [
    (lambda: cells.ElmanCell(8), 1),
    (lambda: cells.JordanCell(8, output_units=3), 2),
    (lambda: cells.LSTMCell(8), 1),
    (lambda: cells.PeepholeLSTMCell(8), 1),
    (lambda: cells.PeepholeLSTMCell(8, projection_units=4), 2),
    (lambda: cells.GRUCell(8, reset_after=True), 1),
    (lambda: cells.GRUCell(8, reset_after=False), 2),
]


def products_in_loop_bodies(layer, inputs, gradient=False):
    """Matrix products inside each time loop of the traced graph of `layer(inputs)`
    (or, with `gradient`, of the gradient of its sum), in tracing order."""
    layer(inputs)  # build
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        def forward(x):
            if not gradient:
                return layer(x)
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(layer(x, training=True))
            return tape.gradient(loss, layer.trainable_variables)

        spec = tf.TensorSpec(inputs.shape, "float32")
        graph = tf.function(forward).get_concrete_function(spec).graph.as_graph_def()
        bodies = [f for f in graph.library.function if "while_body" in f.signature.name]
        return sorted(
            sum(
                node.op in ("MatMul", "BatchMatMulV2", "Einsum")
                for node in body.node_def
            )
            for body in bodies
        )
    if backend == "jax":
        import jax

        def forward(trainable, x):
            outputs = layer.stateless_call(
                trainable, layer.non_trainable_variables, x, training=gradient
            )
            return outputs[0].sum() if gradient else outputs[0]

        trace = jax.grad(forward) if gradient else forward
        jaxpr = jax.make_jaxpr(trace)(
            [v.value for v in layer.trainable_variables], inputs
        )
        return sorted(
            sum(
                e.primitive.name == "dot_general"
                for e in scan.params["jaxpr"].jaxpr.eqns
            )
            for scan in _scans(jaxpr.jaxpr)
        )
    pytest.skip(f"no loop inspection for the {backend} backend")


def _scans(jaxpr):
    """Every scan in `jaxpr`, including those nested in calls (custom gradients)."""
    found = []
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "scan":
            found.append(eqn)
            continue
        for param in eqn.params.values():
            inner = getattr(param, "jaxpr", param)  # a ClosedJaxpr holds a Jaxpr
            if hasattr(inner, "eqns"):
                found += _scans(inner)
    return found


@pytest.mark.parametrize("make_cell, expected", EXPECTED_PRODUCTS_PER_STEP)
def test_input_projection_is_outside_the_loop(make_cell, expected):
    inputs = np.zeros((2, 5, 3), "float32")
    layer = Recurrent(make_cell(), return_sequences=True, use_cudnn=False)
    assert products_in_loop_bodies(layer, inputs) == [expected]


def test_the_count_sees_a_projection_inside_the_loop():
    inputs = np.zeros((2, 5, 3), "float32")
    # x_t @ W in the loop
    keras_lstm = keras.layers.LSTM(8, return_sequences=True, use_cudnn=False)
    assert products_in_loop_bodies(keras_lstm, inputs) == [2]


# cell -> products per step in the forward and in the hand-written backward loop.
EXPLICIT_BPTT_PRODUCTS = [
    (lambda: cells.LSTMCell(8), [1, 1]),
    (lambda: cells.PeepholeLSTMCell(8, cell_clip=1.0), [1, 1]),
    (lambda: cells.PeepholeLSTMCell(8, projection_units=4), [2, 2]),
]


@pytest.mark.parametrize("make_cell, expected", EXPLICIT_BPTT_PRODUCTS)
def test_recurrent_kernel_gradient_is_outside_the_backward_loop(make_cell, expected):
    inputs = np.zeros((2, 5, 3), "float32")
    layer = Recurrent(make_cell(), return_sequences=True, use_cudnn=False)
    assert products_in_loop_bodies(layer, inputs, gradient=True) == expected


def test_the_count_sees_the_kernel_gradient_summed_inside_a_loop():
    inputs = np.zeros((2, 5, 3), "float32")
    layer = Recurrent(
        cells.LSTMCell(8), return_sequences=True, use_cudnn=False, explicit_bptt=False
    )
    # Autodiff: h @ U forward; dz @ U^T and h^T @ dz in its backward loop.
    assert max(products_in_loop_bodies(layer, inputs, gradient=True)) == 2

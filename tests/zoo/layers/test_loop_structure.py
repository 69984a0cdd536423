"""Structure of the traced time loop: the input projection x @ W stays out of it.

Counts the matrix products inside the loop body of the traced graph (the While body
on TensorFlow, the scan body on JAX). Per step a zoo cell may only multiply by its
recurrent (and, for some cells, output/projection) matrices; keras.layers.LSTM, which
does x_t @ W in the loop, is the control that shows the count can see a hoisting
regression."""

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


def products_in_loop_body(layer, inputs):
    """Matrix products inside the time loop of `layer(inputs)`'s traced graph."""
    layer(inputs)  # build
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        spec = tf.TensorSpec(inputs.shape, "float32")
        graph = tf.function(layer).get_concrete_function(spec).graph.as_graph_def()
        bodies = [f for f in graph.library.function if "while_body" in f.signature.name]
        assert len(bodies) == 1, [f.signature.name for f in graph.library.function]
        return sum(
            node.op in ("MatMul", "BatchMatMulV2", "Einsum")
            for node in bodies[0].node_def
        )
    if backend == "jax":
        import jax

        def forward(trainable, x):
            return layer.stateless_call(trainable, layer.non_trainable_variables, x)[0]

        jaxpr = jax.make_jaxpr(forward)(
            [v.value for v in layer.trainable_variables], inputs
        )
        scans = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "scan"]
        assert len(scans) == 1, [e.primitive.name for e in jaxpr.jaxpr.eqns]
        body = scans[0].params["jaxpr"].jaxpr
        return sum(e.primitive.name == "dot_general" for e in body.eqns)
    pytest.skip(f"no loop inspection for the {backend} backend")


@pytest.mark.parametrize("make_cell, expected", EXPECTED_PRODUCTS_PER_STEP)
def test_input_projection_is_outside_the_loop(make_cell, expected):
    inputs = np.zeros((2, 5, 3), "float32")
    layer = Recurrent(make_cell(), return_sequences=True)
    assert products_in_loop_body(layer, inputs) == expected


def test_the_count_sees_a_projection_inside_the_loop():
    inputs = np.zeros((2, 5, 3), "float32")
    keras_lstm = keras.layers.LSTM(8, return_sequences=True)  # x_t @ W in the loop
    assert products_in_loop_body(keras_lstm, inputs) == 2

"""`keras.ops.scan` whose loop TensorFlow compiles with XLA.

TensorFlow runs a `tf.while_loop` op by op: each step of the LSTM family's
hand-written backpropagation through time (lstm_bptt.py) dispatches ~25 small
elementwise kernels and a few list reads and writes around one small matrix product,
and at B=20-64 that dispatch, not the arithmetic, takes most of the loop's time. XLA
fuses each step's elementwise work into a few kernels. Only the loops are compiled:
the large products around them (`x W` before the loop, `dU`, `dW` and `dx` after it)
stay with TensorFlow's oneDNN kernels, which beat XLA's on this CPU as H grows
(BENCHMARKS.md "XLA on a CPU"). One LSTM layer's forward and backward pass ran
1.10x as fast as with the uncompiled loops at B=20, T=35, H=650, 1.24x at B=64,
T=200, H=256 and 1.27x at B=20, T=20, H=200 (the 2-core CPU of BENCHMARKS.md).

JAX compiles every scan with XLA already; there this is `keras.ops.scan`. So is it
in eager TensorFlow code, where a compiled function would be retraced at every call.
"""

import keras
from keras import ops


def scan(step, init, xs, reverse=False):
    """`keras.ops.scan(step, init, xs, reverse=reverse)`, compiled with XLA when
    TensorFlow is tracing a graph."""
    if keras.backend.backend() != "tensorflow":
        return ops.scan(step, init, xs, reverse=reverse)
    import tensorflow as tf

    if not tf.inside_function():
        return ops.scan(step, init, xs, reverse=reverse)

    @tf.function(jit_compile=True)
    def compiled(init, xs):
        return ops.scan(step, init, xs, reverse=reverse)

    return compiled(init, xs)

"""`keras.ops.scan` whose loop TensorFlow compiles with XLA, for the LSTM family's
hand-written backpropagation through time (lstm_bptt.py).

TensorFlow runs a `tf.while_loop` op by op: each step of those loops dispatches ~25
small elementwise kernels and a few list reads and writes around one small matrix
product, and at B=20-64 that dispatch, not the arithmetic, takes most of the loop's
time. XLA fuses each step's elementwise work into a few kernels. Only the loops are
compiled: the large products around them (`x W` before the loop, `dU`, `dW` and `dx`
after it) stay with TensorFlow's oneDNN kernels. One LSTM layer's forward and backward
pass, on the 2-core CPU of BENCHMARKS.md, against the same loops uncompiled: 1.27x as
fast at B=20, T=20, H=200; 1.24x at B=64, T=200, H=256; 1.10x at B=20, T=35, H=650;
1.02x at H=768, 1.01x at H=896, 0.94x at H=1024 and 0.86x at H=1500, where the
per-step product `r_{t-1} U`, which moves into XLA with the loop, runs slower there
than with oneDNN. Hence `MAX_UNITS`.

Where it applies: TensorFlow tracing a graph (a training step), on a host whose
devices are all CPUs (where it was measured). Elsewhere this is `keras.ops.scan`:
on JAX, which compiles every scan with XLA already; in eager TensorFlow, where a
compiled function would be traced again at every call; on GPU and TPU hosts. XLA
compiles the loops again for every new batch and sequence size it sees. Set the
environment variable `RNN_ZOO_XLA_LOOPS=0` to keep the loops uncompiled everywhere
(for a comparison, or a host where XLA fails).
"""

import os

import keras
from keras import ops

# Up to this many units the compiled loops were measured at least as fast (above).
MAX_UNITS = 768


def scan(step, init, xs, units, reverse=False):
    """`keras.ops.scan(step, init, xs, reverse=reverse)`, compiled with XLA where
    `loops_compile_with_xla(units)` holds; `units` is the cell's hidden size H."""
    if not loops_compile_with_xla(units):
        return ops.scan(step, init, xs, reverse=reverse)
    import tensorflow as tf

    # autograph=False: the steps branch on Python booleans only.
    @tf.function(jit_compile=True, autograph=False)
    def xla_scan_loop(init, xs):
        return ops.scan(step, init, xs, reverse=reverse)

    return xla_scan_loop(init, xs)


def loops_compile_with_xla(units) -> bool:
    """True while TensorFlow traces a graph on a CPU-only host, for at most
    `MAX_UNITS` units, unless `RNN_ZOO_XLA_LOOPS=0` is set."""
    if keras.backend.backend() != "tensorflow" or units > MAX_UNITS:
        return False
    if os.environ.get("RNN_ZOO_XLA_LOOPS") == "0":
        return False
    import tensorflow as tf

    return tf.inside_function() and only_cpus()


def only_cpus() -> bool:
    """Whether every device Keras sees is a CPU (no GPU or TPU)."""
    return all(device.startswith("cpu") for device in keras.distribution.list_devices())

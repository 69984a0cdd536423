"""When compiling the training step with XLA speeds up zoo recurrent layers.

Keras's `jit_compile="auto"` never uses XLA on a TensorFlow host without a GPU. For
most recurrent layers that is right: forced XLA made `keras.layers.LSTM` and the
zoo's autodiff loops (GRU, masked sequences) slower on the 2-core CPU of
BENCHMARKS.md. The LSTM family's hand-written backpropagation through time is
different: its loops are not differentiated, so XLA fuses each step's ~25
elementwise operations into a few kernels, which is where TensorFlow's loop spends
its time at small and middle hidden sizes. As H grows the per-step products take
over, and TensorFlow's oneDNN products beat XLA's: language models trained faster
with XLA up to H = 640 and no faster from 650 on (BENCHMARKS.md "XLA on a CPU").
`XLA_MAX_UNITS` is a conservative cut below that crossing.
"""

import keras

from zoo.layers.recurrent import Recurrent

# Up to this many units XLA trains faster (a conservative cut: see above).
XLA_MAX_UNITS = 512


def xla_speeds_up_training(recurrent_layers) -> bool:
    """True where XLA was measured to speed up training these layers and Keras's
    "auto" would not use it: on TensorFlow, on a host without a GPU, when every
    layer is a `Recurrent` that trains through the hand-written BPTT (the LSTM
    family, not unrolled) with at most `XLA_MAX_UNITS` units. The layers must see
    no mask in training (the BPTT path needs unmasked sequences); the caller knows
    that, this function cannot. Keep Keras's "auto" where this is False.
    """
    if keras.backend.backend() != "tensorflow" or not recurrent_layers:
        return False
    if any(
        not device.startswith("cpu") for device in keras.distribution.list_devices()
    ):
        return False  # a GPU: Keras's "auto" already decides there
    return all(
        isinstance(layer, Recurrent)
        and layer.explicit_bptt
        and not layer.unroll
        and layer.cell.supports_explicit_bptt()
        and layer.cell.units <= XLA_MAX_UNITS
        for layer in recurrent_layers
    )

"""When compiling the training step with XLA speeds up zoo recurrent layers.

Keras's `jit_compile="auto"` never uses XLA on a TensorFlow host without a GPU. For
most recurrent layers that is right: XLA made `keras.layers.LSTM` and the zoo's
autodiff loops (GRU, masked sequences) 1.6-1.8x slower on the 2-core CPU of
BENCHMARKS.md. The LSTM family's hand-written backpropagation through time is
different: its loops are not differentiated, so XLA fuses each step's ~25
elementwise operations into a few kernels, which is where TensorFlow's loop spends
its time at small and middle hidden sizes. Measured on that CPU (training steps,
same run, `jit_compile=True` against `False`): language models with H = 200, 400
and 512 ran 12-16% faster, the B=64, T=200, H=256 classifier shape 21% faster;
at H = 640-650, where the per-step products dominate and TensorFlow's oneDNN
products beat XLA's, it was +5% to -3%. Hence the limit below.
"""

import keras

from zoo.layers.recurrent import Recurrent

# The largest hidden size at which XLA measured clearly faster (see above).
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

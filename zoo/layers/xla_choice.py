"""When compiling the whole training step with XLA speeds up zoo recurrent layers.

Keras's `jit_compile="auto"` never uses XLA on a TensorFlow host without a GPU. For
most recurrent layers that is right: forced XLA made `keras.layers.LSTM` and the
zoo's autodiff loops (GRU, masked sequences) slower on the 2-core CPU of
BENCHMARKS.md. The LSTM family's hand-written backpropagation through time is
different: its two loops compile with XLA on a TensorFlow CPU whatever the step does
(zoo/cells/compiled_scan.py). Compiling the rest of the step too (embedding, output
layer, loss, optimizer) gained a further 1.07-1.21x for language models and sequence
regressors of up to 200 units; at 256 units it went either way (1.06x for a language
model at B=20, 1.04x for a regressor at B=64, 0.96x for the default `rnn-zoo train
lstm_lm` at B=64), and from 300 to 512 units it
gained nothing (0.98-1.02x), as TensorFlow's oneDNN products beat XLA's there
(BENCHMARKS.md "XLA on a CPU").
"""

import keras

from zoo.cells.compiled_scan import only_cpus
from zoo.layers.recurrent import Recurrent

# Up to this many units the whole step trains faster under XLA (see above).
XLA_MAX_UNITS = 200


def xla_speeds_up_training(recurrent_layers) -> bool:
    """True where XLA for the whole training step was measured to speed up
    training these layers and Keras's "auto" would not use it: on TensorFlow, on a
    host without a GPU, when every layer is a `Recurrent` that trains through the
    hand-written BPTT (the LSTM family, not unrolled) with at most `XLA_MAX_UNITS`
    units. The layers must see no mask in training (the BPTT path needs unmasked
    sequences); the caller knows that, this function cannot. Keep Keras's "auto"
    where this is False.
    """
    if keras.backend.backend() != "tensorflow" or not recurrent_layers:
        return False
    if not only_cpus():
        return False  # a GPU: Keras's "auto" already decides there
    return all(
        isinstance(layer, Recurrent)
        and layer.explicit_bptt
        and not layer.unroll
        and layer.cell.supports_explicit_bptt()
        and layer.cell.units <= XLA_MAX_UNITS
        for layer in recurrent_layers
    )

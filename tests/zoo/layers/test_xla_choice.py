"""Where the zoo turns XLA on by itself: the LSTM family's hand-written BPTT, up to
`XLA_MAX_UNITS` units, on a TensorFlow CPU (the speed behind it is in
BENCHMARKS.md; the numbers XLA computes are pinned in
tests/tasks/test_precision_and_xla.py)."""

import keras
import pytest

import zoo
from zoo import cells
from zoo.layers import Recurrent, xla_speeds_up_training
from zoo.layers.xla_choice import XLA_MAX_UNITS

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"  # the tests' hosts: CPU only

CHOICES = [
    ([Recurrent(cells.LSTMCell(200))], ON_TENSORFLOW),
    ([Recurrent(cells.LSTMCell(XLA_MAX_UNITS))] * 2, ON_TENSORFLOW),
    ([Recurrent(cells.LSTMCell(XLA_MAX_UNITS + 1))], False),
    (
        [Recurrent(cells.PeepholeLSTMCell(64, projection_units=32, cell_clip=3.0))],
        ON_TENSORFLOW,
    ),
    ([Recurrent(cells.LSTMCell(64), explicit_bptt=False)], False),
    ([Recurrent(cells.LSTMCell(64), unroll=True)], False),
    ([Recurrent(cells.GRUCell(64))], False),
    ([Recurrent(cells.ElmanCell(64))], False),
    ([Recurrent(cells.LSTMCell(64)), Recurrent(cells.GRUCell(64))], False),
    ([keras.layers.LSTM(64)], False),
    ([], False),
]


@pytest.mark.parametrize("layers, expected", CHOICES)
def test_xla_is_chosen_only_for_the_hand_written_bptt_up_to_its_size(layers, expected):
    assert xla_speeds_up_training(layers) is expected


def test_a_16_bit_policy_keeps_keras_choice():
    """Mixed precision takes the autodiff loop (`supports_explicit_bptt`)."""
    layer = Recurrent(cells.LSTMCell(64, dtype="mixed_bfloat16"))
    assert xla_speeds_up_training([layer]) is False


@pytest.mark.parametrize(
    "name, arguments, expected",
    [
        ("lstm_lm", {}, ON_TENSORFLOW),
        ("peephole_lm", {"hidden_dim": 512}, ON_TENSORFLOW),
        ("lstm_lm", {"hidden_dim": 650}, False),
        ("gru_lm", {}, False),
    ],
)
def test_language_models_compile_with_the_choice(name, arguments, expected):
    lm = zoo.build(name, vocabulary_size=20, **arguments)
    lm.compile()
    # On JAX, Keras's own "auto" compiles with XLA anyway.
    assert lm.jit_compile is (expected or not ON_TENSORFLOW)
    lm.compile(jit_compile=False)  # an explicit choice wins
    assert lm.jit_compile is False

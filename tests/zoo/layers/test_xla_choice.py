"""Where the zoo turns XLA on by itself: the LSTM family's hand-written BPTT, up to
`XLA_MAX_UNITS` units, on a TensorFlow CPU, for task models' training steps (the
speed behind it is in BENCHMARKS.md; the numbers XLA computes are pinned in
tests/tasks/test_precision_and_xla.py)."""

import keras
import pytest

import zoo
from zoo import cells
from zoo.layers import Recurrent, xla_speeds_up_training
from zoo.layers.xla_choice import XLA_MAX_UNITS

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"
# Where the zoo chooses XLA at all: TensorFlow on a host without a GPU.
CHOOSES_XLA = ON_TENSORFLOW and all(
    device.startswith("cpu") for device in keras.distribution.list_devices()
)

CHOICES = [
    ([Recurrent(cells.LSTMCell(200))], CHOOSES_XLA),
    ([Recurrent(cells.LSTMCell(XLA_MAX_UNITS))] * 2, CHOOSES_XLA),
    ([Recurrent(cells.LSTMCell(XLA_MAX_UNITS + 1))], False),
    (
        [Recurrent(cells.PeepholeLSTMCell(64, projection_units=32, cell_clip=3.0))],
        CHOOSES_XLA,
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
        ("lstm_lm", {"vocabulary_size": 20}, CHOOSES_XLA),
        ("peephole_lm", {"vocabulary_size": 20, "hidden_dim": 200}, CHOOSES_XLA),
        # 256: the default `rnn-zoo train lstm_lm`, which XLA made slower.
        ("lstm_lm", {"vocabulary_size": 20, "hidden_dim": 256}, False),
        ("lstm_lm", {"vocabulary_size": 20, "hidden_dim": 650}, False),
        ("gru_lm", {"vocabulary_size": 20}, False),
        ("lstm_regressor", {"input_dim": 3}, CHOOSES_XLA),
        ("lstm_classifier", {"vocabulary_size": 20}, False),  # masked sequences
    ],
)
def test_task_models_train_with_the_choice(name, arguments, expected):
    model = zoo.build(name, **arguments)
    model.compile()
    # Elsewhere (JAX, a GPU) Keras's own "auto" compiles every step with XLA.
    assert model.trains_with_xla is (expected or not CHOOSES_XLA)
    if CHOOSES_XLA:  # the choice is for training steps, and is made again
        assert model.jit_compile is False  # on reload: the config keeps "auto"
        assert model.get_compile_config()["jit_compile"] == "auto"
    model.compile(run_eagerly=True)  # no compiled step at all
    assert model.trains_with_xla is False
    model.compile(jit_compile=False)  # an explicit choice wins
    assert model.trains_with_xla is False


def test_a_reloaded_model_chooses_again(tmp_path):
    lm = zoo.build("lstm_lm", vocabulary_size=20)
    lm.compile()
    lm.save(tmp_path / "lm.keras")
    reloaded = keras.saving.load_model(tmp_path / "lm.keras")
    assert reloaded.trains_with_xla is lm.trains_with_xla is True

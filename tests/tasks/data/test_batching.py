"""Truncated-BPTT batching: where every token goes, and that carrying the state
across windows equals reading the streams in one go."""

import keras
import numpy as np
import pytest

from tasks.data.batching import tbptt_windows
from zoo import cells
from zoo.layers import Recurrent, reset_states


def test_token_k_of_stream_b_lands_in_row_b_of_its_window():
    batch, time, length = 3, 4, 50
    inputs, targets = tbptt_windows(np.arange(length), batch, time)
    stream_length = length // batch  # 16 -> (16 - 1) // 4 = 3 windows
    assert inputs.shape == targets.shape == (3 * batch, time)
    for window in range(3):
        for stream in range(batch):
            for step in range(time):
                expected = stream * stream_length + window * time + step
                assert inputs[window * batch + stream, step] == expected
                assert targets[window * batch + stream, step] == expected + 1


def test_a_corpus_smaller_than_one_window_is_refused_with_the_sizes():
    with pytest.raises(ValueError, match="30 tokens is smaller than one batch window"):
        tbptt_windows(np.arange(30), batch_size=4, sequence_length=8)


def test_stateful_windows_equal_one_pass_over_the_streams():
    batch, time = 2, 5
    rng = np.random.default_rng(0)
    sequence = rng.normal(size=(batch, 2 * time, 3)).astype("float32")
    stateful = Recurrent(cells.LSTMCell(4), return_sequences=True, stateful=True)
    whole = Recurrent(cells.LSTMCell(4), return_sequences=True)
    inputs = keras.Input(batch_shape=(batch, None, 3))
    model = keras.Model(inputs, stateful(inputs))
    whole.build(sequence.shape)
    whole.set_weights([rng.uniform(-0.5, 0.5, w.shape) for w in whole.get_weights()])
    stateful.set_weights(whole.get_weights())
    reset_states(model)
    first = model.predict_on_batch(sequence[:, :time])
    second = model.predict_on_batch(sequence[:, time:])
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), whole(sequence), atol=1e-5
    )

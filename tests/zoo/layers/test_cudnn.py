"""Recurrent's cuDNN dispatch: the same numbers as the loop, and clear refusals.

On a GPU host, `use_cudnn=True` must take the cuDNN kernel, and its outputs and
gradients must equal the loop's; on a CPU host the "auto" path falls back to the loop,
and on JAX "auto" does not try cuDNN at all.
"""

import keras
import numpy as np
import pytest

from tests.autodiff import loss_and_gradients
from zoo import cells
from zoo.layers import Recurrent


def _gpu_available() -> bool:
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if keras.backend.backend() == "jax":
        import jax

        return jax.default_backend() == "gpu"
    return False


# Cells and configurations with a cuDNN kernel. Keras's JAX backend has cuDNN for the
# LSTM only (jax.experimental.rnn has no GRU).
CUDNN_CELLS = {
    "lstm": lambda: cells.LSTMCell(6),
    "plain_peephole": lambda: cells.PeepholeLSTMCell(6, use_peepholes=False),
    "gru": lambda: cells.GRUCell(6),
}


def _has_cudnn_kernel(name: str) -> bool:
    return _gpu_available() and (
        name != "gru" or keras.backend.backend() == "tensorflow"
    )


def _pair(make_cell, use_cudnn, **layer_options):
    """Two layers with the same weights: one looping, one with `use_cudnn`."""
    inputs = np.random.default_rng(0).normal(size=(4, 7, 5)).astype("float32")
    looped = Recurrent(make_cell(), use_cudnn=False, **layer_options)
    fused = Recurrent(make_cell(), use_cudnn=use_cudnn, **layer_options)
    looped.build(inputs.shape)
    fused.build(inputs.shape)
    rng = np.random.default_rng(1)
    weights = [rng.uniform(-0.5, 0.5, w.shape) for w in looped.get_weights()]
    looped.set_weights(weights)
    fused.set_weights(weights)
    return inputs, looped, fused


@pytest.mark.parametrize("name", sorted(CUDNN_CELLS))
@pytest.mark.parametrize("return_sequences", [True, False])
def test_cudnn_path_equals_the_loop(name, return_sequences):
    use_cudnn = True if _has_cudnn_kernel(name) else "auto"
    inputs, looped, fused = _pair(
        CUDNN_CELLS[name], use_cudnn, return_sequences=return_sequences
    )
    np.testing.assert_allclose(fused(inputs), looped(inputs), atol=1e-5)
    loss_fused, *grads_fused = loss_and_gradients(fused, inputs, _weighted_sum)
    loss_looped, *grads_looped = loss_and_gradients(looped, inputs, _weighted_sum)
    np.testing.assert_allclose(loss_fused, loss_looped, rtol=1e-5)
    weight_grads_fused, input_grad_fused = grads_fused
    weight_grads_looped, input_grad_looped = grads_looped
    np.testing.assert_allclose(input_grad_fused, input_grad_looped, atol=1e-4)
    for fused_grad, looped_grad in zip(
        weight_grads_fused, weight_grads_looped, strict=True
    ):
        np.testing.assert_allclose(fused_grad, looped_grad, atol=1e-4)


def _weighted_sum(outputs):
    weights = keras.ops.arange(1, outputs.shape[-1] + 1, dtype=outputs.dtype)
    return keras.ops.sum(keras.ops.tanh(outputs) * weights)


@pytest.mark.parametrize("name", sorted(CUDNN_CELLS))
def test_auto_tries_cudnn_on_tensorflow_only(name):
    """On JAX the loop beat Keras's cuDNN LSTM (BENCHMARKS.md): "auto" keeps it."""
    layer = Recurrent(CUDNN_CELLS[name]())
    tried = []
    fused_sequence = layer.cell.fused_sequence

    def spy(*args, **kwargs):
        tried.append(name)
        return fused_sequence(*args, **kwargs)

    layer.cell.fused_sequence = spy
    layer(np.ones((2, 3, 4), "float32"), training=True)
    assert bool(tried) == (keras.backend.backend() == "tensorflow")


@pytest.mark.parametrize("name", sorted(CUDNN_CELLS))
def test_use_cudnn_true_runs_cudnn_or_refuses_by_host(name):
    layer = Recurrent(CUDNN_CELLS[name](), use_cudnn=True)
    inputs = np.zeros((2, 3, 4), "float32")
    if _has_cudnn_kernel(name):
        assert layer(inputs).shape == (2, 6)
    else:
        with pytest.raises(ValueError, match="use_cudnn=True.*no cuDNN kernel"):
            layer(inputs)


@pytest.mark.parametrize(
    "make_cell",
    [
        lambda: cells.PeepholeLSTMCell(6),
        lambda: cells.PeepholeLSTMCell(6, use_peepholes=False, projection_units=3),
        lambda: cells.LSTMCell(6, recurrent_dropout=0.2),
        lambda: cells.GRUCell(6, reset_after=False),
        lambda: cells.ElmanCell(6),
        lambda: cells.JordanCell(6, output_units=2),
    ],
    ids=[
        "peepholes",
        "projection",
        "recurrent_dropout",
        "reset_before",
        "elman",
        "jordan",
    ],
)
def test_use_cudnn_true_refuses_configurations_cudnn_cannot_compute(make_cell):
    layer = Recurrent(make_cell(), use_cudnn=True)
    with pytest.raises(ValueError, match="no cuDNN kernel for this configuration"):
        layer(np.zeros((2, 3, 4), "float32"), training=True)

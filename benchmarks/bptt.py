"""Backpropagation through time alone: forward + backward of one recurrent layer,
compiled as each backend compiles it, for keras.layers.LSTM and the zoo LSTM family
with its hand-written BPTT and with autodiff through its loop.

    python benchmarks/bptt.py                      # TensorFlow (tf.function)
    KERAS_BACKEND=jax python benchmarks/bptt.py    # JAX (jax.jit)

No model around the layer: the loss is the sum of the output sequence, and the
gradients are taken for the weights and the inputs (as behind an embedding or a lower
layer). Timings are medians over interleaved rounds (timing.py).
"""

import argparse
import platform

import keras
import numpy as np
from timing import interleaved_medians

from zoo import cells
from zoo.layers import Recurrent

# name -> (batch, time, features, hidden): the Zaremba medium LM's layer and the
# classifier shape of cells.py.
SHAPES = {
    "medium_lm": (20, 35, 650, 650),
    "classifier": (64, 200, 256, 256),
}

LAYERS = {
    "keras LSTM": lambda h: keras.layers.LSTM(h, return_sequences=True),
    # use_cudnn=False: on a GPU too, the loop with and without the hand-written BPTT.
    "zoo LSTM": lambda h: Recurrent(
        cells.LSTMCell(h), return_sequences=True, use_cudnn=False
    ),
    "zoo LSTM, autodiff loop": lambda h: Recurrent(
        cells.LSTMCell(h), return_sequences=True, use_cudnn=False, explicit_bptt=False
    ),
    "zoo peephole LSTM": lambda h: Recurrent(
        cells.PeepholeLSTMCell(h), return_sequences=True
    ),
    "zoo peephole LSTM, autodiff loop": lambda h: Recurrent(
        cells.PeepholeLSTMCell(h), return_sequences=True, explicit_bptt=False
    ),
}


def layers_for_this_host():
    """LAYERS, and the zoo LSTM through cuDNN where this host has the kernel."""
    try:
        Recurrent(cells.LSTMCell(2), use_cudnn=True)(np.zeros((1, 1, 1), "float32"))
    except ValueError:  # no cuDNN kernel here (a CPU host)
        return LAYERS
    return {
        **LAYERS,
        "zoo LSTM, cuDNN": lambda h: Recurrent(
            cells.LSTMCell(h), return_sequences=True, use_cudnn=True
        ),
    }


def compiled_gradient_step(layer, inputs):
    """A compiled call computing the gradients of sum(layer(inputs))."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        inputs = tf.constant(inputs)

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                loss = tf.reduce_sum(layer(inputs, training=True))
            return tape.gradient(loss, [inputs] + layer.trainable_variables)

        return lambda: [g.numpy() for g in step()]
    if backend == "jax":
        import jax

        trainable = [v.value for v in layer.trainable_variables]
        non_trainable = [v.value for v in layer.non_trainable_variables]

        def loss(trainable, x):
            outputs, _ = layer.stateless_call(
                trainable, non_trainable, x, training=True
            )
            return outputs.sum()

        step = jax.jit(jax.grad(loss, argnums=(0, 1)))
        return lambda: jax.block_until_ready(step(trainable, inputs))
    raise SystemExit(f"no compiled gradient step for the {backend} backend")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3)
    arguments = parser.parse_args()
    print(
        f"# {platform.machine()}, Python {platform.python_version()}, Keras "
        f"{keras.__version__} ({keras.backend.backend()} backend)"
    )
    rng = np.random.default_rng(0)
    for shape_name, (batch, time, features, hidden) in SHAPES.items():
        inputs = rng.normal(size=(batch, time, features)).astype("float32")
        calls = {}
        for name, make_layer in layers_for_this_host().items():
            layer = make_layer(hidden)
            layer.build(inputs.shape)
            calls[name] = compiled_gradient_step(layer, inputs)
        timings = interleaved_medians(calls, arguments.steps, arguments.rounds)
        print(f"\n## {shape_name}: B={batch}, T={time}, D={features}, H={hidden}\n")
        print("| layer | forward + backward ms | vs keras LSTM |")
        print("|---|---:|---:|")
        for name, ms in timings.items():
            print(f"| {name} | {ms:.1f} | {timings['keras LSTM'] / ms:.2f}x |")
        keras.backend.clear_session()


if __name__ == "__main__":
    main()

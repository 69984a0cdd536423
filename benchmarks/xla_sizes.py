"""Where XLA for the whole training step speeds up training a zoo task model: one
training step compiled with `jit_compile=False` and `True` (the LSTM family's BPTT
loops compile with XLA in both: zoo/cells/compiled_scan.py), over hidden sizes,
measured in one process
(timing.py). `--task lm`: `{cell}_lm` (2 layers, B=20, T=35, V=10k); `--task
regressor`: `{cell}_regressor` (1 layer, B=64, T=100, 8 features, one output).

    python benchmarks/xla_sizes.py [--hidden 200 400 512 640 650] [--cell lstm]
    python benchmarks/xla_sizes.py --task regressor --hidden 64 256

The result sets `zoo.layers.xla_choice.XLA_MAX_UNITS`, up to which zoo's language
models compile their whole training steps with XLA on a TensorFlow CPU by themselves.
"""

import argparse
import functools
import platform

import keras
import numpy as np
from timing import interleaved_medians

import zoo


def language_model(name, hidden, rng):
    """The model and one batch of token windows (B=20, T=35, V=10k)."""
    batch, time_steps, vocabulary = 20, 35, 10_000
    x = rng.integers(0, vocabulary, (batch, time_steps), dtype="int32")
    y = rng.integers(0, vocabulary, (batch, time_steps), dtype="int32")
    lm = zoo.build(
        name,
        vocabulary_size=vocabulary,
        hidden_dim=hidden,
        batch_size=batch,
        sequence_length=time_steps,
    )
    return lm, x, y


def regressor(name, hidden, rng):
    """The model and one batch of real-valued sequences (B=64, T=100, D=8)."""
    x = rng.normal(size=(64, 100, 8)).astype("float32")
    y = x[:, :, :1].sum(axis=1)  # (64, 1)
    return zoo.build(name, input_dim=8, hidden_dim=hidden), x, y


TASKS = {"lm": language_model, "regressor": regressor}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--hidden", nargs="+", type=int, default=[200, 400, 512, 640, 650]
    )
    parser.add_argument("--task", default="lm", choices=sorted(TASKS))
    parser.add_argument("--cell", default="lstm", choices=["lstm", "peephole", "gru"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3)
    arguments = parser.parse_args()
    if keras.backend.backend() != "tensorflow":  # JAX: jit_compile=False is eager
        raise SystemExit("xla_sizes.py compares XLA on TensorFlow only.")
    print(
        f"# {platform.machine()}, Python {platform.python_version()}, Keras "
        f"{keras.__version__} ({keras.backend.backend()} backend)\n"
    )
    name = f"{arguments.cell}_{arguments.task}"
    print(f"| {name} hidden | step ms | whole step XLA ms | whole-step XLA speed-up |")
    print("|---:|---:|---:|---:|")
    for hidden in arguments.hidden:
        calls = {}
        for jit_compile in (False, True):
            # The same batch for both: the same seed.
            model, x, y = TASKS[arguments.task](name, hidden, np.random.default_rng(0))
            model.compile(jit_compile=jit_compile)
            calls[jit_compile] = functools.partial(model.train_on_batch, x, y)
        ms = interleaved_medians(calls, arguments.steps, arguments.rounds)
        print(
            f"| {hidden} | {ms[False]:.1f} | {ms[True]:.1f} | "
            f"{ms[False] / ms[True]:.2f}x |",
            flush=True,
        )
        keras.backend.clear_session()


if __name__ == "__main__":
    main()

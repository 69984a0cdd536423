"""Training-step speed of every zoo cell against Keras's recurrent layers and the
matrix-product roofline, measured in one process.

    python benchmarks/cells.py [--shapes small_lm medium_lm classifier] [--rounds 5]

For each shape it builds the same model around each recurrent layer, times
`train_on_batch` (the median over --rounds interleaved rounds of --steps steps each,
after a warm-up: see timing.py), and
prints one table: ms/step, tokens/s, speed relative to `keras.layers.LSTM`, and the
fraction of the roofline (the model's floating-point work at the rate this machine
reaches on one large matrix product). A batch-1 inference step (one token through
the stack, the generation workload) is timed with `predict_on_batch`. The XLA column
says whether the training step was compiled with XLA: Keras's default for Keras's
layers, the zoo's (`zoo.layers.xla_speeds_up_training`) for the zoo's.
"""

import argparse
import functools
import platform

import keras
import numpy as np

try:
    import torch_benchmarks
except ImportError:  # PyTorch is optional: its rows appear only when it is installed.
    torch_benchmarks = None

from timing import interleaved_medians

from zoo import cells
from zoo.layers import Recurrent, xla_speeds_up_training

SHAPES = {
    # Zaremba et al. 2014 small and medium PTB language models.
    "small_lm": dict(batch=20, time=20, hidden=200, vocabulary=10_000, layers=2),
    "medium_lm": dict(batch=20, time=35, hidden=650, vocabulary=10_000, layers=2),
    # A many-to-one classifier on 256 features per step, no vocabulary.
    "classifier": dict(
        batch=64, time=200, hidden=256, vocabulary=None, classes=2, layers=1
    ),
}

# name -> (make a recurrent layer for hidden size H, gate matrices per step (G / H)).
LAYERS = {
    "keras LSTM": (lambda h: keras.layers.LSTM(h, return_sequences=True), 4),
    # Forced XLA (rows named ", XLA"), to show what it does to Keras's own loop.
    "keras LSTM, XLA": (lambda h: keras.layers.LSTM(h, return_sequences=True), 4),
    "keras GRU": (lambda h: keras.layers.GRU(h, return_sequences=True), 3),
    "keras SimpleRNN": (lambda h: keras.layers.SimpleRNN(h, return_sequences=True), 1),
    # The default: cuDNN on a GPU, the hand-written BPTT elsewhere, compiled with
    # XLA where zoo.layers.xla_speeds_up_training says so.
    "zoo LSTM": (lambda h: Recurrent(cells.LSTMCell(h), return_sequences=True), 4),
    # The same without XLA for the whole step (rows named ", no XLA"), to measure
    # what it gives; the LSTM family's BPTT loops compile with XLA either way.
    "zoo LSTM, no XLA": (
        lambda h: Recurrent(cells.LSTMCell(h), return_sequences=True),
        4,
    ),
    # The hand-written BPTT on any host (on a CPU the same as "zoo LSTM").
    "zoo LSTM, hand-written BPTT": (
        lambda h: Recurrent(cells.LSTMCell(h), return_sequences=True, use_cudnn=False),
        4,
    ),
    # The same cell differentiated through its loop, to measure the hand-written BPTT.
    "zoo LSTM, autodiff loop": (
        lambda h: Recurrent(
            cells.LSTMCell(h),
            return_sequences=True,
            use_cudnn=False,
            explicit_bptt=False,
        ),
        4,
    ),
    "zoo GRU": (lambda h: Recurrent(cells.GRUCell(h), return_sequences=True), 3),
    "zoo Elman": (lambda h: Recurrent(cells.ElmanCell(h), return_sequences=True), 1),
    "zoo Jordan": (lambda h: Recurrent(cells.JordanCell(h), return_sequences=True), 2),
    "zoo peephole LSTM": (
        lambda h: Recurrent(cells.PeepholeLSTMCell(h), return_sequences=True),
        4,
    ),
    "zoo peephole LSTMP (P=H/2)": (
        lambda h: Recurrent(
            cells.PeepholeLSTMCell(h, projection_units=h // 2), return_sequences=True
        ),
        None,  # other FLOPs than [x, h] @ [W; U]: no roofline column
    ),
}


# Rows that force XLA on or off: a TensorFlow-only comparison.
XLA_ROWS = (", XLA", ", no XLA")


def build_model(make_layer, shape, batch, jit_compile="auto", for_training=True):
    """Embedding (or dense features) -> stacked recurrent layers -> softmax.

    jit_compile "auto" is Keras's choice, except that a model `for_training` takes
    the zoo's own rule (`zoo.layers.xla_speeds_up_training`, which zoo's task
    models apply to their training steps only)."""
    hidden, vocabulary = shape["hidden"], shape["vocabulary"]
    recurrent_layers = [make_layer(hidden) for _ in range(shape["layers"])]
    if (
        jit_compile == "auto"
        and for_training
        and xla_speeds_up_training(recurrent_layers)
    ):
        jit_compile = True  # the models here are unmasked
    if vocabulary:
        inputs = keras.Input(shape=(None,), batch_size=batch, dtype="int32")
        x = keras.layers.Embedding(vocabulary, hidden)(inputs)
    else:
        inputs = keras.Input(shape=(None, hidden), batch_size=batch)
        x = inputs
    for layer in recurrent_layers:
        x = layer(x)  # (B, T, H)
    if vocabulary:
        outputs = keras.layers.Dense(vocabulary)(x)  # (B, T, V) logits
    else:
        outputs = keras.layers.Dense(shape["classes"])(
            x[:, -1]
        )  # (B, classes) from the last step
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def make_batch(shape, rng):
    """One batch of the shape: token ids and next tokens, or features and labels."""
    batch, time_steps = shape["batch"], shape["time"]
    if shape["vocabulary"]:
        x = rng.integers(
            0, shape["vocabulary"], size=(batch, time_steps), dtype="int32"
        )
        y = rng.integers(
            0, shape["vocabulary"], size=(batch, time_steps), dtype="int32"
        )
    else:
        x = rng.normal(size=(batch, time_steps, shape["hidden"])).astype("float32")
        y = rng.integers(0, shape["classes"], size=(batch,), dtype="int32")
    return x, y


def training_flops(shape, gates):
    """Multiply-adds x 2 of one training step (forward + 2x for the backward pass):
    per layer, [x_t, h_{t-1}] @ [W; U] for `gates` gate blocks of size H, and the
    output layer. Elementwise gate work is not counted."""
    b, t, h = shape["batch"], shape["time"], shape["hidden"]
    recurrent = shape["layers"] * 2 * b * t * (2 * h) * (gates * h)
    if shape["vocabulary"]:
        output = 2 * b * t * h * shape["vocabulary"]  # softmax at every step
    else:
        output = 2 * b * h * shape["classes"]  # from the last step
    return 3 * (recurrent + output)


def roofline_ms(shape, gates, rate):
    return None if gates is None else training_flops(shape, gates) / rate * 1e3


def matmul_rate(rounds, size):
    """FLOP/s of this machine on one large float32 matrix product."""
    a = keras.random.normal((size, size))
    b = keras.random.normal((size, size))

    def product():
        keras.ops.convert_to_numpy(keras.ops.matmul(a, b)[0, 0])

    ms = interleaved_medians({"matmul": product}, steps=5, rounds=rounds)["matmul"]
    return 2 * size**3 / (ms / 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--layers", nargs="+", default=list(LAYERS), choices=LAYERS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3)
    # Keras's default, "auto": XLA on JAX (False would run JAX eagerly, step by step)
    # and on a TensorFlow GPU, plain tf.function graphs on a TensorFlow CPU.
    parser.add_argument(
        "--jit",
        action="store_const",
        const=True,
        default="auto",
        help="compile every model with XLA (jit_compile=True) on every backend",
    )
    parser.add_argument(
        "--matmul-size",
        type=int,
        default=2048,
        help="side of the square product that sets the roofline rate (8192 on a GPU)",
    )
    arguments = parser.parse_args()

    rng = np.random.default_rng(0)
    rate = matmul_rate(arguments.rounds, arguments.matmul_size)
    print(
        f"# {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, Keras {keras.__version__} "
        f"({keras.backend.backend()} backend); large matmul: {rate / 1e9:.0f} GFLOP/s"
    )
    for shape_name in arguments.shapes:
        shape = SHAPES[shape_name]
        x, y = make_batch(shape, rng)
        one_token = x[:1, :1]
        train_calls, infer_calls, gates, xla = {}, {}, {}, {}
        for layer_name in arguments.layers:
            if (
                layer_name.endswith(XLA_ROWS)
                and keras.backend.backend() != "tensorflow"
            ):
                continue  # elsewhere "auto" is XLA already, and False runs eagerly
            make_layer, gates[layer_name] = LAYERS[layer_name]
            jit_compile = row_jit_compile(layer_name, arguments.jit)
            model = build_model(make_layer, shape, shape["batch"], jit_compile)
            step_model = build_model(
                make_layer, shape, 1, jit_compile, for_training=False
            )
            xla[layer_name] = model.jit_compile
            train_calls[layer_name] = functools.partial(model.train_on_batch, x, y)
            infer_calls[layer_name] = functools.partial(
                step_model.predict_on_batch, one_token
            )
        if torch_benchmarks is not None:
            for layer_name, layer_gates in (("torch nn.LSTM", 4), ("torch nn.GRU", 3)):
                gates[layer_name] = layer_gates
                train, infer = torch_benchmarks.make_calls(layer_name, shape, x, y)
                train_calls[layer_name], infer_calls[layer_name] = train, infer
        train_ms = interleaved_medians(train_calls, arguments.steps, arguments.rounds)
        infer_ms = interleaved_medians(
            infer_calls, 5 * arguments.steps, arguments.rounds
        )
        rows = [
            (
                name,
                xla.get(name),  # None for PyTorch
                train_ms[name],
                roofline_ms(shape, gates[name], rate),
                infer_ms[name],
            )
            for name in train_calls
        ]
        print_table(shape_name, shape, rows)
        keras.backend.clear_session()
    if "medium_lm" in arguments.shapes and "zoo Jordan" in arguments.layers:
        print_teacher_forcing(SHAPES["medium_lm"], rng, arguments)


def print_teacher_forcing(shape, rng, arguments):
    """A one-layer Jordan cell trained teacher-forced vs step by step, inside the
    language model (the 10k-way softmax included) and alone (MSE on its outputs)."""
    x, y = make_batch(shape, rng)
    batch, hidden = shape["batch"], shape["hidden"]
    previous = rng.normal(size=(batch, shape["time"], hidden)).astype("float32")
    features = rng.normal(size=(batch, shape["time"], hidden)).astype("float32")
    calls = {}
    for mode in ("loop", "teacher-forced"):
        for setting in ("language model", "layer alone"):
            previous_outputs = keras.Input(shape=(None, hidden), batch_size=batch)
            if setting == "language model":
                inputs = keras.Input(shape=(None,), batch_size=batch, dtype="int32")
                x_in = keras.layers.Embedding(shape["vocabulary"], hidden)(inputs)
            else:
                inputs = keras.Input(shape=(None, hidden), batch_size=batch)
                x_in = inputs
            layer = Recurrent(cells.JordanCell(hidden), return_sequences=True)
            if mode == "loop":
                outputs = layer(x_in)
            else:
                outputs = layer(x_in, previous_outputs=previous_outputs)
            if setting == "language model":
                outputs = keras.layers.Dense(shape["vocabulary"])(outputs)
                loss, data = "sparse_categorical_crossentropy", ([x, previous], y)
            else:
                loss, data = "mean_squared_error", ([features, previous], previous)
            model = keras.Model([inputs, previous_outputs], outputs)
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
            calls[(setting, mode)] = functools.partial(model.train_on_batch, *data)
    timings = interleaved_medians(calls, arguments.steps, arguments.rounds)
    print(
        f"\n## Jordan teacher forcing, one layer of H={hidden}, B={batch}, "
        f"T={shape['time']}\n"
    )
    print("| train step | loop ms | teacher-forced ms | speed-up |")
    print("|---|---:|---:|---:|")
    for setting in ("language model", "layer alone"):
        loop, forced = timings[(setting, "loop")], timings[(setting, "teacher-forced")]
        print(f"| {setting} | {loop:.1f} | {forced:.1f} | {loop / forced:.1f}x |")


def row_jit_compile(layer_name, requested):
    """Rows named ", XLA" / ", no XLA" force XLA on / off (in training and
    inference); --jit forces it on for the others, which otherwise take
    build_model's "auto"."""
    if layer_name.endswith(", no XLA"):
        return False
    if requested is True or layer_name.endswith(", XLA"):
        return True
    return "auto"


def print_table(shape_name, shape, rows):
    reference = dict((name, ms) for name, _, ms, _, _ in rows).get("keras LSTM")
    reference_infer = dict((name, ms) for name, *_, ms in rows).get("keras LSTM")
    tokens = shape["batch"] * shape["time"]
    print(f"\n## {shape_name}: {shape}\n")
    print(
        "| layer | XLA | train ms/step | tokens/s | vs keras LSTM | roofline ms | "
        "of roofline | batch-1 step ms | vs keras LSTM |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, xla, ms, roofline, infer_ms in rows:
        xla_cell = "-" if xla is None else ("yes" if xla else "no")
        speedup = f"{reference / ms:.2f}x" if reference else "-"
        infer_speedup = f"{reference_infer / infer_ms:.2f}x" if reference_infer else "-"
        roofline_cells = (
            f"{roofline:.1f} | {roofline / ms:.0%}" if roofline is not None else "- | -"
        )
        print(
            f"| {name} | {xla_cell} | {ms:.1f} | {tokens / ms * 1e3:,.0f} | "
            f"{speedup} | {roofline_cells} | {infer_ms:.2f} | {infer_speedup} |"
        )


if __name__ == "__main__":
    main()

"""The LSTM family's hand-written backpropagation through time (zoo.cells.lstm_bptt)
gives the numbers autodiff through the loop gives, and is used exactly where it
applies. Layers are built with `use_cudnn=False`: on a GPU host the LSTM would take
cuDNN's kernel instead of either loop."""

import keras
import numpy as np
import pytest

from tests.autodiff import loss_and_gradients
from zoo import cells
from zoo.cells.compiled_scan import MAX_UNITS, only_cpus
from zoo.layers import Recurrent

BATCH, TIME, FEATURES = 3, 7, 4

# name -> (cell, layer options), every option of the explicit path.
CONFIGURATIONS = {
    "lstm": (lambda: cells.LSTMCell(5), {}),
    "lstm_backwards": (lambda: cells.LSTMCell(5), {"go_backwards": True}),
    "lstm_recurrent_dropout": (
        lambda: cells.LSTMCell(5, dropout=0.2, recurrent_dropout=0.4, seed=3),
        {},
    ),
    "peephole": (lambda: cells.PeepholeLSTMCell(5), {}),
    "peephole_clip_projection": (
        lambda: cells.PeepholeLSTMCell(5, cell_clip=0.4, projection_units=3),
        {},
    ),
    "plain_peephole_cell": (
        lambda: cells.PeepholeLSTMCell(5, use_peepholes=False),
        {"go_backwards": True},
    ),
    "lstm_float64": (lambda: cells.LSTMCell(5, dtype="float64"), {}),
}


def _twin_layers(make_cell, **options):
    """The same cell and weights in a layer with and one without explicit BPTT."""
    layers = [
        Recurrent(
            make_cell(),
            return_sequences=True,
            return_state=True,
            use_cudnn=False,
            explicit_bptt=explicit,
            **options,
        )
        for explicit in (True, False)
    ]
    for layer in layers:
        layer.build((BATCH, TIME, FEATURES))
    rng = np.random.default_rng(0)
    weights = [rng.uniform(-0.8, 0.8, w.shape) for w in layers[0].get_weights()]
    for layer in layers:
        layer.set_weights(weights)
    return layers


def _loss(outputs):
    """A loss that weighs every output step and the last memory cell differently."""
    sequence, _, last_cell = outputs  # (B, T, P), (B, P), (B, H)
    step_weights = np.linspace(-1.0, 2.0, TIME * sequence.shape[-1], dtype="float32")
    return keras.ops.sum(sequence * step_weights.reshape(TIME, -1)) + keras.ops.sum(
        last_cell**2
    )


def _spy_on_explicit_bptt(layer):
    """Records each run of the cell's hand-written BPTT in `layer`."""
    calls = []
    original = layer.cell.explicit_bptt_sequence

    def spy(*args):
        calls.append("used")
        return original(*args)

    layer.cell.explicit_bptt_sequence = spy
    return calls


# Compiled: traced as in a training step, where TensorFlow compiles the loops with
# XLA (zoo/cells/compiled_scan.py); eager: the same loops run op by op. (JAX's scans
# are compiled in both.)
@pytest.mark.parametrize(
    "compiled",
    [
        False,
        pytest.param(
            True,
            marks=pytest.mark.skipif(
                keras.backend.backend() != "tensorflow",
                reason="JAX compiles its scans eagerly too",
            ),
        ),
    ],
    ids=["eager", "compiled"],
)
@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_gradients_equal_autodiff_through_the_loop(name, compiled):
    make_cell, options = CONFIGURATIONS[name]
    explicit, autodiff = _twin_layers(make_cell, **options)
    calls = _spy_on_explicit_bptt(explicit)
    inputs = np.random.default_rng(1).normal(size=(BATCH, TIME, FEATURES))
    inputs = inputs.astype("float32")
    loss_e, weights_e, inputs_e = loss_and_gradients(
        explicit, inputs, _loss, True, compiled
    )
    assert calls == ["used"]
    loss_a, weights_a, inputs_a = loss_and_gradients(
        autodiff, inputs, _loss, True, compiled
    )
    np.testing.assert_allclose(loss_e, loss_a, rtol=1e-5)
    np.testing.assert_allclose(inputs_e, inputs_a, rtol=1e-4, atol=1e-5)
    assert len(weights_e) == len(weights_a)
    for grad_e, grad_a in zip(weights_e, weights_a, strict=True):
        np.testing.assert_allclose(grad_e, grad_a, rtol=1e-4, atol=1e-5)
    clip = getattr(explicit.cell, "cell_clip", None)
    if clip is not None:  # the clip is active: some memory cells sit at the bound
        _, _, last_cell = explicit(inputs, training=True)
        assert np.any(np.isclose(np.abs(keras.ops.convert_to_numpy(last_cell)), clip))


def test_initial_state_gradients_equal_autodiff():
    explicit, autodiff = _twin_layers(
        lambda: cells.PeepholeLSTMCell(5, projection_units=3)
    )
    calls = _spy_on_explicit_bptt(explicit)
    rng = np.random.default_rng(2)
    inputs = rng.normal(size=(BATCH, TIME, FEATURES)).astype("float32")
    state = [
        keras.ops.convert_to_tensor(rng.normal(size=(BATCH, size)).astype("float32"))
        for size in (3, 5)
    ]
    results = []
    for layer in (explicit, autodiff):
        # The state gradients: the initial state as a trainable-free input.
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                tape.watch(state)
                loss = _loss(layer(inputs, initial_state=state, training=True))
            results.append(tape.gradient(loss, state))
        else:
            import jax

            def loss_of(state, layer=layer):
                return _loss(layer(inputs, initial_state=list(state), training=True))

            results.append(jax.grad(loss_of)(tuple(state)))
    assert calls == ["used"]
    for grad_e, grad_a in zip(*results, strict=True):
        np.testing.assert_allclose(grad_e, grad_a, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "make_cell, options, call_options, used",
    [
        (lambda: cells.LSTMCell(5), {}, {}, True),
        (lambda: cells.LSTMCell(5), {}, {"training": False}, False),  # inference
        (lambda: cells.LSTMCell(5), {"unroll": True}, {}, False),
        (lambda: cells.LSTMCell(5), {}, {"mask": True}, False),
        (lambda: cells.LSTMCell(5), {"explicit_bptt": False}, {}, False),
        (lambda: cells.LSTMCell(5, activation="relu"), {}, {}, False),
        (
            lambda: cells.PeepholeLSTMCell(5, recurrent_activation="hard_sigmoid"),
            {},
            {},
            False,
        ),
        (
            lambda: cells.LSTMCell(5, dtype="mixed_float16"),
            {"dtype": "mixed_float16"},
            {},
            False,
        ),
        (lambda: cells.GRUCell(5), {}, {}, False),  # no hand-written BPTT
    ],
)
def test_used_exactly_where_it_applies(make_cell, options, call_options, used):
    options = {"use_cudnn": False, **options}
    layer = Recurrent(make_cell(), return_sequences=True, **options)
    reference = Recurrent(
        make_cell(), return_sequences=True, **{**options, "explicit_bptt": False}
    )
    inputs = np.random.default_rng(3).normal(size=(BATCH, TIME, FEATURES))
    inputs = inputs.astype("float32")
    kwargs = {"training": call_options.get("training", True)}
    if call_options.get("mask"):
        kwargs["mask"] = np.arange(TIME)[None, :] < np.array([[7], [4], [2]])
    reference(inputs, **kwargs)
    layer(inputs, **kwargs)  # build before the spy: weights made, then compare
    layer.set_weights(reference.get_weights())
    calls = _spy_on_explicit_bptt(layer)
    outputs = layer(inputs, **kwargs)
    assert calls == (["used"] if used else [])
    sixteen_bit = "16" in layer.cell.dtype_policy.name
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(outputs).astype("float32"),
        keras.ops.convert_to_numpy(reference(inputs, **kwargs)).astype("float32"),
        rtol=1e-2 if sixteen_bit else 1e-5,
        atol=1e-2 if sixteen_bit else 1e-6,
    )


@pytest.mark.parametrize(
    "dtype, supported",
    [
        ("float32", True),
        ("float64", True),
        ("mixed_bfloat16", False),
        # 16-bit throughout: the loop keeps the memory cell in float32 instead.
        ("bfloat16", False),
        ("float16", False),
    ],
)
def test_only_32_and_64_bit_policies_take_the_explicit_path(dtype, supported):
    assert cells.LSTMCell(5, dtype=dtype).supports_explicit_bptt() is supported
    assert cells.PeepholeLSTMCell(5, dtype=dtype).supports_explicit_bptt() is supported


def _xla_functions_in_traced_gradient(units, features=FEATURES):
    """How many XLA-compiled functions TensorFlow's traced graph of the gradient of
    an LSTM layer of `units` holds. `_XlaMustCompile` is the attribute
    `tf.function(jit_compile=True)` sets on its function (a TensorFlow internal)."""
    import tensorflow as tf

    layer = Recurrent(cells.LSTMCell(units), return_sequences=True, use_cudnn=False)
    inputs = tf.zeros((BATCH, TIME, features))
    layer(inputs)

    def gradients(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x, training=True))
        return tape.gradient(loss, layer.trainable_variables)

    graph = tf.function(gradients).get_concrete_function(inputs).graph
    functions = graph.as_graph_def().library.function
    return sum(f.attr["_XlaMustCompile"].b for f in functions)


ON_A_TENSORFLOW_CPU = keras.backend.backend() == "tensorflow" and only_cpus()


@pytest.mark.skipif(
    not ON_A_TENSORFLOW_CPU,
    reason="the loops compile with XLA on a TensorFlow CPU only (JAX: always)",
)
def test_tensorflow_compiles_both_loops_with_xla_when_tracing(monkeypatch):
    assert _xla_functions_in_traced_gradient(5) == 2  # forward and backward loop
    assert _xla_functions_in_traced_gradient(MAX_UNITS) == 2
    # Above MAX_UNITS the uncompiled loops were faster; the switch turns it off.
    assert _xla_functions_in_traced_gradient(MAX_UNITS + 1) == 0
    monkeypatch.setenv("RNN_ZOO_XLA_LOOPS", "0")
    assert _xla_functions_in_traced_gradient(5) == 0

"""Mixed precision trains every task model (float32 outputs, loss scaling for
float16), and XLA compiles the training step to the numbers of the plain one."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo
from tasks import training
from zoo.models import caption_vocabulary

VOCABULARY = 12
# The zoo chooses XLA for training on a host without a GPU (tasks keep it off on one).
CHOOSES_XLA = not tf.config.list_logical_devices("GPU")


def _cycle_batch():
    """Token sequences that repeat a cycle of the vocabulary: learnable to near
    certainty by any working recurrent model (next token = current + 1)."""
    starts = np.arange(16) % VOCABULARY
    tokens = (starts[:, None] + np.arange(11)[None, :]) % VOCABULARY  # (16, 11)
    return tokens[:, :-1], tokens[:, 1:]


def _build(name, policy, jit_compile=False, **arguments):
    keras.utils.set_random_seed(0)
    strategy = tf.distribute.get_strategy()
    with training.precision(policy), strategy.scope():
        model = zoo.build(name, **arguments)
        training.compile_for_training(model, strategy, jit_compile=jit_compile)
    return model


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_language_model_trains_in_mixed_precision(policy, record_result):
    lm = _build(
        "lstm_lm",
        policy,
        vocabulary_size=VOCABULARY,
        hidden_dim=32,
        num_layers=1,
        optimizer="adam",
        learning_rate=0.01,
    )
    assert keras.config.dtype_policy().name == "float32"  # restored afterwards
    x, y = _cycle_batch()
    assert lm.layers[1].compute_dtype == policy.removeprefix("mixed_")
    assert lm(x).dtype == "float32"  # logits
    if policy == "mixed_float16":  # dynamic loss scaling, clipping inside it
        assert isinstance(lm.optimizer, keras.optimizers.LossScaleOptimizer)
    history = lm.fit(x, y, batch_size=16, epochs=60, verbose=0).history
    first, last = history["loss"][0], history["loss"][-1]
    record_result(f"{policy}: cycle LM loss {first:.4f} -> {last:.4f}")
    assert history["loss"][-1] < 0.1  # from ln(12) = 2.48
    assert np.isfinite(history["gradient_norm"]).all()
    # Generation (padded prompts, a mask) runs in the model's precision too.
    prompts = [[3, 4, 5], [7, 8]]
    continued = lm.generate(prompts, 8, sampler="greedy")  # 5 new tokens per row
    expected = [
        [(prompt[0] + step) % VOCABULARY for step in range(len(prompt) + 5)]
        for prompt in prompts
    ]
    assert [list(row) for row in continued] == expected


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_sequence_regressor_trains_in_mixed_precision(policy):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 10, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)  # the sum of the first feature over time
    model = _build("lstm_regressor", policy, input_dim=2, hidden_dim=16, num_layers=1)
    assert model(x).dtype == "float32"
    history = model.fit(x, y, batch_size=16, epochs=40, verbose=0).history
    assert history["loss"][-1] < 0.2 * history["loss"][0]


@pytest.mark.parametrize(
    "name, options",
    [
        ("lstm_lm", {}),
        # The hand-written BPTT's other branches, a stateful model (the default
        # job's), and an autodiff loop. (Not dropout: TensorFlow's stateless random
        # ops draw other numbers under XLA from the same seed.)
        ("peephole_lm", {"cell_options": {"cell_clip": 0.5, "projection_units": 8}}),
        ("lstm_lm", {"stateful": True, "batch_size": 8}),
        ("gru_lm", {}),
    ],
)
def test_xla_compiles_the_step_and_matches_the_plain_step(name, options):
    x, y = _cycle_batch()
    arguments = dict(vocabulary_size=VOCABULARY, hidden_dim=16, num_layers=2)
    weights = []
    for jit_compile in (False, True):
        lm = _build(name, "float32", jit_compile=jit_compile, **arguments, **options)
        lm.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        assert lm.jit_compile is jit_compile
        weights.append(lm.get_weights())
    for plain, compiled in zip(*weights, strict=True):
        np.testing.assert_allclose(compiled, plain, rtol=1e-4, atol=1e-5)


def test_auto_trains_with_the_zoo_choice():
    """Under XLA, dropout draws other random numbers than the plain step from the
    same seed, so the weights after training tell which step ran: with the tasks'
    default ("auto") on a CPU, the XLA step (zoo.layers.xla_speeds_up_training)."""
    x, y = _cycle_batch()
    arguments = dict(vocabulary_size=VOCABULARY, hidden_dim=16, dropout=0.3)
    weights = {}
    for jit_compile in (False, True, "auto"):
        lm = _build("lstm_lm", "float32", jit_compile=jit_compile, **arguments)
        lm.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights[jit_compile] = lm.get_weights()

    def same(first, second):
        return all(
            np.allclose(a, b, rtol=1e-4, atol=1e-5)
            for a, b in zip(first, second, strict=True)
        )

    assert same(weights["auto"], weights[CHOOSES_XLA])
    assert not same(weights["auto"], weights[not CHOOSES_XLA])


def test_language_models_choose_xla_on_one_device_only():
    """The zoo's own XLA choice stays off under a strategy, as Keras's "auto" does."""
    arguments = dict(vocabulary_size=VOCABULARY, hidden_dim=16)
    lm = _build("lstm_lm", "float32", jit_compile="auto", **arguments)
    assert lm.trains_with_xla is CHOOSES_XLA
    strategy = training.get_strategy("mirrored")
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        lm = zoo.build("lstm_lm", **arguments, stateful=False)
        training.compile_for_training(lm, strategy)
    assert lm.trains_with_xla is False


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_captioner_learns_in_mixed_precision_with_scheduled_sampling(policy):
    """Solid-colour images captioned by their colour: learnt in 16-bit compute,
    through the scheduled-sampling loop, and decoded (greedy and beam)."""
    colours = {"red": (230, 20, 20), "green": (20, 200, 40), "blue": (30, 60, 230)}
    captions = [f"a {name} image" for name in colours for _ in range(8)]
    images = np.stack(
        [np.full((8, 8, 3), colours[c.split()[1]], "float32") for c in captions]
    )
    model = _build(
        "gru_captioner",
        policy,
        vocabulary=caption_vocabulary(captions),
        image_shape=(8, 8, 3),
        image_dim=16,
        hidden_dim=16,
        learning_rate=0.003,
        scheduled_sampling="linear",
        sampling_slope=0.01,
        sampling_minimum=0.5,
    )
    inputs, targets = model.caption_pairs(captions)
    assert model({"image": images, "token_ids": inputs}).dtype == "float32"
    history = model.fit(
        {"image": images, "token_ids": inputs}, targets, batch_size=8, epochs=60,
        verbose=0,
    ).history  # fmt: skip
    assert history["loss"][-1] < 0.3  # from ln(8) = 2.08
    firsts = images[[0, 8, 16]]
    expected = [f"a {name} image" for name in colours]
    assert model.caption(firsts) == expected
    assert model.caption(firsts, "beam", num_beams=3) == expected

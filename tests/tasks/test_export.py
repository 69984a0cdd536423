"""`rnn-zoo export`: a trained language model as a SavedModel that a fresh process
importing only TensorFlow loads and serves with the model's own numbers."""

import json
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

import zoo
from tasks.export import export_language_model
from zoo.vocabulary import Vocabulary

TEXT = "abcdefgh\nhgfedcba\n" * 30
SCORED = ["abcdefgh", "hgf", "ab\nhg", "a"]
PROMPTS = ["abc", "hgfe", "d"]
MAX_LENGTH = 9


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    vocabulary = Vocabulary(sorted(set(TEXT)), level="char")
    lm = zoo.build(
        "lstm_lm",
        vocabulary=vocabulary,
        hidden_dim=16,
        num_layers=2,
        optimizer="adam",
        learning_rate=0.01,
    )
    lm.compile()
    ids = np.array(vocabulary.encode(TEXT))
    windows = np.stack([ids[i : i + 11] for i in range(0, len(ids) - 11, 3)])
    lm.fit(windows[:, :-1], windows[:, 1:], batch_size=16, epochs=15, verbose=0)
    return lm


@pytest.fixture(scope="module")
def exported(trained, tmp_path_factory):
    return export_language_model(trained, tmp_path_factory.mktemp("export") / "lm")


# Runs in a fresh interpreter: tensorflow (and numpy) only.
FRESH_PROCESS = """
import json, sys
import numpy as np
import tensorflow as tf

model = tf.saved_model.load(sys.argv[1])
scored = json.loads(sys.argv[2])
prompts = json.loads(sys.argv[3])
score = model.signatures["score"](text=tf.constant(scored))
generated = model.signatures["generate"](
    prompt=tf.constant(prompts), max_length=tf.constant(int(sys.argv[4])),
    temperature=tf.constant(0.0), seed=tf.constant(0),
)
step = model.signatures["step"]
states = {
    name: tf.zeros([1, spec.shape[1]])
    for name, spec in step.structured_input_signature[1].items()
    if name.startswith("state_")
}
ids = json.loads(sys.argv[5])
chained = []
for token in ids:
    out = step(token_ids=tf.constant([token], tf.int32), **states)
    chained.append(out["logits"].numpy()[0].tolist())
    states = {name: out[name] for name in states}
print(json.dumps({
    "log_probs": score["log_probs"].numpy().tolist(),
    "lengths": score["lengths"].numpy().tolist(),
    "perplexity": score["perplexity"].numpy().tolist(),
    "text": [t.decode() for t in generated["text"].numpy()],
    "chained_logits": chained,
    "modules": sorted(m for m in ("zoo", "tasks", "tuning") if m in sys.modules),
}))
"""


def _keras_scores(lm, text):
    ids = np.array(lm.encode(text))
    logits = lm.predict(ids[None, :-1], verbose=0)[0]  # (T-1, V)
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return log_probs[np.arange(len(ids) - 1), ids[1:]]


def test_a_fresh_tensorflow_process_serves_the_models_numbers(trained, exported):
    sequence = trained.encode("abcdefgh\nh")
    result = subprocess.run(
        [
            sys.executable, "-c", FRESH_PROCESS, str(exported), json.dumps(SCORED),
            json.dumps(PROMPTS), str(MAX_LENGTH), json.dumps(sequence),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["modules"] == []  # no zoo, tasks or tuning there

    for row, text in enumerate(SCORED):
        expected = _keras_scores(trained, text)
        length = len(expected)
        assert served["lengths"][row] == length
        got = np.array(served["log_probs"][row])
        np.testing.assert_allclose(got[:length], expected, atol=1e-5)
        assert not got[length:].any()  # padding scores 0
        if length:
            np.testing.assert_allclose(
                served["perplexity"][row], np.exp(-expected.mean()), rtol=1e-5
            )
    assert np.isnan(served["perplexity"][SCORED.index("a")])  # nothing to score

    assert served["text"] == trained.generate(PROMPTS, MAX_LENGTH, sampler="greedy")

    full = trained.predict(np.array(sequence)[None, :], verbose=0)[0]  # (T, V)
    np.testing.assert_allclose(served["chained_logits"], full, atol=1e-5)


def test_saved_model_cli_lists_the_signatures(exported):
    executable = shutil.which("saved_model_cli")
    assert executable, "saved_model_cli (installed with tensorflow) is missing"
    shown = subprocess.run(
        [executable, "show", "--dir", str(exported), "--all"],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    for name in ("serving_default", "score", "step", "generate"):
        assert f"signature_def['{name}']" in shown.stdout
    for argument in ("text", "token_ids", "state_0", "prompt", "max_length"):
        assert f"inputs['{argument}']" in shown.stdout


def test_a_session_loader_serves_it_as_tf_serving_would(trained, exported):
    """`saved_model_cli run` loads the SavedModel into a TF1 session, as TF
    Serving's C++ loader does (not tf.saved_model.load)."""
    ran = subprocess.run(
        [
            shutil.which("saved_model_cli"), "run", "--dir", str(exported),
            "--tag_set", "serve", "--signature_def", "score",
            "--input_exprs", 'text=["abcdefgh"]',
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    printed = ran.stdout.split("Result for output key perplexity:")[1].split()[0]
    expected = np.exp(-_keras_scores(trained, "abcdefgh").mean())
    np.testing.assert_allclose(float(printed.strip("[]")), expected, rtol=1e-5)


def test_the_graph_holds_no_cudnn_op(exported):
    saved_model = saved_model_pb2.SavedModel()
    saved_model.ParseFromString((exported / "saved_model.pb").read_bytes())
    graph = saved_model.meta_graphs[0].graph_def
    ops = {node.op for node in graph.node}
    for function in graph.library.function:
        ops |= {node.op for node in function.node_def}
    assert "MatMul" in ops or "BatchMatMulV2" in ops  # the scan found the model
    assert not [op for op in ops if "cudnn" in op.lower()]


def test_bad_input_gets_a_clear_error_or_a_defined_result(exported):
    model = tf.saved_model.load(str(exported))
    generate, score = model.signatures["generate"], model.signatures["score"]

    def call_generate(prompt, max_length=MAX_LENGTH, temperature=0.0, seed=0):
        return generate(
            prompt=tf.constant(prompt),
            max_length=tf.constant(max_length),
            temperature=tf.constant(temperature),
            seed=tf.constant(seed),
        )

    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a string"):
        score(text=tf.constant([1, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one token"):
        call_generate(["abc", ""])
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one prompt"):
        call_generate(tf.zeros([0], tf.string))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must exceed the longest"):
        call_generate(["abcdefgh"], max_length=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must exceed the longest"):
        call_generate(["abc"], max_length=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="temperature must be 0"):
        call_generate(["abc"], temperature=-0.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="outside the model"):
        score(text=tf.constant(["abz"]))  # z is not in the vocabulary
    empty = score(text=tf.constant([""]))
    assert empty["lengths"].numpy().tolist() == [0]
    assert np.isnan(empty["perplexity"].numpy()[0])
    # Sampling is seeded: the same seed, the same text.
    # (A high temperature: the trained model is nearly certain of its text.)
    first, again, other = (
        call_generate(["ab"], 20, temperature=5.0, seed=seed)["text"].numpy().tolist()
        for seed in (7, 7, 8)
    )
    assert first == again and other != first


def test_export_refuses_an_existing_version_folder(trained, exported):
    with pytest.raises(ValueError, match="already exists"):
        export_language_model(trained, exported.parent)


def test_word_level_tied_model_with_unknown_token(tmp_path):
    """Words split on whitespace, unknown words map to <unk>, and the tied output
    layer (the embedding transposed) serves the same numbers."""
    vocabulary = Vocabulary(
        ["the", "cat", "sat", "on", "mat", "<unk>"], level="word", unknown_token="<unk>"
    )
    keras.utils.set_random_seed(1)
    lm = zoo.build(
        "gru_lm", vocabulary=vocabulary, hidden_dim=8, num_layers=1, tie_weights=True
    )
    served = tf.saved_model.load(str(export_language_model(lm, tmp_path / "words")))
    # "dog" is unknown; words split on whatever Python's str.split() splits on.
    text = "the  cat sat\non\u00a0the\u3000dog"
    scores = served.signatures["score"](text=tf.constant([text]))
    np.testing.assert_allclose(
        scores["log_probs"].numpy()[0], _keras_scores(lm, text), atol=1e-5
    )
    # The second batch has one-token prompts: nothing to read before the loop.
    for prompts, max_length in ((["the cat", "mat"], 6), (["mat", "cat"], 4)):
        generated = served.signatures["generate"](
            prompt=tf.constant(prompts),
            max_length=tf.constant(max_length),
            temperature=tf.constant(0.0),
            seed=tf.constant(0),
        )["text"]
        expected = lm.generate(prompts, max_length, sampler="greedy")
        assert [t.decode() for t in generated.numpy()] == expected

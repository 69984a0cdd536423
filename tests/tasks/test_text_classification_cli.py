"""`rnn-zoo train / evaluate / predict / export` for classifiers, through the
installed console script: a task only a recurrent model solves (which keyword
comes first), figures recomputed from the model's own predictions, the exported
`classify` signature in a fresh TensorFlow-only process, and the errors raised
before any training starts."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tasks.text_classification import load_run
from tests.tasks.console import rnn_zoo as _run
from tests.tasks.console import rnn_zoo_here
from tests.tasks.run_folders import valid_accuracy, validation_history

FILLERS = "the a movie was really quite plot actor scene and but so".split()
SMALL_MODEL = ["--hidden-dim", "32", "--learning-rate", "0.01", "--seed", "0"]


def _keyword_order_texts(count, rng):
    """Label "before" when alpha comes before omega among 4 to 12 filler words. The
    keywords' capitals and punctuation (for the standardiser) are drawn apart from
    the label, so only the order tells the classes apart."""

    def decorated(word):
        case = rng.choice([str.lower, str.upper, str.title])
        return case(word) + rng.choice(["", ",", "!", "."])

    rows = []
    for _ in range(count):
        words = list(rng.choice(FILLERS, size=rng.integers(4, 13)))
        first, second = sorted(rng.choice(len(words) + 2, size=2, replace=False))
        before = bool(rng.integers(2))
        words.insert(first, decorated("alpha" if before else "omega"))
        words.insert(second, decorated("omega" if before else "alpha"))
        rows.append((" ".join(words), "before" if before else "after"))
    return rows


def _write_tsv(path, rows):
    path.write_text("text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in rows))
    return path


@pytest.fixture(scope="module")
def keyword_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keywords")
    rng = np.random.default_rng(0)
    return (
        _write_tsv(folder / "train.tsv", _keyword_order_texts(1500, rng)),
        _write_tsv(folder / "test.tsv", _keyword_order_texts(300, rng)),
    )


@pytest.fixture(scope="module")
def run_dir(keyword_files, tmp_path_factory):
    train, test = keyword_files
    folder = tmp_path_factory.mktemp("runs") / "keywords"
    result = _run(
        "train", "lstm_classifier", "--data", train, "--test-data", test,
        "--epochs", 15, "--output", folder, *SMALL_MODEL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "macro F1:" in result.stdout
    return folder


def test_train_writes_the_run_folder_and_learns_the_keyword_order(
    run_dir, record_result
):
    for name in (
        "model.keras",
        "run.json",
        "history.csv",
        "learning_curve.png",
        "evaluation.json",
        "confusion_matrix.png",
        "checkpoints/epoch_01.keras",
    ):
        assert (run_dir / name).is_file(), name
    run = json.loads((run_dir / "run.json").read_text())
    assert run["classes"] == ["after", "before"]
    assert run["examples"] == {"train": 1350, "valid": 150, "test": 300}
    evaluation = json.loads((run_dir / "evaluation.json").read_text())
    record_result(
        f"keyword order through the CLI: test accuracy {evaluation['accuracy']:.3f}"
    )
    assert evaluation["accuracy"] >= 0.95


def test_evaluation_figures_are_the_models_own(run_dir, keyword_files):
    result = _run("evaluate", run_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    evaluation = json.loads((run_dir / "evaluation.json").read_text())
    texts, labels = zip(
        *(line.split("\t") for line in keyword_files[1].read_text().splitlines()[1:]),
        strict=True,
    )
    classifier = load_run(run_dir)
    predicted = np.argmax(classifier.predict_proba(list(texts)), axis=-1)
    true = np.array([classifier.labels.index(label) for label in labels])
    assert evaluation["accuracy"] == pytest.approx(np.mean(predicted == true))
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (true, predicted), 1)
    assert evaluation["confusion_matrix"] == matrix.tolist()
    f1 = [2 * matrix[c, c] / (matrix[c].sum() + matrix[:, c].sum()) for c in range(2)]
    assert evaluation["macro_f1"] == pytest.approx(np.mean(f1))
    for c, name in enumerate(classifier.labels):
        row = evaluation["per_class"][name]
        assert row["support"] == matrix[c].sum()
        assert row["precision"] == pytest.approx(matrix[c, c] / matrix[:, c].sum())
        assert row["recall"] == pytest.approx(matrix[c, c] / matrix[c].sum())
    assert f"accuracy: {evaluation['accuracy']:.4f} (300 texts)" in result.stdout


def test_predict_prints_each_label_and_its_probabilities(run_dir):
    texts = ["the alpha movie omega", "OMEGA plot, the Alpha scene"]
    result = _run("predict", run_dir, *texts)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()[-2:]
    probabilities = load_run(run_dir).predict_proba(texts)
    for line, text, row in zip(lines, texts, probabilities, strict=True):
        label, scores, printed_text = line.split("\t")
        assert printed_text == text
        assert label == ["after", "before"][int(np.argmax(row))]
        assert scores == f"after={row[0]:.3f}  before={row[1]:.3f}"
    assert [line.split("\t")[0] for line in lines] == ["before", "after"]
    piped = _run("predict", run_dir, "-", input="\n".join(texts) + "\n")
    assert piped.stdout.strip().splitlines()[-2:] == lines


# Runs in a fresh interpreter: tensorflow (and numpy) only.
FRESH_PROCESS = """
import json, sys
import tensorflow as tf

model = tf.saved_model.load(sys.argv[1])
out = model.signatures["classify"](text=tf.constant(json.loads(sys.argv[2])))
print(json.dumps({
    "probabilities": out["probabilities"].numpy().tolist(),
    "label": [t.decode() for t in out["label"].numpy()],
    "label_names": [[t.decode() for t in row] for row in out["label_names"].numpy()],
    "modules": sorted(m for m in ("zoo", "tasks", "tuning") if m in sys.modules),
}))
"""


def test_exported_classify_serves_the_models_probabilities(run_dir, tmp_path):
    result = _run("export", run_dir, tmp_path / "served")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "signatures: serving_default, classify" in result.stdout
    texts = [
        "the alpha movie omega",
        "OMEGA plot, the Alpha scene and so but really quite a long text",
        "alpha",
        "Unseen WORDS: omega?! alpha...",
    ]
    served = subprocess.run(
        [
            sys.executable, "-c", FRESH_PROCESS, str(tmp_path / "served" / "1"),
            json.dumps(texts),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert served.returncode == 0, served.stderr[-3000:]
    served = json.loads(served.stdout.strip().splitlines()[-1])
    assert served["modules"] == []
    classifier = load_run(run_dir)
    expected = classifier.predict_proba(texts)
    np.testing.assert_allclose(served["probabilities"], expected, atol=1e-6)
    assert served["label"] == classifier.predict_labels(texts)
    assert served["label_names"] == [["after", "before"]] * len(texts)

    # A TF1 session loader, as TF Serving's, serves the same numbers.
    ran = subprocess.run(
        [
            shutil.which("saved_model_cli"), "run", "--dir",
            str(tmp_path / "served" / "1"), "--tag_set", "serve",
            "--signature_def", "classify", "--input_exprs", f"text={texts[:1]}",
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    printed = ran.stdout.split("Result for output key probabilities:")[1]
    numbers = [float(x) for x in printed.split("]]")[0].strip("[ \n").split()]
    np.testing.assert_allclose(numbers, expected[0], atol=1e-6)

    classify = tf.saved_model.load(str(tmp_path / "served" / "1")).signatures[
        "classify"
    ]
    for bad, message in (([""], "at least one token"), ([], "at least one text")):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            classify(text=tf.constant(bad, tf.string))


def test_resume_trains_on_and_keeps_the_best_epoch_across_runs(keyword_files, tmp_path):
    train, test = keyword_files
    folder = tmp_path / "run"
    common = ["--data", train, "--test-data", test, "--output", folder, *SMALL_MODEL]
    first = _run("train", "gru_classifier", *common, "--epochs", 1)
    assert first.returncode == 0, first.stderr[-3000:]
    again = rnn_zoo_here("train", "gru_classifier", *common, "--epochs", 3)
    assert again.returncode == 2 and "--resume" in again.stderr
    changed = rnn_zoo_here(
        "train", "gru_classifier", *common, "--epochs", 3, "--resume",
        "--hidden-dim", 16,
    )  # fmt: skip
    assert changed.returncode == 2
    assert "started with other options" in changed.stderr
    assert "'hidden_dim': 32" in changed.stderr  # names what differs
    resumed = _run("train", "gru_classifier", *common, "--epochs", 3, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Epoch 2/3" in resumed.stdout and "Epoch 1/3" not in resumed.stdout
    history = validation_history(folder)
    assert len(history) == 3
    # model.keras holds the best epoch of all three, the one before the resume
    # included; resuming the finished run (nothing left to train) keeps it.
    assert valid_accuracy(folder) == pytest.approx(max(history), abs=1e-6)
    finished = _run("train", "gru_classifier", *common, "--epochs", 3, "--resume")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert valid_accuracy(folder) == pytest.approx(max(history), abs=1e-6)


@pytest.mark.parametrize(
    "table, options, message",
    [
        ("text,stars\na,x\nb,y\n", [], "has no column 'label'"),
        ("text,label\na,x\nb,x\n", [], "one class only"),
        ("text,label\na,x\n ,y\nc,x\n", [], "empty text"),
        ("text,label\n" + "a,x\nb,y\n" * 20, ["--level", "word"], "--level"),
        ("text,label\n" + "a,x\nb,y\n" * 20, ["--test-data", "TEST"], "never seen"),
        ("text,label\n" + "a,x\nb,y\n" * 20, ["--weight-averaging", 1], "0 and 1"),
        ("text,label\n" + "a,x\nb,y\n" * 20, ["--holdout", 0.5], "(0, 0.5)"),
    ],
)
def test_bad_input_is_refused_before_training(table, options, message, tmp_path):
    (tmp_path / "data.csv").write_text(table)
    (tmp_path / "test.csv").write_text("text,label\na,x\nb,z\n")
    options = [str(tmp_path / "test.csv") if o == "TEST" else o for o in options]
    result = rnn_zoo_here(
        "train", "lstm_classifier", "--data", tmp_path / "data.csv",
        "--output", tmp_path / "run", *options,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert "Epoch" not in result.stdout
    assert not (tmp_path / "run").exists()


def test_sst2_preset_and_holdout_reach_the_run(keyword_files, tmp_path):
    """`--preset bilstm_classifier_sst2` builds the SST-2 model of BENCHMARKS.md
    (its hidden size overridden here, for speed) and `--holdout` sizes the
    validation cut."""
    train, test = keyword_files
    result = _run(
        "train", "bilstm_classifier", "--preset", "bilstm_classifier_sst2",
        "--data", train, "--test-data", test, "--holdout", 0.2, "--epochs", 1,
        "--hidden-dim", 8, "--output", tmp_path / "run", "--seed", 0,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["holdout"] == 0.2
    assert run["examples"] == {"train": 1200, "valid": 300, "test": 300}
    config = load_run(tmp_path / "run").get_config()
    assert {k: config[k] for k in ("cell", "bidirectional", "pooling")} == {
        "cell": "lstm",
        "bidirectional": True,
        "pooling": "max",
    }
    assert (config["embedding_dim"], config["hidden_dim"]) == (300, 8)
    assert (config["dropout"], config["weight_averaging"]) == (0.5, 0.999)


def test_train_reads_a_tfds_dataset_offline(tmp_path):
    result = _run(
        "train", "elman_classifier", "--data",
        "tfds:local_labelled_texts/sentiment_sentences", "--epochs", 1,
        "--hidden-dim", 8, "--output", tmp_path / "run",
        env={**os.environ, "TFDS_DATA_DIR": str(tmp_path / "tfds")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    # TFDS's train split (2,700) less the validation cut; its test split as is.
    assert run["examples"] == {"train": 2430, "valid": 270, "test": 300}

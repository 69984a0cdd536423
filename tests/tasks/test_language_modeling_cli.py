"""`rnn-zoo train / generate / evaluate / export` on a tiny corpus, through the
installed console script, and the errors it gives before any training starts."""

import csv
import json
import math

import pytest
import tensorflow as tf

from tasks.language_modeling import load_run
from tests.tasks.console import rnn_zoo as _run
from tests.tasks.console import rnn_zoo_here

TINY = ["--level", "char", "--batch-size", "2", "--sequence-length", "10"]
SMALL_MODEL = ["--hidden-dim", "8"]


def _train_tiny(corpus, folder, epochs, resume=False):
    resuming = ["--resume"] if resume else []
    return _run(
        "train", "lstm_lm", "--data", corpus, "--epochs", epochs, "--output", folder,
        *resuming, *TINY, *SMALL_MODEL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    path.write_text("to be or not to be, that is the question.\n" * 60)
    return path


@pytest.fixture(scope="module")
def run_dir(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "tiny"
    result = _train_tiny(corpus, folder, epochs=1)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test perplexity:" in result.stdout
    return folder


def _history_epochs(folder):
    with open(folder / "history.csv", newline="") as file:
        return [int(row["epoch"]) for row in csv.DictReader(file)]


def test_train_writes_the_whole_run_folder(run_dir):
    for name in (
        "model.keras",
        "vocabulary.json",
        "learning_curve.png",
        "results.json",
        "checkpoints/epoch_01.keras",
    ):
        assert (run_dir / name).is_file(), name
    assert any((run_dir / "logs").rglob("events.out.tfevents*"))
    assert _history_epochs(run_dir) == [0]
    results = json.loads((run_dir / "results.json").read_text())
    assert 1.0 < results["test_perplexity"] < 30  # 30 = uniform over the characters


def test_a_used_run_folder_needs_resume(run_dir, corpus):
    result = _run("train", "lstm_lm", "--data", corpus, "--output", run_dir, *TINY)
    assert result.returncode == 2
    assert "already holds a run; pass resume=True (--resume)" in result.stderr


def test_resume_continues_from_the_last_epoch(run_dir, corpus):
    first_checkpoint = (run_dir / "checkpoints" / "epoch_01.keras").stat().st_mtime
    result = _train_tiny(corpus, run_dir, epochs=2, resume=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _history_epochs(run_dir) == [0, 1]  # epoch 0 was not trained again
    assert (
        run_dir / "checkpoints" / "epoch_01.keras"
    ).stat().st_mtime == first_checkpoint
    assert (run_dir / "checkpoints" / "epoch_02.keras").is_file()


def test_generate_and_evaluate_use_the_run_folder(run_dir, corpus):
    result = _run(
        "generate", run_dir, "--prompt", "to be", "--length", 12, "--sampler", "greedy"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout.rstrip("\n")
    assert text.startswith("to be") and len(text) == len("to be") + 12
    result = _run("evaluate", run_dir, "--data", corpus)
    assert result.returncode == 0, result.stderr[-3000:]
    perplexity = float(result.stdout.strip().split()[-1])
    assert math.isfinite(perplexity) and 1.0 < perplexity < 30


def test_export_writes_a_versioned_saved_model_of_the_run(run_dir, tmp_path):
    result = _run("export", run_dir, tmp_path / "served")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "served" / "1" / "saved_model.pb").is_file()
    served = tf.saved_model.load(str(tmp_path / "served" / "1"))
    text = served.signatures["generate"](
        prompt=tf.constant(["to be"]),
        max_length=tf.constant(17),
        temperature=tf.constant(0.0),
        seed=tf.constant(0),
    )["text"]
    expected = load_run(run_dir).generate("to be", 17, sampler="greedy")
    assert text.numpy()[0].decode() == expected
    again = rnn_zoo_here("export", run_dir, tmp_path / "served")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_unknown_characters_in_a_prompt_are_named(run_dir):
    result = rnn_zoo_here("generate", run_dir, "--prompt", "to be #")
    assert result.returncode == 2
    assert "not in the vocabulary" in result.stderr and "'#'" in result.stderr


@pytest.mark.parametrize(
    "case, arguments, message",
    [
        ("missing", ["--data", "{tmp}/nope.txt"], "does not exist"),
        ("empty", ["--data", "{tmp}/empty.txt"], "is empty"),
        ("too small", ["--data", "{tmp}/short.txt"], "smaller than one batch window"),
        ("unknown preset", ["--preset", "lstm_lm_ptb_tiny"], "Unknown model"),
        ("classifier flag", ["--weight-averaging", "0.9"], "do(es) not apply"),
        ("classifier split", ["--holdout", "0.1"], "--holdout do(es) not apply"),
        (
            "vocabulary mismatch",
            ["--data", "{corpus}", "--preset", "lstm_lm_ptb_small"],
            "vocabulary_size=10000; they must match",
        ),
    ],
)
def test_bad_input_is_refused_before_training(
    tmp_path, corpus, case, arguments, message
):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "short.txt").write_text("to be or not to be")
    arguments = [a.format(tmp=tmp_path, corpus=corpus) for a in arguments]
    output = tmp_path / "run"
    result = rnn_zoo_here("train", "lstm_lm", *arguments, "--output", output, *TINY)
    assert result.returncode == 2, result.stderr[-3000:]
    assert message in result.stderr
    assert not output.exists()


def test_train_and_evaluate_read_a_tfds_dataset(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    import tasks.data.tfds_corpora  # noqa: F401  (registers local_text_corpus)

    folder = tmp_path / "ptb"
    folder.mkdir()
    lines = {  # the test split differs, so evaluate must read that split
        "train": "the cat sat on the mat and the dog sat on the log\n" * 8,
        "valid": "the dog sat on the mat and the cat sat on the log\n" * 8,
        "test": "on the log the cat sat and on the mat the dog sat\n" * 8,
    }
    for split, text in lines.items():
        (folder / f"ptb.{split}.txt").write_text(text)
    data_dir = tmp_path / "tensorflow_datasets"
    tfds.load(  # prepared once from the local folder, as a user would
        "local_text_corpus/ptb",
        data_dir=data_dir,
        download_and_prepare_kwargs={
            "download_config": tfds.download.DownloadConfig(manual_dir=str(folder))
        },
    )
    monkeypatch.setenv("TFDS_DATA_DIR", str(data_dir))
    run = tmp_path / "run"
    data = "tfds:local_text_corpus/ptb"
    result = _run(
        "train", "lstm_lm", "--data", data, "--epochs", 1, "--output", run,
        "--batch-size", 2, "--sequence-length", 5, *SMALL_MODEL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((run / "run.json").read_text())["data"] == data
    evaluated = _run("evaluate", run, "--data", data)
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    perplexity = float(evaluated.stdout.split("perplexity:")[1])
    # the test split of the run equals what evaluate reads: the same number
    results = json.loads((run / "results.json").read_text())
    assert math.isclose(perplexity, results["test_perplexity"], rel_tol=1e-3)

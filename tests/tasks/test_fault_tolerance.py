"""A training run killed mid-epoch and started again with the same command ends with
the weights of a run that was never interrupted (Keras's BackupAndRestore in the
run folder: the rerun resumes from the last finished epoch)."""

import csv
import json
import shutil
import signal
import subprocess
import time

import numpy as np
import pytest

from tasks.language_modeling import load_run
from tests.tasks.word_corpus import random_word_corpus

EPOCHS = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return random_word_corpus(tmp_path_factory.mktemp("corpus"), 24_000, seed=1)


def _command(corpus, output):
    executable = shutil.which("rnn-zoo")
    assert executable, "rnn-zoo is not installed: pip install -e ."
    return [
        executable, "train", "lstm_lm", "--data", str(corpus), "--output",
        str(output), "--resume", "--level", "word", "--batch-size", "4",
        "--sequence-length", "8", "--hidden-dim", "16", "--epochs", str(EPOCHS),
        "--seed", "0",
    ]  # fmt: skip


def _finished_epochs(backup):
    metadata = backup / "training_metadata.json"
    try:
        return json.loads(metadata.read_text())["epoch"]
    except (FileNotFoundError, ValueError):  # not written yet, or mid-write
        return 0


def _history_epochs(run_dir):
    with open(run_dir / "history.csv", newline="") as file:
        return [int(row["epoch"]) for row in csv.DictReader(file)]


def _kill_in_epoch_2(command, run_dir):
    """Starts `command` and kills it (SIGKILL, as a crash) half a second into its
    second epoch; returns its exit status."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    while _finished_epochs(run_dir / "backup") < 1:
        assert process.poll() is None, "the run ended before its first backup"
        assert time.monotonic() < deadline, "no backup after 240 s"
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    return process.wait()


def test_a_run_killed_mid_epoch_and_rerun_matches_an_uninterrupted_run(
    corpus, tmp_path
):
    uninterrupted = subprocess.run(
        _command(corpus, tmp_path / "uninterrupted"), capture_output=True, text=True
    )
    assert uninterrupted.returncode == 0, uninterrupted.stderr[-3000:]

    interrupted = tmp_path / "interrupted"
    command = _command(corpus, interrupted)
    assert _kill_in_epoch_2(command, interrupted) == -signal.SIGKILL
    # Killed inside epoch 2: epoch 1 is logged and backed up, epoch 2 is not.
    assert _history_epochs(interrupted) == [0]
    assert not (interrupted / "model.keras").exists()

    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _history_epochs(interrupted) == list(range(EPOCHS))  # 0 not redone

    expected = load_run(tmp_path / "uninterrupted")
    resumed = load_run(interrupted)
    for got, want in zip(resumed.get_weights(), expected.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)

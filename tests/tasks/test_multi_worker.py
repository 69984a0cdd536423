"""`rnn-zoo train --strategy multi_worker`: two real worker processes on 127.0.0.1
ports, each with its own TF_CONFIG, train `lstm_lm` for a few steps and end with
identical weights, equal to one process training on the same global batches."""

import json
import os
import shutil
import socket
import subprocess

import keras
import numpy as np
import pytest

from tasks.language_modeling import load_run
from tests.tasks.word_corpus import random_word_corpus

# Word level, 2 streams of 8 tokens per global batch; 1 replica per worker.
TRAINING = [
    "--level", "word", "--batch-size", "4", "--sequence-length", "8",
    "--hidden-dim", "16", "--epochs", "2", "--stateless", "--seed", "0",
]  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return random_word_corpus(tmp_path_factory.mktemp("corpus"), 1200, seed=0)


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _train_command(corpus, output, strategy):
    executable = shutil.which("rnn-zoo")
    assert executable, "rnn-zoo is not installed: pip install -e ."
    return [
        executable, "train", "lstm_lm", "--data", str(corpus), "--output",
        str(output), "--strategy", strategy, *TRAINING,
    ]  # fmt: skip


def _weights(run_dir):
    return load_run(run_dir).get_weights()


def test_two_workers_train_like_one_process_on_the_same_global_batches(
    corpus, tmp_path
):
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    processes = []
    for index in range(2):
        environment = dict(os.environ)
        environment["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        )
        processes.append(
            subprocess.Popen(
                _train_command(corpus, tmp_path / f"worker{index}", "multi_worker"),
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-3000:]
    single = subprocess.run(
        _train_command(corpus, tmp_path / "single", "default"),
        capture_output=True,
        text=True,
    )
    assert single.returncode == 0, single.stderr[-3000:]

    for index in range(2):
        run = json.loads((tmp_path / f"worker{index}" / "run.json").read_text())
        assert run["strategy"] == "multi_worker" and run["replicas"] == 2
    worker0, worker1 = _weights(tmp_path / "worker0"), _weights(tmp_path / "worker1")
    one_process = _weights(tmp_path / "single")
    after_epoch_1 = keras.saving.load_model(
        tmp_path / "single" / "checkpoints" / "epoch_01.keras"
    ).get_weights()
    for w0, w1, w in zip(worker0, worker1, one_process, strict=True):
        np.testing.assert_array_equal(w0, w1)  # the same all-reduced updates
        np.testing.assert_allclose(w0, w, rtol=1e-5, atol=1e-6)
    # The weights moved in epoch 2: the comparison is of trained weights.
    moved = zip(one_process, after_epoch_1, strict=True)
    assert max(np.abs(now - before).max() for now, before in moved) > 1e-3

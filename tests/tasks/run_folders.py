"""Classifier runs: a small one with weight averaging, and what a run folder
holds (validation figures, a checkpoint's weights)."""

import csv
import json

import keras
import numpy as np

from tasks import text_classification
from tasks.data.labelled_splits import load_splits
from tasks.text_classification import load_run


def train_averaged(data, folder, epochs, resume=False, strategy="default"):
    """A small gru_classifier run with weight averaging (momentum 0.9), seeded,
    never stopped early."""
    return text_classification.train(
        "gru_classifier", data=data, epochs=epochs, output=folder, resume=resume,
        strategy=strategy, seed=0, batch_size=16, hidden_dim=8,
        learning_rate=0.01, weight_averaging=0.9, patience=None,
    )  # fmt: skip


def run_splits(run_dir):
    """A classifier run's splits, cut again as train cut them."""
    run = json.loads((run_dir / "run.json").read_text())
    keys = ("data", "valid_data", "test_data", "text_column", "label_column")
    return load_splits(**{key: run[key] for key in keys}, holdout=run["holdout"])


def valid_accuracy(run_dir) -> float:
    """The accuracy of a run's saved classifier on the run's validation split."""
    splits = run_splits(run_dir)
    predicted = np.argmax(load_run(run_dir).predict_proba(splits.valid.texts), axis=-1)
    return np.mean(predicted == np.array(splits.ids("valid")))


def validation_history(run_dir, key="val_accuracy") -> list[float]:
    """A column of history.csv (`key`), epoch by epoch."""
    with open(run_dir / "history.csv", newline="") as file:
        return [float(row[key]) for row in csv.DictReader(file)]


def checkpoint_weights(run_dir, epoch):
    """Epoch `epoch`'s checkpoint: its raw weights, the optimizer's moving average
    of them (Keras keeps it in a private list; empty without `use_ema`), and the
    checkpoint's model with that average put in."""
    path = run_dir / "checkpoints" / f"epoch_{epoch:02d}.keras"
    checkpoint = keras.saving.load_model(path)
    raw = values(checkpoint.trainable_variables)
    moving = getattr(checkpoint.optimizer, "_model_variables_moving_average", None)
    if moving is None:
        return raw, [], checkpoint
    average = values(moving)
    for variable, value in zip(checkpoint.trainable_variables, average, strict=True):
        variable.assign(value)
    return raw, average, checkpoint


def values(variables) -> list[np.ndarray]:
    return [keras.ops.convert_to_numpy(variable) for variable in variables]


def all_close(first, second, atol=1e-6) -> bool:
    pairs = zip(first, second, strict=True)
    return all(np.allclose(a, b, atol=atol) for a, b in pairs)

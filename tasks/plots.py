"""Plots of training runs (matplotlib, drawn to files; no screen needed)."""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the file backend)
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402


def plot_learning_curve(
    history_csv, png, metric: str = "perplexity", log_scale: bool = True
) -> Path:
    """Training and validation `metric` per epoch, from a Keras CSVLogger file."""
    with open(history_csv, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    figure, axes = plt.subplots(figsize=(6, 4))
    for key, label in ((metric, "train"), (f"val_{metric}", "validation")):
        if rows and key in rows[0]:
            axes.plot(
                epochs, [float(row[key]) for row in rows], marker="o", label=label
            )
    axes.set_xlabel("epoch")
    axes.set_ylabel(metric)
    if log_scale:
        axes.set_yscale("log")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return Path(png)


def plot_confusion_matrix(matrix, label_names: list[str], png) -> Path:
    """A confusion matrix (rows: true class, columns: predicted) with its counts."""
    size = max(4.0, 0.6 * len(label_names) + 2)
    figure, axes = plt.subplots(figsize=(size, size))
    ConfusionMatrixDisplay(matrix, display_labels=label_names).plot(
        ax=axes, cmap="Blues", colorbar=False, xticks_rotation="vertical"
    )
    figure.tight_layout()
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return Path(png)


def plot_trial_scores(trials: list[int], scores: list[float], name: str, png, best=max):
    """A search's score per trial (dots, in the order the trials ran) and the best
    score so far (`best`: max or min) as a step line."""
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(trials, scores, "o", label="trial")
    so_far = [best(scores[: i + 1]) for i in range(len(scores))]
    axes.step(trials, so_far, where="post", label="best so far")
    axes.set_xlabel("trial")
    axes.set_ylabel(name)
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return Path(png)

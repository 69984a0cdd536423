"""Plots of training runs (matplotlib, drawn to files; no screen needed)."""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the file backend)


def plot_learning_curve(history_csv, png) -> Path:
    """Training and validation perplexity per epoch, from a Keras CSVLogger file."""
    with open(history_csv, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    figure, axes = plt.subplots(figsize=(6, 4))
    for key, label in (("perplexity", "train"), ("val_perplexity", "validation")):
        if rows and key in rows[0]:
            axes.plot(
                epochs, [float(row[key]) for row in rows], marker="o", label=label
            )
    axes.set_xlabel("epoch")
    axes.set_ylabel("perplexity")
    axes.set_yscale("log")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return Path(png)

"""`rnn-zoo tune` as a user runs it: progress, a table, a plot, a preset file
that `rnn-zoo train --preset` takes."""

import json

import keras
import matplotlib.image

from tests.tasks.console import rnn_zoo, rnn_zoo_here
from tests.tuning.data import write_labelled_csv


def test_tune_then_train_with_the_best_preset(tmp_path):
    data = write_labelled_csv(tmp_path / "texts.csv")
    search = tmp_path / "search"
    result = rnn_zoo(
        "tune", "gru_classifier", "--data", data, "--max-trials", 2, "--epochs", 1,
        "--set", "hidden_dim=8", "--set", "embedding_dim=8", "--free", "cell",
        "--batch-size", 16, "--seed", 0, "--output", search,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Search: Running Trial #2" in result.stdout  # Keras Tuner's progress
    assert "rank trial   val_accuracy" in result.stdout  # the summary table
    preset_path = search / "best_preset.json"
    assert f"preset written to {preset_path}" in result.stdout
    plot = matplotlib.image.imread(search / "trial_scores.png")
    assert plot.shape[0] > 100 and plot.shape[1] > 100

    preset = json.loads(preset_path.read_text())
    arguments = preset["arguments"]
    assert arguments["hidden_dim"] == 8 and arguments["embedding_dim"] == 8
    assert preset["notes"]["searched"]["free"] == ["cell"]
    run = tmp_path / "run"
    trained = rnn_zoo(
        # gru_classifier, whichever cell the search chose for it.
        "train", "gru_classifier", "--preset",
        preset_path, "--data", data, "--epochs", 1, "--output", run,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr[-3000:]
    model = keras.saving.load_model(run / "model.keras")
    config = model.get_config()
    for name, value in arguments.items():
        assert config[name] == value, name


def test_tune_errors_name_the_problem(tmp_path):
    not_for_lms = rnn_zoo_here(
        "tune", "gru_lm", "--max-tokens", 5, "--output", tmp_path
    )
    assert not_for_lms.returncode == 2
    assert "max_tokens do(es) not apply to 'gru_lm'" in not_for_lms.stderr
    bad_set = rnn_zoo_here("tune", "gru_lm", "--set", "hidden_dim")
    assert bad_set.returncode == 2 and "expected NAME=VALUE" in bad_set.stderr
    other_cell = rnn_zoo_here(
        "train", "lstm_classifier", "--preset", _preset(tmp_path, "gru_classifier")
    )
    assert other_cell.returncode == 2
    assert "sets cell='gru', which 'lstm_classifier' fixes otherwise" in (
        other_cell.stderr
    )


def _preset(folder, model):
    path = folder / "preset.json"
    path.write_text(json.dumps({"model": model, "arguments": {"hidden_dim": 4}}))
    return path

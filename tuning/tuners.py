"""The tuner factory: random search, Bayesian optimisation or Hyperband over a
`tuning.ZooHyperModel`, under a `tf.distribute` strategy, each trial recorded.

Keras Tuner clears the Keras session (and collects garbage) before it builds each
trial's model, so graphs and weights of earlier trials are not kept; the
resident memory column of `trials.csv` shows whether that holds.
"""

import csv
import json
import time
from pathlib import Path

import keras_tuner

from tuning.options import TUNERS

TRIAL_COLUMNS = (
    "trial",
    "status",
    "score",
    "best_epoch",
    "seconds",
    "resident_mb",
    "hyperparameters",
)


def make_tuner(
    name: str,
    hypermodel,
    objective: keras_tuner.Objective,
    max_trials: int,
    epochs: int,
    directory,
    strategy=None,
    seed: int | None = None,
    overwrite: bool = False,
) -> keras_tuner.Tuner:
    """A `name` tuner ("random", "bayesian" or "hyperband") of `hypermodel` for
    `objective`, storing its trials in `directory/search` (a search already there
    is resumed unless `overwrite`) and recording each in `directory/trials.csv`.

    Random search and Bayesian optimisation run `max_trials` trials (train them
    with `tuner.search(epochs=...)`); Hyperband trains a trial for at most
    `epochs` epochs, successive halving with factor 3, and stops after
    `max_trials` trials. `strategy` is a `tf.distribute.Strategy` every trial
    builds and trains under (None: the default one)."""
    check_search(name, max_trials, epochs)
    common = {
        "hypermodel": hypermodel,
        "objective": objective,
        "seed": seed,
        "hyperparameters": hypermodel.hyperparameters(),
        "directory": str(directory),
        "project_name": "search",
        "overwrite": overwrite,
        "distribution_strategy": strategy,
    }
    if name == "random":
        tuner = RandomSearch(max_trials=max_trials, **common)
    elif name == "bayesian":
        tuner = BayesianOptimization(max_trials=max_trials, **common)
    else:
        # Brackets follow one another until max_trials trials have run.
        tuner = Hyperband(max_epochs=epochs, factor=3, hyperband_iterations=0, **common)
        tuner.oracle.max_trials = max_trials
    return tuner


def check_search(name: str, max_trials: int, epochs: int) -> None:
    """Refuses an unknown tuner and non-positive trial or epoch counts."""
    if name not in TUNERS:
        raise ValueError(
            f"Unknown tuner {name!r}; expected one of {', '.join(TUNERS)}."
        )
    if max_trials < 1 or epochs < 1:
        raise ValueError(
            f"max_trials and epochs must be positive; got {max_trials}, {epochs}."
        )


def read_records(path) -> list[dict]:
    """The rows of a `trials.csv` (empty when there is none yet)."""
    path = Path(path)
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def resident_megabytes() -> float | None:
    """This process's resident memory (Linux's /proc), None where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class _RecordedTrials:
    """Times each trial and, when it ends, appends its row to `trials.csv` beside
    the search's project folder and prints a one-line summary after Keras
    Tuner's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = Path(self.project_dir).parent / "trials.csv"

    def on_trial_begin(self, trial):
        self._trial_started = time.monotonic()
        super().on_trial_begin(trial)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        trial = self.oracle.get_trial(trial.trial_id)
        resident = resident_megabytes()
        row = {
            "trial": trial.trial_id,
            "status": trial.status,
            "score": "" if trial.score is None else trial.score,
            "best_epoch": "" if trial.best_step is None else trial.best_step + 1,
            "seconds": round(time.monotonic() - self._trial_started, 1),
            "resident_mb": "" if resident is None else round(resident),
            "hyperparameters": json.dumps(trial.hyperparameters.values),
        }
        new_file = not self.records.is_file()
        with open(self.records, "a", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, TRIAL_COLUMNS)
            if new_file:
                writer.writeheader()
            writer.writerow(row)
        print(
            f"trial {row['trial']} {row['status'].lower()}: "
            f"{self.oracle.objective.name} {_score(trial.score)} "
            f"in {row['seconds']} s; resident memory {row['resident_mb'] or '?'} MB"
        )


class RandomSearch(_RecordedTrials, keras_tuner.RandomSearch):
    pass


class BayesianOptimization(_RecordedTrials, keras_tuner.BayesianOptimization):
    pass


class Hyperband(_RecordedTrials, keras_tuner.Hyperband):
    pass


def _score(score) -> str:
    return "-" if score is None else f"{score:.4f}"

"""Keras Tuner searches over registered zoo models.

    from tuning import tune
    tune("lstm_classifier", tuner="hyperband", max_trials=20)  # -> runs/tune/...

`ZooHyperModel` turns any registered model into a HyperModel (its family's
`search_space`), `make_tuner` makes a random, Bayesian or Hyperband tuner of it,
and `tune` runs a search on a task's data and saves the best configuration as a
preset file (`zoo.preset_files`).
"""

from tuning.hypermodel import ZooHyperModel
from tuning.search import tune
from tuning.tuners import TUNERS, make_tuner

__all__ = ["TUNERS", "ZooHyperModel", "make_tuner", "tune"]

"""Keras Tuner searches over registered zoo models.

    from tuning import tune
    tune("lstm_classifier", tuner="hyperband", max_trials=20)  # -> runs/tune/...

`ZooHyperModel` turns any registered model into a HyperModel (its family's
`search_space`), `make_tuner` makes a random, Bayesian or Hyperband tuner of it,
and `tune` runs a search on a task's data and saves the best configuration as a
preset file (`zoo.preset_files`).
"""

import importlib

from tuning.options import TUNERS

# Imported on first use (PEP 562), so `rnn-zoo --help` does not load TensorFlow.
_EXPORTS = {
    "ZooHyperModel": "tuning.hypermodel",
    "make_tuner": "tuning.tuners",
    "tune": "tuning.search",
}
__all__ = ["TUNERS", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tuning' has no attribute {name!r}")

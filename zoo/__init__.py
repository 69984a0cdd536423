"""rnn-zoo: research-grade recurrent cells and task models for Keras 3.

import zoo
model = zoo.build("lstm_regressor", input_dim=2)
"""

from zoo import cells, layers, models
from zoo.registry import build, get, list_models, register

__all__ = ["build", "cells", "get", "layers", "list_models", "models", "register"]

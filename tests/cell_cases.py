"""The cell configurations every cell test runs over: each cell, each option."""

import numpy as np

from zoo import cells

# (class name, constructor options). Every option of every cell appears at least once.
CASES = [
    ("ElmanCell", {"activation": "tanh"}),
    ("ElmanCell", {"activation": "relu"}),
    ("ElmanCell", {"activation": "sigmoid", "use_bias": False}),
    ("JordanCell", {"output_units": 3}),
    ("JordanCell", {"activation": "relu", "output_activation": "linear"}),
    (
        "JordanCell",
        {"output_units": 2, "output_activation": "sigmoid", "use_bias": False},
    ),
    ("LSTMCell", {}),
    ("LSTMCell", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ("LSTMCell", {"use_bias": False}),
    ("PeepholeLSTMCell", {}),
    ("PeepholeLSTMCell", {"use_peepholes": False}),
    ("PeepholeLSTMCell", {"cell_clip": 0.5}),
    ("PeepholeLSTMCell", {"projection_units": 3}),
    (
        "PeepholeLSTMCell",
        {"cell_clip": 0.5, "projection_units": 3, "activation": "relu"},
    ),
    ("GRUCell", {"reset_after": True}),
    ("GRUCell", {"reset_after": False}),
    ("GRUCell", {"reset_after": True, "activation": "relu", "use_bias": False}),
    ("GRUCell", {"reset_after": False, "recurrent_activation": "hard_sigmoid"}),
]

# One case per cell class, for the slower tests.
ONE_PER_CELL = [
    ("ElmanCell", {}),
    ("JordanCell", {"output_units": 3}),
    ("LSTMCell", {}),
    ("PeepholeLSTMCell", {"cell_clip": 0.5, "projection_units": 3}),
    ("GRUCell", {"reset_after": True}),
    ("GRUCell", {"reset_after": False}),
]

UNITS = 4


def case_id(case):
    name, options = case
    return name + "".join(f"-{k}={v}" for k, v in options.items())


def make_cell(name, options, **extra):
    return getattr(cells, name)(UNITS, **options, **extra)


def randomize(layer, seed=0, scale=0.5):
    """Sets every weight of `layer` to seeded normal values; returns them by name."""
    rng = np.random.default_rng(seed)
    weights = {}
    for variable in layer.trainable_weights:
        value = rng.normal(scale=scale, size=variable.shape).astype(variable.dtype)
        variable.assign(value)
        weights[variable.name] = value
    return weights

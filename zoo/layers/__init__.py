"""Layers that drive zoo cells."""

from zoo.layers.bidirectional import Bidirectional
from zoo.layers.recurrent import Recurrent
from zoo.layers.states import (
    ResetStatesEachEpoch,
    get_states,
    reset_states,
    set_states,
    stateful_layers,
)
from zoo.layers.xla_choice import xla_speeds_up_training

__all__ = [
    "Bidirectional",
    "Recurrent",
    "ResetStatesEachEpoch",
    "get_states",
    "reset_states",
    "set_states",
    "stateful_layers",
    "xla_speeds_up_training",
]

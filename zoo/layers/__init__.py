"""Layers that drive zoo cells."""

from zoo.layers.recurrent import Recurrent
from zoo.layers.states import (
    ResetStatesEachEpoch,
    get_states,
    reset_states,
    set_states,
    stateful_layers,
)

__all__ = [
    "Recurrent",
    "ResetStatesEachEpoch",
    "get_states",
    "reset_states",
    "set_states",
    "stateful_layers",
]

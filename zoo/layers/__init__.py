"""Layers that drive zoo cells."""

from zoo.layers.recurrent import Recurrent
from zoo.layers.states import get_states, reset_states, set_states, stateful_layers

__all__ = ["Recurrent", "get_states", "reset_states", "set_states", "stateful_layers"]

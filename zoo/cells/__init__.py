"""Recurrent cells, one per file, all following the cell protocol of `base.py`."""

from zoo.cells.base import RecurrentCell
from zoo.cells.elman import ElmanCell
from zoo.cells.gru import GRUCell
from zoo.cells.jordan import JordanCell
from zoo.cells.lstm import LSTMCell
from zoo.cells.peephole_lstm import PeepholeLSTMCell

CELLS = {
    "elman": ElmanCell,
    "jordan": JordanCell,
    "lstm": LSTMCell,
    "peephole_lstm": PeepholeLSTMCell,
    "gru": GRUCell,
}


def get_cell(name: str, units: int, **kwargs) -> RecurrentCell:
    """Builds the cell registered as `name` ("lstm", "gru", ...) with `units`."""
    if name not in CELLS:
        raise ValueError(f"Unknown cell {name!r}. Available: {', '.join(CELLS)}")
    return CELLS[name](units, **kwargs)


__all__ = [
    "CELLS",
    "ElmanCell",
    "GRUCell",
    "JordanCell",
    "LSTMCell",
    "PeepholeLSTMCell",
    "RecurrentCell",
    "get_cell",
]

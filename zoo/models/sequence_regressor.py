"""Sequence regression: real-valued sequences in, real values out (many-to-one or
many-to-many), e.g. the adding problem or time-series forecasting."""

import keras

from zoo.cells import get_cell
from zoo.layers import Recurrent
from zoo.models.sequence_regressor_space import sequence_regressor_space
from zoo.models.task_model import TaskModel, float32_outputs
from zoo.registry import register


@keras.saving.register_keras_serializable(package="rnn_zoo")
class SequenceRegressor(TaskModel):
    """Stacked recurrent layers over real-valued inputs, then a linear read-out.

    inputs (B, T, input_dim) -> num_layers x Recurrent(cell, hidden_dim) -> Dense:
    (B, output_dim) from the last step, or (B, T, output_dim) at every step with
    `sequence_output=True`. `compile()` with no arguments uses Adam and mean squared
    error.

    Args:
        input_dim: features per time step.
        output_dim: values predicted per sequence (or per step).
        hidden_dim: units of every recurrent layer.
        num_layers: recurrent layers stacked.
        cell: a name from `zoo.cells.CELLS`: "elman", "jordan", "lstm",
            "peephole_lstm", "gru".
        sequence_output: predict at every step (many-to-many) instead of once.
        dropout, recurrent_dropout: variational dropout of every cell.
        cell_options: further keyword arguments of the cell (e.g. `cell_clip`); they
            take precedence over `dropout` and `recurrent_dropout`.
    """

    # hp -> constructor arguments: the family's Keras Tuner search (`tuning`).
    search_space = staticmethod(sequence_regressor_space)
    trains_unmasked = True  # real-valued inputs carry no mask (`ChosenXlaTraining`)

    def __init__(
        self,
        input_dim: int,
        output_dim: int = 1,
        hidden_dim: int = 64,
        num_layers: int = 1,
        cell: str = "lstm",
        sequence_output: bool = False,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        cell_options: dict | None = None,
        **kwargs,
    ):
        # === Layers ===
        cell_arguments = {
            "dropout": dropout,
            "recurrent_dropout": recurrent_dropout,
            **(cell_options or {}),
        }
        recurrent_layers = [
            Recurrent(
                get_cell(cell, hidden_dim, **cell_arguments),
                return_sequences=sequence_output or index < num_layers - 1,
                name=f"recurrent_{index}",
            )
            for index in range(num_layers)
        ]
        readout = keras.layers.Dense(output_dim, name="readout")

        # === Functional model ===
        inputs = keras.Input(shape=(None, input_dim), name="sequences")
        x = inputs  # (B, T, input_dim)
        for layer in recurrent_layers:
            x = layer(x)  # (B, T, H), the last one (B, H) unless sequence_output
        outputs = float32_outputs(readout(x))
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.sequence_output = sequence_output
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.cell_options = dict(cell_options or {})
        self.recurrent_layers = recurrent_layers

    def compile(self, optimizer="adam", loss="mean_squared_error", **kwargs):
        super().compile(optimizer=optimizer, loss=loss, **kwargs)

    def get_config(self):
        return {
            "name": self.name,
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "sequence_output": self.sequence_output,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "cell_options": self.cell_options,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


for _cell in ("elman", "jordan", "lstm", "peephole_lstm", "gru"):
    register(
        f"{_cell.removesuffix('_lstm')}_regressor",
        SequenceRegressor,
        description=f"Sequence regressor (many-to-one or -many) with the {_cell} cell",
        cell=_cell,
    )

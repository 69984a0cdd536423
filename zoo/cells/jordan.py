"""Jordan's output-to-hidden recurrent cell, with a teacher-forced path."""

import keras
from keras import ops

from zoo.cells.base import RecurrentCell, check_positive_int


@keras.saving.register_keras_serializable(package="rnn_zoo")
class JordanCell(RecurrentCell):
    """The recurrent network of Jordan (1986): the previous *output* feeds back.

    ```math
    h_t = act(x_t W + y_{t-1} R + b)
    y_t = g(h_t V + c)
    ```

    The recurrent state is the previous output y (`state_size = output_size =
    output_units`). Because nothing but y crosses time, the cell can also run
    teacher-forced: given the previous targets y*_{t-1} in place of its own outputs,
    every step is independent and the whole sequence is two matrix products
    (`teacher_forced`, used by `zoo.layers.Recurrent(...)(x, previous_outputs=...)`).

    Weights (H = units, O = output_units): `kernel` W `(D, H)`, `recurrent_kernel` R
    `(O, H)`, `bias` b `(H,)`, `output_kernel` V `(H, O)`, `output_bias` c `(O,)`.
    V takes the kernel initializer, regularizer and constraint; c the bias ones.

    References:
        Jordan, "Serial order: a parallel distributed processing approach", ICS
        Report 8604, UC San Diego, 1986.

    Args:
        units: H, the size of the hidden layer.
        output_units: O, the size of the output (and state); default H.
        activation: `act`, default tanh.
        output_activation: `g`, default tanh (keeps the fed-back state bounded; use
            "linear" or "softmax" for an output layer trained on targets).
        Other arguments as `ElmanCell`; `recurrent_dropout` drops the fed-back y.
    """

    def __init__(
        self,
        units: int,
        output_units: int | None = None,
        output_activation="tanh",
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        check_positive_int("output_units", output_units, allow_none=True)
        self.output_units = output_units or units
        self.output_activation = keras.activations.get(output_activation)
        self.state_size = self.output_units
        self.output_size = self.output_units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_kernel("kernel", (input_dim, self.units))
        self.recurrent_kernel = self.add_kernel(
            "recurrent_kernel", (self.output_units, self.units), "recurrent"
        )
        self.bias = self.add_bias((self.units,))
        self.output_kernel = self.add_kernel(
            "output_kernel", (self.units, self.output_units)
        )
        self.output_bias = self.add_bias((self.output_units,), name="output_bias")

    def emit(self, projected, fed_back, training=False):
        """y from x W + b and the fed-back output; works per step, (B, H) and (B, O),
        and for whole sequences, (B, T, H) and (B, T, O)."""
        fed_back = self.drop_recurrent(fed_back, training)
        h = self.activation(projected + ops.matmul(fed_back, self.recurrent_kernel))
        y = ops.matmul(h, self.output_kernel)  # (..., O)
        if self.use_bias:
            y = y + self.output_bias
        return self.output_activation(y)

    def step(self, projected_t, states, training=False):
        y = self.emit(projected_t, self.single_state(states), training)  # (B, O)
        return y, [y]

    def teacher_forced(self, projected, previous_outputs, training=False):
        """All steps at once from the given previous outputs y*_{t-1}.

        projected: (B, T, H) from `project`; previous_outputs: (B, T, O), where
        previous_outputs[:, t] stands in for y_{t-1}. Returns y: (B, T, O).
        """
        return self.emit(projected, previous_outputs, training)

    def get_config(self):
        config = {
            "output_units": self.output_units,
            "output_activation": keras.activations.serialize(self.output_activation),
        }
        return {**super().get_config(), **config}

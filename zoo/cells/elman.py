"""Elman's hidden-to-hidden recurrent cell."""

import keras
from keras import ops

from zoo.cells.base import RecurrentCell


@keras.saving.register_keras_serializable(package="rnn_zoo")
class ElmanCell(RecurrentCell):
    """The simple recurrent network of Elman (1990): the hidden state feeds back.

    ```math
    h_t = act(x_t W + h_{t-1} U + b)
    ```

    Output and state are both `h_t` (`state_size = output_size = units`).

    Weights, laid out as `keras.layers.SimpleRNNCell` (so `set_weights` moves across):
    `kernel` W `(D, H)`, `recurrent_kernel` U `(H, H)`, `bias` b `(H,)`.

    References:
        Elman, "Finding structure in time", Cognitive Science 14(2), 1990.
        https://doi.org/10.1207/s15516709cog1402_1

    Args:
        units: H, the size of the hidden state.
        activation: `act`, default tanh.
        use_bias, *_initializer, *_regularizer, *_constraint: as in Keras cells.
        dropout, recurrent_dropout: variational dropout rates on x and on h_{t-1}.
        seed: seed of the dropout masks.
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_kernel("kernel", (input_dim, self.units))
        self.recurrent_kernel = self.add_kernel(
            "recurrent_kernel", (self.units, self.units), "recurrent"
        )
        self.bias = self.add_bias((self.units,))

    def step(self, projected_t, states, training=False):
        h_prev = self.single_state(states)  # (B, H)
        h_prev = self.drop_recurrent(h_prev, training)
        h = self.activation(projected_t + ops.matmul(h_prev, self.recurrent_kernel))
        return h, [h]

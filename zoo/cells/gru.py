"""The gated recurrent unit, both reset-gate placements, with Keras's weight layout."""

import keras
from keras import ops

# Keras's cuDNN GRU entry point (the one keras.layers.GRU calls); no public export,
# keras is pinned to 3.15.x in setup.py.
from keras.src import backend as keras_backend

from zoo.cells.base import RecurrentCell


@keras.saving.register_keras_serializable(package="rnn_zoo")
class GRUCell(RecurrentCell):
    """Gated recurrent unit (Cho et al. 2014).

    With `reset_after=True` (Keras's default and cuDNN's), the reset gate is applied
    after the recurrent matrix product, and there are two biases:

    ```math
    [x_z, x_r, x_h] = x_t W + b^{in}
    [u_z, u_r, u_h] = h_{t-1} U + b^{rec}
    z_t = σ(x_z + u_z)         r_t = σ(x_r + u_r)
    ĥ_t = act(x_h + r_t ⊙ u_h)
    h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ ĥ_t
    ```

    With `reset_after=False` (Cho et al. 2014), the reset gate is applied to the state
    before the product, and there is one bias:

    ```math
    [x_z, x_r, x_h] = x_t W + b
    z_t = σ(x_z + h_{t-1} U_z)   r_t = σ(x_r + h_{t-1} U_r)
    ĥ_t = act(x_h + (r_t ⊙ h_{t-1}) U_h)
    h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ ĥ_t
    ```

    Output and state are `h_t`. Weights, laid out exactly as `keras.layers.GRUCell` so
    `set_weights` moves across: `kernel` W `(D, 3H)`, `recurrent_kernel` U `(H, 3H)`,
    gates z, r, h along the last axis; `bias` `(2, 3H)` = [b^{in}, b^{rec}] with
    `reset_after=True`, `(3H,)` otherwise. PyTorch's `nn.GRU` is reset-after with gate
    order r, z, n on transposed matrices: `weight_ih_l0 = W.T` with its column blocks
    reordered to r, z, h, and `bias_ih_l0`, `bias_hh_l0` from b^{in}, b^{rec}.

    References:
        Cho et al., "Learning phrase representations using RNN encoder-decoder for
        statistical machine translation", EMNLP 2014. https://arxiv.org/abs/1406.1078

    Args:
        units: H.
        recurrent_activation: σ, default sigmoid. activation: act, default tanh.
        reset_after: where the reset gate sits (see above).
        Other arguments as `ElmanCell`.
    """

    def __init__(
        self,
        units: int,
        recurrent_activation="sigmoid",
        reset_after: bool = True,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        gates = 3 * self.units
        self.kernel = self.add_kernel("kernel", (input_dim, gates))
        self.recurrent_kernel = self.add_kernel(
            "recurrent_kernel", (self.units, gates), "recurrent"
        )
        self.bias = self.add_bias((2, gates) if self.reset_after else (gates,))

    @property
    def input_bias(self):
        return self.bias[0] if self.reset_after else self.bias

    def step(self, projected_t, states, training=False):
        h_prev = self.single_state(states)  # (B, H)
        h_dropped = self.drop_recurrent(h_prev, training)
        x_z, x_r, x_h = ops.split(projected_t, 3, axis=-1)
        if self.reset_after:
            u = ops.matmul(h_dropped, self.recurrent_kernel)  # (B, 3H)
            if self.use_bias:
                u = u + self.bias[1]
            u_z, u_r, u_h = ops.split(u, 3, axis=-1)
            z = self.recurrent_activation(x_z + u_z)
            r = self.recurrent_activation(x_r + u_r)
            h_candidate = self.activation(x_h + r * u_h)
        else:
            u_zr = ops.matmul(h_dropped, self.recurrent_kernel[:, : 2 * self.units])
            u_z, u_r = ops.split(u_zr, 2, axis=-1)  # (B, H) each
            z = self.recurrent_activation(x_z + u_z)
            r = self.recurrent_activation(x_r + u_r)
            u_h = ops.matmul(r * h_dropped, self.recurrent_kernel[:, 2 * self.units :])
            h_candidate = self.activation(x_h + u_h)
        h = z * h_prev + (1.0 - z) * h_candidate
        return h, [h]

    def fused_sequence(self, sequences, initial_state, mask, training, **loop_options):
        """cuDNN's GRU on a TensorFlow GPU, through the entry point `keras.layers.GRU`
        uses: reset-after only, sigmoid/tanh, with a bias, no recurrent dropout.
        On JAX, Keras's `gru` is a plain `lax.scan` (jax.experimental.rnn has no
        GRU), no faster than our loop, so it is not used."""
        if self.recurrent_dropout or keras.backend.backend() != "tensorflow":
            raise NotImplementedError
        return keras_backend.gru(
            self.drop_inputs(sequences, training),
            self.single_state(initial_state),
            mask,
            kernel=self.kernel,
            recurrent_kernel=self.recurrent_kernel,
            bias=self.bias,
            activation=self.activation,
            recurrent_activation=self.recurrent_activation,
            reset_after=self.reset_after,
            **loop_options,
        )

    def get_config(self):
        config = {
            "recurrent_activation": keras.activations.serialize(
                self.recurrent_activation
            ),
            "reset_after": self.reset_after,
        }
        return {**super().get_config(), **config}

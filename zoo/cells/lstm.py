"""The long short-term memory cell, with Keras's weight layout."""

import keras
from keras import ops

# Keras's cuDNN LSTM entry point (the one keras.layers.LSTM calls); no public export,
# keras is pinned to 3.15.x in setup.py.
from keras.src import backend as keras_backend

from zoo.cells.base import RecurrentCell, at_least_float32
from zoo.cells.lstm_bptt import lstm_sequence


@keras.saving.register_keras_serializable(package="rnn_zoo")
class LSTMCell(RecurrentCell):
    """Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of
    Gers, Schmidhuber & Cummins 2000).

    ```math
    [z_i, z_f, z_c, z_o] = x_t W + h_{t-1} U + b
    i_t = σ(z_i)            f_t = σ(z_f)            o_t = σ(z_o)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ act(z_c)
    h_t = o_t ⊙ act(c_t)
    ```

    σ is `recurrent_activation` (sigmoid), act is `activation` (tanh). States are
    `[h_t, c_t]`; the output is `h_t`.

    Weights, laid out exactly as `keras.layers.LSTMCell` so `set_weights` moves across:
    `kernel` W `(D, 4H)`, `recurrent_kernel` U `(H, 4H)`, `bias` b `(4H,)`, gates in
    the order i, f, c, o along the last axis. With `unit_forget_bias` the forget-gate
    bias starts at 1 (Jozefowicz et al. 2015). PyTorch's `nn.LSTM` uses the same gate
    order on transposed matrices, `weight_ih_l0 = W.T`, `weight_hh_l0 = U.T`, and
    splits b into `bias_ih_l0 + bias_hh_l0`.

    References:
        Hochreiter & Schmidhuber, "Long short-term memory", Neural Computation 1997.
        Gers, Schmidhuber & Cummins, "Learning to forget", Neural Computation 2000.

    Args:
        units: H, the size of h and c.
        activation: act, default tanh. recurrent_activation: σ, default sigmoid.
        unit_forget_bias: start the forget-gate bias at 1.
        use_bias, *_initializer, *_regularizer, *_constraint: as in Keras cells.
        dropout, recurrent_dropout: variational dropout rates on x and on h_{t-1}.
        seed: seed of the dropout masks.
    """

    # Indices of the states that `Recurrent` carries in float32 (the memory cell).
    float32_states = (1,)

    def __init__(
        self,
        units: int,
        recurrent_activation="sigmoid",
        unit_forget_bias: bool = True,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        gates = 4 * self.units
        self.kernel = self.add_kernel("kernel", (input_dim, gates))
        self.recurrent_kernel = self.add_kernel(
            "recurrent_kernel", (self.recurrent_units, gates), "recurrent"
        )
        self.bias = self.add_bias((gates,), self._gate_bias_initializer)

    @property
    def recurrent_units(self) -> int:
        """The size of the fed-back output h_{t-1}."""
        return self.units

    def _gate_bias_initializer(self, shape, dtype=None):
        bias = self.bias_initializer(shape, dtype=dtype)
        if not self.unit_forget_bias:
            return bias
        forget = ops.ones((self.units,), dtype=dtype)
        return ops.concatenate(
            [bias[: self.units], forget, bias[2 * self.units :]], axis=0
        )

    def step(self, projected_t, states, training=False):
        h_prev, c_prev = states  # (B, H), (B, H)
        h_prev = self.drop_recurrent(h_prev, training)
        z = projected_t + ops.matmul(h_prev, self.recurrent_kernel)  # (B, 4H)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        o = self.recurrent_activation(z_o)
        c = self.update_memory(c_prev, f, i * self.activation(z_c))
        h = o * ops.cast(self.activation(c), o.dtype)
        return h, [h, ops.cast(c, c_prev.dtype)]

    def fused_sequence(self, sequences, initial_state, mask, training, **loop_options):
        """cuDNN's LSTM on a GPU (TensorFlow; JAX only with `use_cudnn=True`),
        through the entry point `keras.layers.LSTM` uses. It computes the same
        equations with the same weight layout; Keras raises NotImplementedError on
        a CPU, for activations other than sigmoid/tanh, without a bias, with
        `unroll`, and (JAX) under a mask. Recurrent dropout has no cuDNN form; input
        dropout is applied to the sequence first."""
        if self.recurrent_dropout:
            raise NotImplementedError
        h_0, c_0 = initial_state  # (B, H), (B, H)
        return keras_backend.lstm(
            self.drop_inputs(sequences, training),
            h_0,
            c_0,
            mask,
            kernel=self.kernel,
            recurrent_kernel=self.recurrent_kernel,
            bias=self.bias,
            activation=self.activation,
            recurrent_activation=self.recurrent_activation,
            **loop_options,
        )

    def supports_explicit_bptt(self) -> bool:
        """`zoo.cells.lstm_bptt` holds for sigmoid gates and tanh, with float32 or
        float64 throughout (16-bit policies keep the memory cell in float32 through
        the loop instead)."""
        dtype = keras.backend.standardize_dtype(self.compute_dtype)
        return (
            self.activation is keras.activations.tanh
            and self.recurrent_activation is keras.activations.sigmoid
            and dtype in ("float32", "float64")
            and dtype == keras.backend.standardize_dtype(self.variable_dtype)
        )

    def explicit_bptt_sequence(
        self, projected, initial_state, training, **cell_options
    ):
        """The whole sequence `projected` (B, T, 4H) from `initial_state`, with the
        hand-written backward pass of `zoo.cells.lstm_bptt` (`cell_options`: the
        peephole cell's peepholes, clip and projection)."""
        output_0, cell_0 = initial_state  # (B, P), (B, H)
        recurrent_mask = None
        if training and self.recurrent_dropout:
            recurrent_mask = self.drop_recurrent(ops.ones_like(output_0), training)
        outputs, last_cell = lstm_sequence(
            projected,
            output_0,
            cell_0,
            self.recurrent_kernel,
            recurrent_mask=recurrent_mask,
            **cell_options,
        )  # (B, T, P), (B, H)
        last_output = outputs[:, -1]  # (B, P)
        return last_output, outputs, [last_output, last_cell]

    @staticmethod
    def update_memory(c_prev, forget, candidate):
        """c_t = f ⊙ c_{t-1} + i ⊙ act(z_c), summed in float32 (or float64).

        Under mixed precision the gates are float16/bfloat16, but the memory cell
        is a running sum over the whole sequence: in bfloat16 (8-bit mantissa)
        increments below half a unit in the last place are lost. `Recurrent` hands
        the cell state in as float32 (`float32_states`), so it stays float32
        across steps; inside `keras.layers.RNN` it is rounded back each step.
        """
        c_prev = at_least_float32(c_prev)
        return ops.cast(forget, c_prev.dtype) * c_prev + ops.cast(
            candidate, c_prev.dtype
        )

    def get_config(self):
        config = {
            "recurrent_activation": keras.activations.serialize(
                self.recurrent_activation
            ),
            "unit_forget_bias": self.unit_forget_bias,
        }
        return {**super().get_config(), **config}

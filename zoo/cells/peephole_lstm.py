"""The peephole LSTM, with optional cell clipping and output projection (LSTMP)."""

import keras
from keras import ops

from zoo.cells.base import check_positive_int
from zoo.cells.lstm import LSTMCell


@keras.saving.register_keras_serializable(package="rnn_zoo")
class PeepholeLSTMCell(LSTMCell):
    """LSTM whose gates look at the memory cell (Gers, Schraudolph & Schmidhuber 2002),
    with optional cell clipping and a recurrent projection layer (LSTMP, Sak et al.
    2014).

    ```math
    [z_i, z_f, z_c, z_o] = x_t W + r_{t-1} U + b
    i_t = σ(z_i + p_i ⊙ c_{t-1})
    f_t = σ(z_f + p_f ⊙ c_{t-1})
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ act(z_c)
    c_t = clip(c_t, -cell_clip, cell_clip)          (only when cell_clip is set)
    o_t = σ(z_o + p_o ⊙ c_t)
    h_t = o_t ⊙ act(c_t)
    r_t = h_t W_p                                    (only with projection_units,
                                                      otherwise r_t = h_t)
    ```

    The input and forget gates see the previous cell c_{t-1}, the output gate sees
    the new cell c_t. The peepholes p are diagonal (vectors). States are
    `[r_t, c_t]`; the output is r_t (size P with a projection, H otherwise).
    With `use_peepholes=False`, no clip and no projection it is exactly `LSTMCell`.

    Weights (names and shapes; H = units, P = projection_units or H):
    - `kernel` W `(D, 4H)`, `recurrent_kernel` U `(P, 4H)`, `bias` b `(4H,)`: as
      `LSTMCell` (gates i, f, c, o), except U reads r_{t-1} of size P.
    - `input_peephole` p_i, `forget_peephole` p_f, `output_peephole` p_o: `(H,)` each.
      TF1's `tf.compat.v1.nn.rnn_cell.LSTMCell(use_peepholes=True)` calls them
      `w_i_diag`, `w_f_diag`, `w_o_diag`; TF Addons' `PeepholeLSTMCell` calls them
      `{input,forget,output}_gate_peephole_weights`.
    - `projection_kernel` W_p `(H, P)`: TF1's `projection/kernel` (`num_proj=P`);
      PyTorch's `nn.LSTM(proj_size=P)` stores its transpose as `weight_hr_l0`.
    TF1 packs W and U into one `(D + P, 4H)` kernel with gates i, c(j), f, o: split
    its rows into W and U and reorder the column blocks to i, f, c, o.

    References:
        Gers, Schraudolph & Schmidhuber, "Learning precise timing with LSTM recurrent
        networks", JMLR 3, 2002. https://www.jmlr.org/papers/v3/gers02a.html
        Sak, Senior & Beaufays, "Long short-term memory recurrent neural network
        architectures for large scale acoustic modeling", Interspeech 2014.

    Args:
        units: H, the size of the memory cell.
        use_peepholes: whether the gates see the cell (p_i, p_f, p_o).
        cell_clip: if set, c_t is clipped to [-cell_clip, cell_clip].
        projection_units: if set, P: the output and fed-back state are r_t = h_t W_p.
        peephole_initializer: initializer of p (TF Addons used glorot_uniform).
        Other arguments as `LSTMCell`.
    """

    def __init__(
        self,
        units: int,
        use_peepholes: bool = True,
        cell_clip: float | None = None,
        projection_units: int | None = None,
        peephole_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        if cell_clip is not None and (
            isinstance(cell_clip, bool)
            or not isinstance(cell_clip, (int, float))
            or cell_clip <= 0
        ):
            raise ValueError(
                f"cell_clip must be a positive number or None; got {cell_clip!r}."
            )
        check_positive_int("projection_units", projection_units, allow_none=True)
        self.use_peepholes = use_peepholes
        self.cell_clip = cell_clip
        self.projection_units = projection_units
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.state_size = [self.recurrent_units, units]
        self.output_size = self.recurrent_units

    @property
    def recurrent_units(self) -> int:
        return self.projection_units or self.units

    def build(self, input_shape):
        super().build(input_shape)
        if self.use_peepholes:
            for gate in ("input", "forget", "output"):
                peephole = self.add_weight(
                    shape=(self.units,),
                    name=f"{gate}_peephole",
                    initializer=self.peephole_initializer,
                )
                setattr(self, f"{gate}_peephole", peephole)
        if self.projection_units:
            self.projection_kernel = self.add_kernel(
                "projection_kernel", (self.units, self.projection_units)
            )

    def step(self, projected_t, states, training=False):
        r_prev, c_prev = states  # (B, P), (B, H)
        r_prev = self.drop_recurrent(r_prev, training)
        z = projected_t + ops.matmul(r_prev, self.recurrent_kernel)  # (B, 4H)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        if self.use_peepholes:
            c_seen = ops.cast(c_prev, z.dtype)
            z_i = z_i + self.input_peephole * c_seen
            z_f = z_f + self.forget_peephole * c_seen
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = self.update_memory(c_prev, f, i * self.activation(z_c))  # >= float32
        if self.cell_clip is not None:
            c = ops.clip(c, -self.cell_clip, self.cell_clip)
        c_seen = ops.cast(c, z.dtype)
        if self.use_peepholes:
            z_o = z_o + self.output_peephole * c_seen
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c_seen)  # (B, H)
        r = (
            ops.matmul(h, self.projection_kernel) if self.projection_units else h
        )  # (B, P)
        return r, [r, ops.cast(c, c_prev.dtype)]

    def fused_sequence(self, sequences, initial_state, mask, training, **loop_options):
        """cuDNN (as `LSTMCell`) only for the plain-LSTM configuration: Keras's cuDNN
        entry point has no peepholes, clipping or projection."""
        if (
            self.use_peepholes
            or self.cell_clip is not None
            or self.projection_units is not None
        ):
            raise NotImplementedError
        return super().fused_sequence(
            sequences, initial_state, mask, training, **loop_options
        )

    def explicit_bptt_sequence(self, projected, initial_state, training):
        """As `LSTMCell`'s, with the peepholes, clip and projection."""
        peepholes = None
        if self.use_peepholes:
            peepholes = (
                self.input_peephole,
                self.forget_peephole,
                self.output_peephole,
            )
        return super().explicit_bptt_sequence(
            projected,
            initial_state,
            training,
            peepholes=peepholes,
            projection_kernel=self.projection_kernel if self.projection_units else None,
            cell_clip=self.cell_clip,
        )

    def get_config(self):
        config = {
            "use_peepholes": self.use_peepholes,
            "cell_clip": self.cell_clip,
            "projection_units": self.projection_units,
            "peephole_initializer": keras.saving.serialize_keras_object(
                self.peephole_initializer
            ),
        }
        return {**super().get_config(), **config}

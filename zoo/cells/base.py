"""The base class of every zoo cell: the cell protocol and what all cells share."""

import keras
from keras import ops

# Keras's own mixin caches one dropout mask per sequence (variational dropout) and is
# what `keras.layers.RNN` looks for to draw the masks before its loop; it has no public
# export, so it is imported from its module (keras is pinned to 3.15.x in setup.py).
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell


class RecurrentCell(keras.layers.Layer, DropoutRNNCell):
    """A recurrent cell split into a state-free and a state-dependent part.

    The cell protocol:

    - `project(inputs, training)`: everything that does not depend on the recurrent
      state, for every time step at once: `(B, T, D) -> (B, T, G)` (or `(B, D) ->
      (B, G)` for one step). One large matrix product `x @ W + b` for all gates.
    - `step(projected_t, states, training)`: only what depends on the state
      (`h @ U`, peepholes, gates). Returns `(output, new_states)`.
    - `call(inputs, states, training)`: one step from raw inputs, so every cell also
      runs inside `keras.layers.RNN`.
    - `states[0]` is always the cell's output (Keras's JAX loop emits `states[0]` at
      masked steps).
    - Optional fast paths over a whole sequence: `fused_sequence` (a vendor kernel,
      cuDNN; raises NotImplementedError where it does not apply) and
      `explicit_bptt_sequence` (a hand-written backward pass through time, where
      `supports_explicit_bptt()` says so).

    Dropout is variational (Gal & Ghahramani 2016, https://arxiv.org/abs/1512.05287):
    one input mask and one recurrent mask per sequence, shared by all gates, drawn
    once by the layer that drives the cell and cached by Keras's `DropoutRNNCell`.

    `float32_states` lists the indices of states that `Recurrent` carries in float32
    under mixed precision (the LSTM memory cell); the step returns each state in the
    dtype it was given.

    Subclasses set `state_size` and `output_size`, create their weights in `build`
    (`kernel` is the input matrix of `project`) and implement `step`; one whose
    projection adds another bias than `bias` overrides `input_bias` (GRU).
    """

    float32_states: tuple[int, ...] = ()

    def __init__(
        self,
        units: int,
        activation="tanh",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        for name, rate in (
            ("dropout", dropout),
            ("recurrent_dropout", recurrent_dropout),
        ):
            if (
                isinstance(rate, bool)
                or not isinstance(rate, (int, float))
                or not (0.0 <= rate < 1.0)
            ):
                raise ValueError(f"{name} must be a number in [0, 1); got {rate!r}.")
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)

    # === Weights ===

    def add_kernel(self, name: str, shape: tuple, kind: str = "kernel"):
        """Adds a weight with the initializer/regularizer/constraint of `kind`.

        `kind` is "kernel" (input-to-hidden) or "recurrent" (hidden-to-hidden).
        """
        return self.add_weight(
            shape=shape,
            name=name,
            initializer=getattr(self, f"{kind}_initializer"),
            regularizer=getattr(self, f"{kind}_regularizer"),
            constraint=getattr(self, f"{kind}_constraint"),
        )

    def add_bias(self, shape: tuple, initializer=None, name: str = "bias"):
        """Adds a bias (None when `use_bias` is False)."""
        if not self.use_bias:
            return None
        return self.add_weight(
            shape=shape,
            name=name,
            initializer=initializer or self.bias_initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint,
        )

    # === The protocol ===

    def project(self, inputs, training=False):
        """x @ W + b for every time step: (B, T, D) -> (B, T, G)."""
        inputs = self.drop_inputs(inputs, training)
        projected = ops.matmul(inputs, self.kernel)  # (B, T, G)
        if self.use_bias:
            projected = projected + self.input_bias
        return projected

    @property
    def input_bias(self):
        """The bias added in `project` (GRU with reset_after keeps a second one)."""
        return self.bias

    def step(self, projected_t, states, training=False):
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        return self.step(self.project(inputs, training), states, training)

    def fused_sequence(self, sequences, initial_state, mask, training, **loop_options):
        """The whole sequence in one vendor kernel (cuDNN), returning what
        `keras.src.backend.rnn` returns: `(last_output, outputs, new_states)`.

        Raises NotImplementedError where the backend, the device or the cell's
        configuration has no such kernel; `Recurrent` then runs its own loop.
        `loop_options` are `return_sequences`, `go_backwards` and `unroll`.
        """
        raise NotImplementedError

    def supports_explicit_bptt(self) -> bool:
        """Whether `explicit_bptt_sequence` computes this cell's configuration
        (no cell has it by default; `Recurrent` then differentiates its loop)."""
        return False

    def explicit_bptt_sequence(self, projected, initial_state, training):
        """The whole sequence from its projection `(B, T, G)`, with a hand-written
        backward pass through time, returning what `keras.src.backend.rnn` returns:
        `(last_output, outputs, new_states)`. Only called where
        `supports_explicit_bptt()` is True."""
        raise NotImplementedError

    # === Variational dropout ===

    def drop_inputs(self, inputs, training):
        """Applies the per-sequence input mask to x, of shape (B, D) or (B, T, D)."""
        if not training or self.dropout == 0.0:
            return inputs
        return _apply_sequence_mask(inputs, self.get_dropout_mask)

    def drop_recurrent(self, fed_back, training):
        """Applies the per-sequence recurrent mask to the fed-back state, of shape
        (B, S) or, teacher-forced, (B, T, S)."""
        if not training or self.recurrent_dropout == 0.0:
            return fed_back
        return _apply_sequence_mask(fed_back, self.get_recurrent_dropout_mask)

    @staticmethod
    def single_state(states):
        """The one state of a single-state cell, given as a list or as a tensor."""
        return states[0] if isinstance(states, (list, tuple)) else states

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "recurrent_constraint": serialize(self.recurrent_constraint),
            "bias_constraint": serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


def check_positive_int(name: str, value, allow_none: bool = False) -> None:
    """Raises ValueError naming `value` unless it is a positive int (or None)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        expected = "a positive integer" + (" or None" if allow_none else "")
        raise ValueError(f"{name} must be {expected}; got {name}={value!r}.")


def at_least_float32(tensor):
    """`tensor` in float32 if it is float16/bfloat16, unchanged otherwise."""
    if keras.backend.standardize_dtype(tensor.dtype) in ("float16", "bfloat16"):
        return ops.cast(tensor, "float32")
    return tensor


def _apply_sequence_mask(values, get_mask):
    """values * mask, with one (B, S) mask for every time step of (B, T, S) values."""
    if len(values.shape) == 3:
        mask = get_mask(values[:, 0])  # (B, S)
        return values * ops.expand_dims(mask, 1)
    return values * get_mask(values)


def state_sizes(cell) -> list[int]:
    """The sizes of a cell's states, as a list even for a single state."""
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]

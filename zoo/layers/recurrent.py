"""`Recurrent`: the layer that drives a zoo cell over a sequence."""

import keras
from keras import ops

# The backend loop (tf.while_loop on TensorFlow, lax.scan on JAX) with Keras's mask,
# go_backwards and unroll handling; `keras.layers.RNN` uses the same function but has
# no public export of it (keras is pinned to 3.15.x in setup.py).
from keras.src import backend as keras_backend

from zoo.cells.base import RecurrentCell, at_least_float32


@keras.saving.register_keras_serializable(package="rnn_zoo")
class Recurrent(keras.layers.RNN):
    """Runs a zoo cell over time: one input projection per sequence, then a loop of
    state-dependent steps.

    `keras.layers.RNN` calls its cell once per time step, so every step repeats
    `x_t @ W`. `Recurrent` calls `cell.project` once on the whole `(B, T, D)` sequence
    (one large matrix product) and loops only `cell.step` (`h @ U` and the gates).
    Everything else is `keras.layers.RNN`'s: masks (left padding, right padding,
    holes), `return_sequences`, `return_state`, `go_backwards`, `initial_state`,
    `stateful` (truncated backpropagation through time; see `zoo.layers.states` for
    resetting and setting states), `unroll`, serialization and
    bidirectional wrapping (use `zoo.layers.Bidirectional`, which
    `keras.layers.Bidirectional` is with a fix for loading saved models).

    Teacher forcing: for a cell with a `teacher_forced` method (`JordanCell`), call the
    layer with `previous_outputs` of shape `(B, T, O)`, where `previous_outputs[:, t]`
    stands in for the cell's output at t-1. Every step is then independent and the
    whole sequence is computed without a loop. Under a mask, masked steps give what
    the loop gives: the last real output (zeros with `zero_output_for_mask`), and the
    returned state is the output at each row's last real step.

    Shapes: inputs `(B, T, D)`; output `(B, T, O)` with `return_sequences`, else
    `(B, O)`; with `return_state`, followed by one `(B, S_k)` tensor per state.

    cuDNN: on a TensorFlow GPU, cells with a vendor kernel (`LSTMCell`, `GRUCell`,
    and `PeepholeLSTMCell` without peepholes, clip or projection) run the whole
    sequence through cuDNN in the configurations it computes (see each cell's
    `fused_sequence`), as `keras.layers.LSTM`/`GRU` do. On JAX, "auto" keeps the
    loop: Keras's cuDNN LSTM there (`jax.experimental.rnn`) measured 1.3x slower to
    train and 1.5x slower at batch-1 inference than this layer's loop on an H200
    (BENCHMARKS.md); `use_cudnn=True` still takes it. The weights are the same
    either way, so a model trained on a GPU runs on a CPU through the loop.

    Backpropagation through time: in training, cells with a hand-written backward
    pass (the LSTM family, `zoo.cells.lstm_bptt`) use it for unmasked sequences
    without `unroll`: the forward loop is not differentiated, and the gradients
    summed over time are single large products after the backward loop. It computes
    the same gradients as autodiff through the loop (`explicit_bptt=False`); it is
    faster on JAX and at the language-model shapes on TensorFlow, within about 5%
    elsewhere (BENCHMARKS.md), and gives first derivatives only (no gradient of a
    gradient).

    Args:
        cell: a `zoo.cells.RecurrentCell`.
        use_cudnn: "auto" (cuDNN where it applies on TensorFlow, the loop
            otherwise), True (cuDNN or a ValueError, on either backend), False
            (always the loop).
        explicit_bptt: use the cell's hand-written backward pass where it applies
            (True) or always differentiate the loop (False).
        Other arguments as `keras.layers.RNN`.
    """

    def __init__(self, cell, use_cudnn="auto", explicit_bptt=True, **kwargs):
        if not isinstance(cell, RecurrentCell):
            raise ValueError(
                "Recurrent drives zoo cells (zoo.cells.RecurrentCell, with project and "
                f"step); got cell={cell!r}. Use keras.layers.RNN for other cells."
            )
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f'use_cudnn must be "auto", True or False; got use_cudnn={use_cudnn!r}.'
            )
        if not isinstance(explicit_bptt, bool):
            raise ValueError(
                "explicit_bptt must be True or False; got "
                f"explicit_bptt={explicit_bptt!r}."
            )
        super().__init__(cell, **kwargs)
        self.use_cudnn = use_cudnn
        self.explicit_bptt = explicit_bptt

    def build(self, sequences_shape, initial_state_shape=None):
        _check_rank(sequences_shape)
        super().build(sequences_shape, initial_state_shape)

    def call(
        self,
        sequences,
        initial_state=None,
        mask=None,
        training=False,
        previous_outputs=None,
    ):
        _check_rank(sequences.shape)
        if initial_state is not None:
            self._check_initial_state(initial_state, batch_size=sequences.shape[0])
        if previous_outputs is not None:
            return self._call_teacher_forced(
                sequences, previous_outputs, initial_state, mask, training
            )
        return super().call(sequences, initial_state, mask, training)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self._tries_cudnn():
            try:
                return self._fused_loop(sequences, initial_state, mask, training)
            except NotImplementedError:
                if self.use_cudnn is True:
                    raise ValueError(
                        f"use_cudnn=True, but {type(self.cell).__name__} has no cuDNN "
                        "kernel for this configuration, backend and device (cuDNN "
                        "needs a GPU, sigmoid/tanh, a bias, no recurrent dropout, no "
                        "unroll). Pass use_cudnn='auto' to fall back to the loop."
                    ) from None
        projected = self.cell.project(sequences, training)  # (B, T, G)
        if self._use_explicit_bptt(mask, training):
            in_step_order = (
                ops.flip(projected, axis=1) if self.go_backwards else projected
            )
            return self.cell.explicit_bptt_sequence(
                in_step_order, initial_state, training
            )

        def step(projected_t, states):
            return self.cell.step(projected_t, states, training)

        initial_state = [
            at_least_float32(state) if index in self.cell.float32_states else state
            for index, state in enumerate(initial_state)
        ]
        return keras_backend.rnn(
            step,
            projected,
            initial_state,
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            input_length=projected.shape[1],
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def _tries_cudnn(self) -> bool:
        """True always; "auto" on TensorFlow only (on JAX the loop is faster)."""
        return self.use_cudnn is True or (
            self.use_cudnn == "auto" and keras.backend.backend() == "tensorflow"
        )

    def _use_explicit_bptt(self, mask, training) -> bool:
        """Training on unmasked, not unrolled sequences, with a cell that has it.
        Inference takes the loop, which saves nothing for a backward pass."""
        return bool(
            self.explicit_bptt
            and training
            and mask is None
            and not self.unroll
            and self.cell.supports_explicit_bptt()
        )

    def _fused_loop(self, sequences, initial_state, mask, training):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        outputs = self.cell.fused_sequence(
            sequences,
            initial_state,
            mask,
            training,
            return_sequences=self.return_sequences,
            go_backwards=self.go_backwards,
            unroll=self.unroll,
        )
        # cuDNN ops have no XLA form (keras.layers.LSTM does the same).
        if keras.backend.backend() == "tensorflow":
            self.supports_jit = False
        return outputs

    def get_config(self):
        return {
            **super().get_config(),
            "use_cudnn": self.use_cudnn,
            "explicit_bptt": self.explicit_bptt,
        }

    # === Teacher forcing ===

    def _call_teacher_forced(
        self, sequences, previous_outputs, initial_state, mask, training
    ):
        cell = self.cell
        if not hasattr(cell, "teacher_forced"):
            raise ValueError(
                f"{type(cell).__name__} cannot run teacher-forced: its state is not "
                "its previous output. Only output-to-hidden cells (JordanCell) take "
                "previous_outputs."
            )
        if self.go_backwards:
            raise ValueError(
                "previous_outputs cannot be combined with go_backwards=True."
            )
        if initial_state is not None:
            raise ValueError(
                "Pass either initial_state or previous_outputs, not both: "
                "previous_outputs[:, 0] already stands in for the initial state."
            )
        shape, time_steps = tuple(previous_outputs.shape), sequences.shape[1]
        if (
            len(shape) != 3
            or shape[-1] != cell.output_size
            or None not in (shape[1], time_steps)
            and shape[1] != time_steps
        ):
            raise ValueError(
                "previous_outputs must have shape (batch, time, output_units) = "
                f"(B, {time_steps}, {cell.output_size}); got {shape}."
            )
        previous_outputs = ops.cast(previous_outputs, self.compute_dtype)
        self._maybe_config_dropout_masks(
            cell, sequences[:, 0, :], [previous_outputs[:, 0, :]]
        )
        projected = cell.project(sequences, training)  # (B, T, H)
        outputs = cell.teacher_forced(
            projected, previous_outputs, training
        )  # (B, T, O)
        self._maybe_reset_dropout_masks(cell)
        if mask is not None:
            outputs = self._hold_over_masked_steps(outputs, mask)
        last_output = outputs[:, -1]  # (B, O)
        if mask is not None and self.zero_output_for_mask:
            outputs = ops.where(ops.expand_dims(mask, -1), outputs, 0)
        if self.stateful:
            self.states[0].assign(last_output)
        output = outputs if self.return_sequences else last_output
        return (output, last_output) if self.return_state else output

    @staticmethod
    def _hold_over_masked_steps(outputs, mask):
        """At a masked step, the output of the last real step before it (zeros before
        the first), as the loop gives it: (B, T, O) -> (B, T, O)."""
        time_index = ops.expand_dims(ops.arange(ops.shape(mask)[1]), 0)  # (1, T)
        last_real = ops.where(mask, time_index, -1)  # (B, T)
        last_real = ops.associative_scan(ops.maximum, last_real, axis=1)  # running max
        held = ops.take_along_axis(
            outputs, ops.expand_dims(ops.maximum(last_real, 0), -1), axis=1
        )
        return ops.where(ops.expand_dims(last_real >= 0, -1), held, 0)

    def _check_initial_state(self, initial_state, batch_size):
        states = (
            initial_state
            if isinstance(initial_state, (list, tuple))
            else [initial_state]
        )
        if len(states) != len(self.state_size):
            raise ValueError(
                f"{type(self.cell).__name__} has {len(self.state_size)} state(s) of "
                f"sizes {self.state_size}; got {len(states)} initial state(s)."
            )
        for index, (state, size) in enumerate(
            zip(states, self.state_size, strict=True)
        ):
            shape = tuple(state.shape)
            if (
                len(shape) != 2
                or shape[-1] not in (None, size)
                or None not in (batch_size, shape[0])
                and shape[0] != batch_size
            ):
                raise ValueError(
                    f"initial_state[{index}] must have shape ({batch_size}, {size}) "
                    f"for {type(self.cell).__name__} on inputs of batch size "
                    f"{batch_size}; got shape {shape}."
                )


def _check_rank(sequences_shape):
    if len(sequences_shape) != 3:
        raise ValueError(
            "Recurrent expects inputs of rank 3, (batch, time, features); got shape "
            f"{tuple(sequences_shape)}."
        )

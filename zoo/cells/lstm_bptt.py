"""Backpropagation through time written out by hand for the LSTM family.

Autodiff through a recurrent loop is slow in two places (measured in BENCHMARKS.md):
the gradient of the recurrent kernel is summed inside the backward loop, one
`(P, B) @ (B, 4H)` product per step, and on TensorFlow the gradient that flows back
into the hoisted input projection is written through the loop's input list, whose
per-step gradient costs more than the products. Here the forward loop is not
differentiated and keeps its gates and cells; the backward loop computes only what
must be sequential (`dz_t` and `dr_{t-1} = dz_t U^T`); everything summed over time is
one large product after it:

```math
dU = Σ_t s_{t-1}^T dz_t          (s_{t-1} = r_{t-1} ⊙ recurrent dropout mask)
dW_p = Σ_t h_t^T dr_t            p_i: Σ dz_i ⊙ c_{t-1}   p_f: Σ dz_f ⊙ c_{t-1}
d(x_t W + b) = dz_t              p_o: Σ dz_o ⊙ c_t
```

Per step, with `dr_t` the gradient reaching r_t (from the outputs and from step t+1)
and the gates saved by the forward loop:

```math
dh = dr_t W_p^T                                 (dh = dr_t without projection)
dz_o = dh ⊙ tanh(c_t) ⊙ o(1 - o)
dc = dc_{t+1} + dh ⊙ o ⊙ (1 - tanh²(c_t)) + dz_o ⊙ p_o,  zeroed where |c_t| ≥ clip
dz_i = dc ⊙ g ⊙ i(1 - i)    dz_f = dc ⊙ c_{t-1} ⊙ f(1 - f)    dz_c = dc ⊙ i ⊙ (1 - g²)
dc_t-1 = dc ⊙ f + dz_i ⊙ p_i + dz_f ⊙ p_f
dr_{t-1} = (dz_t U^T) ⊙ recurrent dropout mask
```

It holds for sigmoid gates and tanh activations in float32 or float64; the cells
say where it applies (`LSTMCell.supports_explicit_bptt`).
"""

from keras import ops

from zoo.cells.compiled_scan import scan


def lstm_sequence(
    projected,
    initial_output,
    initial_cell,
    recurrent_kernel,
    peepholes=None,
    projection_kernel=None,
    recurrent_mask=None,
    cell_clip=None,
):
    """Runs `PeepholeLSTMCell`'s equations (plain `LSTMCell` when there are no
    peepholes, clip or projection) over a whole sequence, with the gradient above.

    Args:
        projected: `x W + b` for every step, `(B, T, 4H)`.
        initial_output, initial_cell: r_0 `(B, P)` and c_0 `(B, H)`.
        recurrent_kernel: U `(P, 4H)`.
        peepholes: None or `(p_i, p_f, p_o)`, each `(H,)`.
        projection_kernel: None or W_p `(H, P)`.
        recurrent_mask: None or the recurrent dropout mask `(B, P)` (no gradient).
        cell_clip: None or a positive number.

    Returns:
        `(outputs, last_cell)`: r_t for every step `(B, T, P)` and c_T `(B, H)`.
    """
    weights = [recurrent_kernel]
    if peepholes is not None:
        weights += list(peepholes)
    if projection_kernel is not None:
        weights.append(projection_kernel)
    # Tensors, not variables: TensorFlow's custom gradient refuses variables read
    # inside the function (ops.copy is tf.identity there, elided by XLA on JAX).
    weights = [ops.copy(weight) for weight in weights]
    dropout = recurrent_mask is not None
    if not dropout:  # a placeholder argument, never multiplied
        recurrent_mask = ops.zeros((), dtype=initial_output.dtype)
    sequence = _lstm_sequence_function(
        dropout=dropout,
        peephole=peepholes is not None,
        projection=projection_kernel is not None,
        cell_clip=cell_clip,
    )
    return sequence(projected, initial_output, initial_cell, recurrent_mask, *weights)


def _lstm_sequence_function(dropout, peephole, projection, cell_clip):
    """The sequence as a function of flat tensors, with its hand-written gradient.

    Both loops are scans (`keras.ops.scan`, compiled with XLA on a TensorFlow CPU
    up to 768 units: compiled_scan.py) whose per-step outputs are their carries
    (TensorFlow's scan stacks exactly the carry), so what the backward pass needs
    is stacked by the loops themselves: no per-step concatenation, and the reverse
    loop reads and writes in time order without copying its inputs reversed.
    """

    def unpack(weights):
        weights = list(weights)
        kernel = weights.pop(0)
        peepholes = [weights.pop(0) for _ in range(3)] if peephole else None
        projection_kernel = weights.pop(0) if projection else None
        return kernel, peepholes, projection_kernel

    @ops.custom_gradient
    def sequence(projected, output_0, cell_0, mask, *weights):
        kernel, peepholes, projection_kernel = unpack(weights)

        def drop(fed_back):  # the recurrent dropout mask, when there is one
            return fed_back * mask if dropout else fed_back

        projected_tm = ops.transpose(projected, (1, 0, 2))  # (T, B, 4H)

        def forward_step(carry, z_input):
            r_prev, c_prev = carry[:2]  # (B, P), (B, H)
            z = z_input + ops.matmul(drop(r_prev), kernel)  # (B, 4H)
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
            if peephole:
                z_i = z_i + peepholes[0] * c_prev
                z_f = z_f + peepholes[1] * c_prev
            i, f, g = ops.sigmoid(z_i), ops.sigmoid(z_f), ops.tanh(z_c)
            c = f * c_prev + i * g
            if cell_clip is not None:
                c = ops.clip(c, -cell_clip, cell_clip)
            if peephole:
                z_o = z_o + peepholes[2] * c
            o = ops.sigmoid(z_o)
            h = o * ops.tanh(c)  # (B, H)
            if projection:
                carry = (ops.matmul(h, projection_kernel), c, i, f, g, o, h)
            else:
                carry = (h, c, i, f, g, o)
            return carry, carry

        cell_zeros = ops.zeros_like(cell_0)  # (B, H)
        units = cell_0.shape[-1]
        saved = 5 if projection else 4  # i, f, g, o (and h) start as zeros
        (_, last_cell, *_), saved_tm = scan(
            forward_step,
            (output_0, cell_0) + (cell_zeros,) * saved,
            projected_tm,
            units,
        )
        # (T, B, P), (T, B, H), then i, f, g, o (and h) each (T, B, H)
        outputs_tm, cells_tm, *gates_tm = saved_tm

        def backward(*upstream):
            # TensorFlow passes one gradient per output, JAX one tuple.
            d_outputs, d_last_cell = upstream[0] if len(upstream) == 1 else upstream
            d_outputs_tm = ops.transpose(d_outputs, (1, 0, 2))  # (T, B, P)
            previous_outputs_tm = ops.concatenate(
                [ops.expand_dims(output_0, 0), outputs_tm[:-1]], axis=0
            )  # (T, B, P)
            previous_cells_tm = ops.concatenate(
                [ops.expand_dims(cell_0, 0), cells_tm[:-1]], axis=0
            )  # (T, B, H)
            # Transposed once here, not at every step of the loop.
            kernel_t = ops.transpose(kernel)  # (4H, P)
            if projection:
                projection_kernel_t = ops.transpose(projection_kernel)  # (P, H)

            def backward_step(carry, inputs_t):
                d_r_next, d_c_next = carry[:2]  # (B, P), (B, H)
                d_output, c, c_prev, i, f, g, o = inputs_t  # (B, P), then (B, H)
                d_r = d_output + d_r_next
                d_h = ops.matmul(d_r, projection_kernel_t) if projection else d_r
                tanh_c = ops.tanh(c)
                d_z_o = d_h * tanh_c * o * (1.0 - o)
                d_c = d_c_next + d_h * o * (1.0 - tanh_c * tanh_c)
                if peephole:
                    d_c = d_c + d_z_o * peepholes[2]
                if cell_clip is not None:
                    d_c = ops.where(ops.abs(c) < cell_clip, d_c, 0.0)
                d_z_i = d_c * g * i * (1.0 - i)
                d_z_f = d_c * c_prev * f * (1.0 - f)
                d_z_c = d_c * i * (1.0 - g * g)
                d_c_prev = d_c * f
                if peephole:
                    d_c_prev = d_c_prev + d_z_i * peepholes[0] + d_z_f * peepholes[1]
                d_z = ops.concatenate([d_z_i, d_z_f, d_z_c, d_z_o], axis=-1)
                d_r_prev = drop(ops.matmul(d_z, kernel_t))  # (B, P)
                carry = (d_r_prev, d_c_prev, d_z) + ((d_r,) if projection else ())
                return carry, carry

            init = (
                ops.zeros_like(output_0),
                d_last_cell,
                ops.zeros_like(projected_tm[0]),
            ) + ((ops.zeros_like(output_0),) if projection else ())
            (d_output_0, d_cell_0, *_), d_saved_tm = scan(
                backward_step,
                init,
                (d_outputs_tm, cells_tm, previous_cells_tm, *gates_tm[:4]),
                units,
                reverse=True,
            )
            d_z_tm = d_saved_tm[2]  # (T, B, 4H)
            d_kernel = _sum_outer(drop(previous_outputs_tm), d_z_tm)  # (P, 4H)
            d_weights = [d_kernel]
            if peephole:
                d_z_i, d_z_f, _, d_z_o = ops.split(d_z_tm, 4, axis=-1)
                d_weights += [
                    ops.sum(d_z_i * previous_cells_tm, axis=(0, 1)),
                    ops.sum(d_z_f * previous_cells_tm, axis=(0, 1)),
                    ops.sum(d_z_o * cells_tm, axis=(0, 1)),
                ]
            if projection:
                hidden_tm, d_r_tm = gates_tm[4], d_saved_tm[3]  # (T, B, H), (T, B, P)
                d_weights.append(_sum_outer(hidden_tm, d_r_tm))  # (H, P)
            d_projected = ops.transpose(d_z_tm, (1, 0, 2))  # (B, T, 4H)
            return (
                d_projected,
                d_output_0,
                d_cell_0,
                ops.zeros_like(mask),
                *d_weights,
            )

        outputs = ops.transpose(outputs_tm, (1, 0, 2))  # (B, T, P)
        return (outputs, last_cell), backward

    return sequence


def _sum_outer(left_tm, right_tm):
    """Σ_t left_t^T right_t as one product: (T, B, M), (T, B, N) -> (M, N)."""
    left = ops.reshape(left_tm, (-1, left_tm.shape[-1]))  # (T*B, M)
    right = ops.reshape(right_tm, (-1, right_tm.shape[-1]))  # (T*B, N)
    return ops.matmul(ops.transpose(left), right)

"""NumPy implementations of the cells' docstring equations, one step each, in float64.

Each `*_step(w, x, states, options)` takes the cell's weights by name, x (B, D) and
the list of states, and returns (output, new_states), written line by line from the
equations in the cell's docstring.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "hard_sigmoid": lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0),
}


def _bias(w, name="bias"):
    return w.get(name, 0.0)


def elman_step(w, x, states, o):
    act = ACTIVATIONS[o.get("activation", "tanh")]
    (h_prev,) = states
    h = act(x @ w["kernel"] + h_prev @ w["recurrent_kernel"] + _bias(w))
    return h, [h]


def jordan_step(w, x, states, o):
    act = ACTIVATIONS[o.get("activation", "tanh")]
    g = ACTIVATIONS[o.get("output_activation", "tanh")]
    (y_prev,) = states
    h = act(x @ w["kernel"] + y_prev @ w["recurrent_kernel"] + _bias(w))
    y = g(h @ w["output_kernel"] + _bias(w, "output_bias"))
    return y, [y]


def lstm_step(w, x, states, o):
    act = ACTIVATIONS[o.get("activation", "tanh")]
    sig = ACTIVATIONS[o.get("recurrent_activation", "sigmoid")]
    h_prev, c_prev = states
    z = x @ w["kernel"] + h_prev @ w["recurrent_kernel"] + _bias(w)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    i, f, o_gate = sig(z_i), sig(z_f), sig(z_o)
    c = f * c_prev + i * act(z_c)
    h = o_gate * act(c)
    return h, [h, c]


def peephole_lstm_step(w, x, states, o):
    act = ACTIVATIONS[o.get("activation", "tanh")]
    sig = ACTIVATIONS[o.get("recurrent_activation", "sigmoid")]
    peep = o.get("use_peepholes", True)
    r_prev, c_prev = states
    z = x @ w["kernel"] + r_prev @ w["recurrent_kernel"] + _bias(w)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    i = sig(z_i + (w["input_peephole"] * c_prev if peep else 0.0))
    f = sig(z_f + (w["forget_peephole"] * c_prev if peep else 0.0))
    c = f * c_prev + i * act(z_c)
    if o.get("cell_clip") is not None:
        c = np.clip(c, -o["cell_clip"], o["cell_clip"])
    o_gate = sig(z_o + (w["output_peephole"] * c if peep else 0.0))
    h = o_gate * act(c)
    r = h @ w["projection_kernel"] if o.get("projection_units") else h
    return r, [r, c]


def gru_step(w, x, states, o):
    act = ACTIVATIONS[o.get("activation", "tanh")]
    sig = ACTIVATIONS[o.get("recurrent_activation", "sigmoid")]
    (h_prev,) = states
    H = h_prev.shape[-1]
    W, U = w["kernel"], w["recurrent_kernel"]
    if o.get("reset_after", True):
        b_in, b_rec = (w["bias"][0], w["bias"][1]) if "bias" in w else (0.0, 0.0)
        x_z, x_r, x_h = np.split(x @ W + b_in, 3, axis=-1)
        u_z, u_r, u_h = np.split(h_prev @ U + b_rec, 3, axis=-1)
        z, r = sig(x_z + u_z), sig(x_r + u_r)
        h_candidate = act(x_h + r * u_h)
    else:
        x_z, x_r, x_h = np.split(x @ W + _bias(w), 3, axis=-1)
        z = sig(x_z + h_prev @ U[:, :H])
        r = sig(x_r + h_prev @ U[:, H : 2 * H])
        h_candidate = act(x_h + (r * h_prev) @ U[:, 2 * H :])
    h = z * h_prev + (1.0 - z) * h_candidate
    return h, [h]


STEPS = {
    "ElmanCell": elman_step,
    "JordanCell": jordan_step,
    "LSTMCell": lstm_step,
    "PeepholeLSTMCell": peephole_lstm_step,
    "GRUCell": gru_step,
}


def run_sequence(cell_name, weights, inputs, initial_states, options):
    """Loops the reference step over (B, T, D) inputs: (outputs (B, T, O), states)."""
    step = STEPS[cell_name]
    states = [np.asarray(s, np.float64) for s in initial_states]
    outputs = []
    for t in range(inputs.shape[1]):
        output, states = step(weights, inputs[:, t].astype(np.float64), states, options)
        outputs.append(output)
    return np.stack(outputs, axis=1), states

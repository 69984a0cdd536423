"""Reading, setting and resetting the states of stateful recurrent layers.

Keras 3 has no `Model.reset_states()` and no `reset_state(states=...)`
(../PITFALLS 9); truncated backpropagation through time needs both.
"""

import keras
import numpy as np


def stateful_layers(model: keras.Model) -> dict[str, keras.layers.RNN]:
    """Every stateful recurrent layer inside `model`, nested ones included, by name."""
    # `_flatten_layers` is the walk Keras itself uses to find nested layers (inside
    # Bidirectional and sub-models); there is no public equivalent.
    found = {}
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if not (isinstance(layer, keras.layers.RNN) and layer.stateful):
            continue
        if layer.name in found:
            raise ValueError(
                f"Two stateful recurrent layers of {model.name!r} are named "
                f"{layer.name!r}; give them distinct names to address their states."
            )
        found[layer.name] = layer
    return found


def reset_states(model: keras.Model) -> None:
    """Sets the state of every stateful recurrent layer of `model` to zeros."""
    for layer in stateful_layers(model).values():
        layer.reset_state()


def get_states(model: keras.Model) -> dict[str, list[np.ndarray]]:
    """The current states of every stateful recurrent layer, by layer name."""
    return {
        name: [keras.ops.convert_to_numpy(state) for state in layer.states]
        for name, layer in stateful_layers(model).items()
        if layer.states is not None
    }


def set_states(model: keras.Model, states: dict) -> None:
    """Sets the states of the named stateful recurrent layers.

    `states` maps a layer name to a list with one array per state, each of the
    layer's state shape (batch, size), as returned by `get_states`.
    """
    layers = stateful_layers(model)
    for name, values in states.items():
        if name not in layers:
            raise ValueError(
                f"No stateful recurrent layer named {name!r} in {model.name!r}. "
                f"Stateful layers: {', '.join(layers) or 'none'}."
            )
        layer = layers[name]
        if layer.states is None:
            raise ValueError(
                f"Layer {name!r} is not built yet: call the model once first."
            )
        if len(values) != len(layer.states):
            raise ValueError(
                f"Layer {name!r} has {len(layer.states)} state(s); got {len(values)}."
            )
        for variable, value in zip(layer.states, values, strict=True):
            if tuple(np.shape(value)) != tuple(variable.shape):
                raise ValueError(
                    f"A state of layer {name!r} has shape {tuple(variable.shape)}; got "
                    f"{tuple(np.shape(value))}."
                )
            variable.assign(value)


class ResetStatesEachEpoch(keras.callbacks.Callback):
    """Zero states at the start of every epoch, evaluation and prediction.

    Truncated BPTT carries the states from one batch to the next within one pass
    over the B streams; a new pass (and validation, which reads other streams)
    starts from zeros, as Zaremba et al. do.
    """

    def on_epoch_begin(self, epoch, logs=None):
        reset_states(self.model)

    def on_test_begin(self, logs=None):
        reset_states(self.model)

    def on_predict_begin(self, logs=None):
        reset_states(self.model)

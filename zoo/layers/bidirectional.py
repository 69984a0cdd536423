"""`Bidirectional`: `keras.layers.Bidirectional` that survives `load_model`."""

import contextlib

import keras

# Keras's object-sharing records live in its global state (no public export; keras is
# pinned to 3.15.x in setup.py).
from keras.src.backend.common import global_state

# While Keras saves or loads a model (its `ObjectSharingScope`), every object it
# serializes is recorded under `id(obj)`, and a second object serialized under an id
# already recorded is deserialized as the first one.
_SHARING_RECORDS = ("shared_objects/id_to_obj_map", "shared_objects/id_to_config_map")


@contextlib.contextmanager
def outside_object_sharing():
    """Serialize and deserialize inside the block without Keras's sharing records."""
    saved = [global_state.get_global_attribute(name) for name in _SHARING_RECORDS]
    for name in _SHARING_RECORDS:
        global_state.set_global_attribute(name, None)
    try:
        yield
    finally:
        for name, records in zip(_SHARING_RECORDS, saved, strict=True):
            global_state.set_global_attribute(name, records)


@keras.saving.register_keras_serializable(package="rnn_zoo")
class Bidirectional(keras.layers.Bidirectional):
    """`keras.layers.Bidirectional`, made safe to build while a model loads.

    Keras's constructor copies the wrapped layer by serializing and deserializing it.
    During `keras.saving.load_model` those copies enter Keras's object-sharing
    records, keyed by `id()`. The wrapped layer is a temporary: once the garbage
    collector frees it, a later layer or cell can take the same id, and Keras then
    hands back an earlier wrapper's copy in its place. The load fails ("Forward layer
    and backward layer should have different `go_backwards` value", or a cell that is
    a layer), or two wrappers silently share one layer. This happens with
    `keras.layers.LSTM` too (Keras 3.15.1), and only when a collection happens to
    run mid-load, so it shows as a rare flake. Here the copies are made outside those
    records; everything else is Keras's.

    Args: as `keras.layers.Bidirectional`.
    """

    def __init__(self, layer, *args, **kwargs):
        with outside_object_sharing():
            super().__init__(layer, *args, **kwargs)

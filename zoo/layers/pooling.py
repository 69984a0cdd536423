"""Pooling a sequence of recurrent outputs into one vector, under a padding mask."""

import keras
from keras import ops

POOLINGS = ("mean", "max", "attention")


@keras.saving.register_keras_serializable(package="rnn_zoo")
class SequencePooling(keras.layers.Layer):
    """(B, T, H) and a mask (B, T) -> (B, H), padded steps ignored.

    ```math
    mean:       sum_t m_t h_t / max(1, sum_t m_t)
    max:        max over {t : m_t} of h_t        (0 for a row with no step)
    attention:  a_t = softmax_t(v · tanh(h_t W + b))  over {t : m_t};  sum_t a_t h_t
    ```

    Attention pooling is Yang et al. (2016)'s word attention with a learned context
    vector v; W is (H, H).

    References:
        Yang et al., "Hierarchical attention networks for document
        classification", NAACL 2016. https://aclanthology.org/N16-1174

    Args:
        mode: "mean", "max" or "attention".
    """

    def __init__(self, mode: str = "mean", **kwargs):
        if mode not in POOLINGS:
            raise ValueError(f"mode must be one of {POOLINGS}; got mode={mode!r}.")
        super().__init__(**kwargs)
        self.mode = mode
        self.supports_masking = True

    def build(self, input_shape):
        if self.mode == "attention":
            hidden = input_shape[-1]
            self.kernel = self.add_weight(
                name="kernel", shape=(hidden, hidden), initializer="glorot_uniform"
            )
            self.bias = self.add_weight(
                name="bias", shape=(hidden,), initializer="zeros"
            )
            self.context = self.add_weight(
                name="context", shape=(hidden,), initializer="glorot_uniform"
            )

    def call(self, sequences, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(sequences)[:2], dtype="bool")
        weights = ops.cast(mask, sequences.dtype)[..., None]  # (B, T, 1)
        if self.mode == "mean":
            total = ops.sum(sequences * weights, axis=1)  # (B, H)
            return total / ops.maximum(ops.sum(weights, axis=1), 1.0)
        if self.mode == "max":
            lowest = ops.full_like(sequences, float("-inf"))
            pooled = ops.max(ops.where(mask[..., None], sequences, lowest), axis=1)
            any_step = ops.any(mask, axis=1)[:, None]  # (B, 1)
            return ops.where(any_step, pooled, ops.zeros_like(pooled))
        keys = ops.tanh(ops.matmul(sequences, self.kernel) + self.bias)  # (B, T, H)
        scores = ops.matmul(keys, self.context)  # (B, T)
        scores = ops.where(mask, scores, ops.full_like(scores, -1e9))
        attention = ops.softmax(scores, axis=1)[..., None] * weights  # (B, T, 1)
        return ops.sum(attention * sequences, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}

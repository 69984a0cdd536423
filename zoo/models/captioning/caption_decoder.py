"""The recurrent caption decoder and the four ways of putting the image in."""

import keras
from keras import ops

from zoo.cells import get_cell
from zoo.cells.base import state_sizes
from zoo.layers import Recurrent
from zoo.models.captioning.scheduled_sampling import (
    check_schedule,
    teacher_forcing_probability,
)

INJECTIONS = ("init", "pre", "par", "merge")


@keras.saving.register_keras_serializable(package="rnn_zoo")
class CaptionDecoder(keras.layers.Layer):
    """Previous words and an image vector -> next-word logits, with the image put
    in one of four places (Tanti, Gatt & Camilleri 2018,
    https://arxiv.org/abs/1703.09137):

    ```
    x_t = E[w_t]                                     (B, T, E); w_0 = <start>
    init:   s_0^l = tanh(v A_{l,k} + a_{l,k})        every state k of every layer l
    pre:    the first input is v P + p (B, E); its output is dropped
    par:    x_t = [E[w_t]; v P + p]                  (B, T, 2E), at every step
    h = Recurrent_L(...Recurrent_1(x))               (B, T, H)
    merge:  h_t = [h_t; v M + m]                     (B, T, 2H)
    logits_t = drop(h_t) W + b                       (B, T, V)
    ```

    Teacher forcing: `w_t` is the true previous word (token id 0 is padding; the
    output mask is `w_t != 0`, so Keras losses and metrics skip padding).

    Scheduled sampling (`scheduled_sampling` a schedule name of
    `zoo.models.captioning.scheduled_sampling`, in training only): the steps run one
    by one; at each step t >= 1 the decoder is fed the true word with probability
    epsilon_i (i = this layer's count of training calls, `training_step`: one per
    optimizer step, unless the optimizer accumulates gradients over several
    batches; saved with the weights so a resumed run continues the schedule) and
    otherwise a word
    sampled from its own previous output distribution (Gumbel-max; no gradient
    flows through the choice). `w_0 = <start>` is always fed.
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int,
        hidden_dim: int,
        num_layers: int = 1,
        cell: str = "lstm",
        injection: str = "init",
        dropout: float = 0.0,
        cell_options: dict | None = None,
        scheduled_sampling: str | None = None,
        sampling_k: float | None = None,
        sampling_slope: float = 1e-4,
        sampling_minimum: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if injection not in INJECTIONS:
            raise ValueError(
                f"injection must be one of {INJECTIONS}; got {injection!r}."
            )
        if scheduled_sampling is not None:
            check_schedule(
                scheduled_sampling, sampling_k, sampling_slope, sampling_minimum
            )
            dropouts = {
                key: value
                for key, value in (cell_options or {}).items()
                if key in ("dropout", "recurrent_dropout") and value
            }
            if dropouts:
                # The step-by-step loop calls the cells directly; Keras's per-
                # sequence dropout masks are drawn by the layer that drives them.
                raise ValueError(
                    "Scheduled sampling runs the cells step by step, without the "
                    f"cells' own dropout; got cell_options {dropouts}. Use "
                    "dropout=... (before the output layer) instead."
                )
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.injection = injection
        self.dropout = dropout
        self.cell_options = dict(cell_options or {})
        self.scheduled_sampling = scheduled_sampling
        self.sampling_k = sampling_k
        self.sampling_slope = sampling_slope
        self.sampling_minimum = sampling_minimum
        self.seed = seed

        # === Layers ===
        self.embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, name="embedding"
        )
        self.recurrent_layers = [
            Recurrent(
                get_cell(cell, hidden_dim, **self.cell_options),
                return_sequences=True,
                name=f"recurrent_{index}",
            )
            for index in range(num_layers)
        ]
        self.initial_state_layers = []
        if injection == "init":
            self.initial_state_layers = [
                [
                    keras.layers.Dense(
                        size, activation="tanh", name=f"init_{index}_{state}"
                    )
                    for state, size in enumerate(state_sizes(layer.cell))
                ]
                for index, layer in enumerate(self.recurrent_layers)
            ]
        self.image_projection = None
        if injection in ("pre", "par"):
            self.image_projection = keras.layers.Dense(embedding_dim, name="image_in")
        elif injection == "merge":
            self.image_projection = keras.layers.Dense(hidden_dim, name="image_out")
        self.output_dropout = keras.layers.Dropout(dropout, name="dropout")
        self.output_layer = keras.layers.Dense(vocabulary_size, name="logits")
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, token_ids_shape, image_vector_shape):
        # Counts training calls: i in the scheduled-sampling schedule.
        self.training_step = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            aggregation="only_first_replica",
            name="training_step",
        )
        batch = token_ids_shape[0]
        image_vector = (batch, image_vector_shape[-1])
        if self.image_projection is not None:
            self.image_projection.build(image_vector)
        for layer_states in self.initial_state_layers:
            for dense in layer_states:
                dense.build(image_vector)
        self.embedding.build(token_ids_shape)
        inputs = 2 * self.embedding_dim if self.injection == "par" else None
        width = inputs or self.embedding_dim
        for layer in self.recurrent_layers:
            layer.build((batch, None, width))
            width = self.hidden_dim
        if self.injection == "merge":
            width = 2 * self.hidden_dim
        self.output_layer.build((batch, None, width))

    # === Teacher forcing and scheduled sampling ===

    def call(self, token_ids, image_vector, training=False):
        """token_ids (B, T): <start> and the caption, 0-padded; image_vector (B, F)
        -> logits (B, T, V) for the word after each position."""
        if self.scheduled_sampling is not None and training:
            hidden = self._scheduled_sampling(token_ids, image_vector)
        else:
            hidden = self._teacher_forced(token_ids, image_vector)
        return self.logits(hidden, self._merge_vector(image_vector), training)

    def compute_mask(self, token_ids, image_vector, mask=None):
        return ops.not_equal(token_ids, 0)  # (B, T)

    def _teacher_forced(self, token_ids, image_vector):
        mask = ops.not_equal(token_ids, 0)  # (B, T)
        x = self.embedding(token_ids)  # (B, T, E)
        if self.injection == "par":
            image_in = self.image_projection(image_vector)  # (B, E)
            x = ops.concatenate([x, _over_time(image_in, x)], axis=-1)  # (B, T, 2E)
        if self.injection == "pre":
            image_in = self.image_projection(image_vector)[:, None]  # (B, 1, E)
            x = ops.concatenate([ops.cast(image_in, x.dtype), x], axis=1)
            mask = ops.pad(mask, [[0, 0], [1, 0]], constant_values=True)  # (B, T+1)
        states = self._initial_states(image_vector)
        for layer, layer_states in zip(self.recurrent_layers, states, strict=True):
            x = layer(x, initial_state=layer_states, mask=mask)  # (B, T, H)
        return x[:, 1:] if self.injection == "pre" else x

    def _scheduled_sampling(self, token_ids, image_vector):
        """The step-by-step loop of scheduled sampling: (B, T) -> hidden (B, T, H)."""
        epsilon = teacher_forcing_probability(
            self.scheduled_sampling,
            self.training_step,
            self.sampling_k,
            self.sampling_slope,
            self.sampling_minimum,
        )
        self.training_step.assign_add(1)
        batch, length = ops.shape(token_ids)
        draws = keras.random.uniform((length, batch), seed=self.seed_generator)
        first = ops.arange(length)[:, None] == 0  # (T, 1): <start> always fed
        use_truth = ops.logical_or(draws < epsilon, first)  # (T, B)
        uniform = keras.random.uniform(
            (length, batch, self.vocabulary_size),
            minval=1e-7,
            maxval=1.0,
            seed=self.seed_generator,
        )
        gumbel = -ops.log(-ops.log(uniform))  # (T, B, V)
        cache = self.start_cache(image_vector)

        # Each step samples the word it would feed next (Gumbel-max over its own
        # logits), so the carry holds a (B,) token rather than (B, V) logits.
        # Keras's TensorFlow scan stacks outputs shaped like the carry, so the
        # step's output is its whole carry, the top layer's output (B, H) in it.
        def one_step(carry, inputs):
            cache, sampled, _ = carry
            true_token, truth, noise = inputs  # (B,), (B,), (B, V)
            token = ops.where(truth, true_token, sampled)
            hidden, cache = self.step_hidden(token, cache)  # (B, H)
            logits = ops.stop_gradient(self.logits(hidden, cache.get("merge")))
            next_sampled = ops.argmax(ops.cast(logits, "float32") + noise, axis=-1)
            carry = (cache, ops.cast(next_sampled, token_ids.dtype), hidden)
            return carry, carry

        start = (
            cache,
            ops.zeros((batch,), dtype=token_ids.dtype),  # unused: <start> is true
            ops.zeros((batch, self.hidden_dim), dtype=self.compute_dtype),
        )
        _, (_, _, hidden) = ops.scan(
            one_step, start, (ops.transpose(token_ids), use_truth, gumbel)
        )  # hidden (T, B, H)
        return ops.transpose(hidden, (1, 0, 2))

    def logits(self, hidden, merge_vector=None, training=False):
        """Hidden (B, [T,] H) -> logits (B, [T,] V), with the merged image."""
        if merge_vector is not None:
            if len(hidden.shape) == 3:
                merge_vector = _over_time(merge_vector, hidden)
            hidden = ops.concatenate([hidden, merge_vector], axis=-1)
        return self.output_layer(self.output_dropout(hidden, training=training))

    # === One step at a time (generation) ===

    def start_cache(self, image_vector) -> dict:
        """The decoding cache before <start>: every layer's states, and the image
        vectors that par- or merge-inject use at every step."""
        states = self._initial_states(image_vector)
        cache = {}
        if self.injection == "pre":  # the image is the first input
            x = self.image_projection(image_vector)  # (B, E)
            for index, layer in enumerate(self.recurrent_layers):
                x, new_states = layer.cell(x, states[index])
                states[index] = list(new_states)
        if self.injection == "par":
            cache["par"] = self.image_projection(image_vector)  # (B, E)
        if self.injection == "merge":
            cache["merge"] = self.image_projection(image_vector)  # (B, H)
        cache["states"] = states
        return cache

    def step(self, token, cache):
        """token (B,) -> logits (B, V) for the next word, and the new cache."""
        hidden, cache = self.step_hidden(token, cache)
        return self.logits(hidden, cache.get("merge")), cache

    def step_hidden(self, token, cache):
        """token (B,) -> the top layer's output (B, H), and the new cache."""
        x = self.embedding(token)  # (B, E)
        if self.injection == "par":
            x = ops.concatenate([x, ops.cast(cache["par"], x.dtype)], axis=-1)
        new_states = []
        for layer, states in zip(self.recurrent_layers, cache["states"], strict=True):
            x, states = layer.cell(x, states)  # (B, H)
            new_states.append(list(states))
        return x, {**cache, "states": new_states}

    def _initial_states(self, image_vector) -> list[list]:
        """Every layer's states before the first input: from the image (init),
        else zeros."""
        batch = ops.shape(image_vector)[0]
        if self.injection == "init":
            return [
                [dense(image_vector) for dense in layer_states]
                for layer_states in self.initial_state_layers
            ]
        return [
            [ops.zeros((batch, size), dtype=self.compute_dtype) for size in sizes]
            for sizes in (state_sizes(layer.cell) for layer in self.recurrent_layers)
        ]

    def _merge_vector(self, image_vector):
        if self.injection != "merge":
            return None
        return self.image_projection(image_vector)  # (B, H)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "injection": self.injection,
            "dropout": self.dropout,
            "cell_options": self.cell_options,
            "scheduled_sampling": self.scheduled_sampling,
            "sampling_k": self.sampling_k,
            "sampling_slope": self.sampling_slope,
            "sampling_minimum": self.sampling_minimum,
            "seed": self.seed,
        }


def _over_time(vector, sequence):
    """(B, D) repeated along the time axis of `sequence` (B, T, ...) -> (B, T, D)."""
    length = ops.shape(sequence)[1]
    return ops.repeat(ops.cast(vector, sequence.dtype)[:, None], length, axis=1)

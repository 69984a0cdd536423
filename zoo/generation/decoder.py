"""Compiled decoding functions over recurrent states: a language model's, and a
captioner's (conditioned on an image)."""

import weakref

from keras import ops

# KerasHub's compile-once wrapper for generation (tf.function on TensorFlow, jax.jit
# with the variables passed as state on JAX); it only needs the attributes set in
# `RecurrentDecoder.__init__`, so the zoo does not import tensorflow itself.
from keras_hub.models import CausalLM

from zoo.cells.base import state_sizes
from zoo.layers import Recurrent


class RecurrentDecoder:
    """Generation over a recurrent-state cache, compiled once per input shape.

    Subclasses say where the cache starts (`start_cache`) and what one step does
    (`step`). `next` feeds the token at `index - 1` through one step and returns
    the logits for position `index`. Compiled on the first call; later calls with
    the same shapes reuse the trace (`trace_count` counts traces).
    """

    def __init__(self, model, sampler):
        # Weak: decoders are cached per model in a WeakKeyDictionary
        # (`zoo.generation.generate`), and a value that held its key strongly
        # would keep every model that ever generated alive.
        self._model = weakref.ref(model)
        self.sampler = sampler
        self.trace_count = 0
        self.generate_function = None
        self.run_eagerly = False
        self.jit_compile = False  # XLA was slower for these loops on CPU.

    @property
    def model(self):
        return self._model()

    @property
    def trainable_variables(self):
        return self.model.trainable_variables

    @property
    def non_trainable_variables(self):
        return self.model.non_trainable_variables

    def __call__(self, token_ids, prompt_mask, stop_token_ids=None, **conditions):
        """token_ids (B, L), the left-padded prompt in the first P columns;
        prompt_mask (B, P), False on padding; `conditions`: further inputs that
        `start_cache` reads (an image). Returns (B, L) token ids."""
        function = CausalLM.make_generate_function(self)
        inputs = {"token_ids": token_ids, "prompt_mask": prompt_mask, **conditions}
        stop = tuple(stop_token_ids) if stop_token_ids else None
        return function(inputs, stop)

    def generate_step(self, inputs, stop_token_ids=None):
        self.trace_count += 1  # Python side effect: runs once per trace.
        token_ids, prompt_mask = inputs["token_ids"], inputs["prompt_mask"]
        batch_size, max_length = ops.shape(token_ids)  # a tensor where unknown
        prompt_length = prompt_mask.shape[1]
        cache = self.start_cache(inputs)

        def next(prompt, cache, index):
            rows = ops.shape(prompt)[0]  # B, or B * beams under beam search
            token = ops.slice(prompt, [0, index - 1], [rows, 1])  # (rows, 1)
            logits, cache = self.step(token, cache)
            return logits, None, cache

        fixed = ops.arange(max_length)[None, :] < prompt_length  # (1, L)
        return self.sampler(
            next=next,
            prompt=token_ids,
            cache=cache,
            index=prompt_length,
            mask=ops.broadcast_to(fixed, (batch_size, max_length)),
            stop_token_ids=stop_token_ids,
            model=self,
        )

    def start_cache(self, inputs):
        """The cache before the last prompt token is fed."""
        raise NotImplementedError

    def step(self, token, cache):
        """token (B, 1) -> logits (B, V) for the next position, and the new cache."""
        raise NotImplementedError


class LanguageModelDecoder(RecurrentDecoder):
    """Reads a language model's (left-padded) prompt once, then one recurrent step
    per new token; the cache is the list of every layer's states."""

    def __init__(self, model, sampler):
        super().__init__(model, sampler)
        # Non-stateful drivers over the model's own cells (shared weights), so a
        # stateful training model can still decode any batch size; with the model
        # layers' dtype policy (mixed precision), whatever the global policy is now.
        self.readers = [
            Recurrent(
                layer.cell,
                return_sequences=True,
                return_state=True,
                dtype=layer.dtype_policy,
            )
            for layer in model.recurrent_layers
        ]

    def start_cache(self, inputs):
        token_ids, prompt_mask = inputs["token_ids"], inputs["prompt_mask"]
        prompt_length = prompt_mask.shape[1]
        return self.read(token_ids[:, : prompt_length - 1], prompt_mask)

    def read(self, prompt_but_last, prompt_mask):
        """The states after every prompt token but the last: one pass of each layer
        over the prompt, padding masked."""
        batch_size, length = prompt_but_last.shape
        if length == 0:
            return [
                [ops.zeros((batch_size, size)) for size in state_sizes(reader.cell)]
                for reader in self.readers
            ]
        mask = prompt_mask[:, :length]
        x = self.model.embedding(prompt_but_last)  # (B, P-1, E)
        states = []
        for reader in self.readers:
            x, *layer_states = reader(x, mask=mask)  # (B, P-1, H), states
            states.append(layer_states)
        return states

    def step(self, token, states):
        """One step of the whole stack: token (B, 1) -> logits (B, V), new states."""
        x = self.model.embedding(token)[:, 0]  # (B, E)
        new_states = []
        for reader, layer_states in zip(self.readers, states, strict=True):
            x, layer_states = reader.cell(x, layer_states)  # (B, H)
            new_states.append(list(layer_states))
        if self.model.tie_weights:
            logits = self.model.embedding(x, reverse=True)
        else:
            logits = self.model.output_layer(x)
        return logits, new_states  # (B, V)


class CaptionerDecoder(RecurrentDecoder):
    """Decodes a `zoo.models.Captioner`: the cache starts from the image (its
    encoder, then `CaptionDecoder.start_cache`); the prompt is <start>."""

    def start_cache(self, inputs):
        image_vector = self.model.encoder(inputs["image"])  # (B, F)
        return self.model.decoder.start_cache(image_vector)

    def step(self, token, cache):
        return self.model.decoder.step(token[:, 0], cache)  # (B, V), cache

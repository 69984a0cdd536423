"""TensorFlow SavedModels that serve raw text, with tokenisation, the recurrent state
and the whole generation loop inside the graph.

    rnn-zoo export runs/lstm_lm exported/lstm_lm       # writes exported/lstm_lm/1/

Signatures of a language model (any batch size, any length):

- `serving_default` and `score`: `text` (string, [B]) -> `log_probs` (float32,
  [B, T-1]: log p(token_t | tokens before it) for t >= 1, 0 past each row's end),
  `lengths` (int32 [B], the scored tokens per row) and `perplexity` (float32 [B],
  exp of the mean negative log-probability; NaN for a text of fewer than 2 tokens).
- `step`: `token_ids` (int32 [B]) and the recurrent states `state_0`, `state_1`, ...
  (float32 [B, S_k], layer by layer, zeros to start) -> `logits` (float32 [B, V]) and
  the new states under the same names.
- `generate`: `prompt` (string [B]), `max_length` (int32: tokens per row, the
  longest prompt included, as `LanguageModel.generate`), `temperature` (float32; 0 is
  greedy) and `seed` (int32) -> `text` (string [B], prompt and continuation).

Text is split as `Vocabulary.split` splits it (characters, or words on whatever
Python's `str.split()` splits on). Symbols outside the vocabulary map to its unknown
token, or stop the call with an error naming the problem when it has none; so do an
empty prompt or prompt batch, a prompt that leaves no room under `max_length`, and a
negative temperature. The graph is traced
with `use_cudnn=False`, so it serves on a CPU whichever device trained the model
(../shared/PITFALLS.md 11).
"""

from pathlib import Path

import tensorflow as tf

from tasks.export_text import TextEncoder
from zoo.cells.base import state_sizes
from zoo.layers import Recurrent
from zoo.models import LanguageModel

VERSION = "1"


def export_language_model(lm: LanguageModel, out_dir) -> Path:
    """Writes `lm` as a SavedModel under out_dir/1/ and returns that folder."""
    if lm.vocabulary is None:
        raise ValueError(
            "Only a language model with a vocabulary can be exported for raw text; "
            f"{lm.name!r} has none."
        )
    path = version_folder(out_dir)
    server = LanguageModelServer(lm)
    signatures = {
        "serving_default": server.score,
        "score": server.score,
        "step": server.step,
        "generate": server.generate,
    }
    tf.saved_model.save(server, str(path), signatures=signatures)
    return path


def version_folder(out_dir) -> Path:
    """OUT_DIR/1, which must not exist yet (TF Serving's layout: a folder per
    model version)."""
    path = Path(out_dir) / VERSION
    if path.exists():
        raise ValueError(f"{str(path)!r} already exists; choose another OUT_DIR.")
    return path


def no_cudnn(layers) -> None:
    """Makes `layers` (zoo `Recurrent`s) trace the plain loop, which serves on any
    device (../shared/PITFALLS.md 11)."""
    for layer in layers:
        layer.use_cudnn = False


def _serving_copy(lm: LanguageModel) -> LanguageModel:
    """The same weights in a stateless model (any batch size) that never takes the
    cuDNN kernel."""
    copy = LanguageModel.from_config({**lm.get_config(), "stateful": False})
    copy.set_weights(lm.get_weights())
    no_cudnn(copy.recurrent_layers)
    return copy


class LanguageModelServer(tf.Module):
    """The signatures of an exported language model (see the module docstring)."""

    def __init__(self, lm: LanguageModel):
        super().__init__()
        self.model = _serving_copy(lm)
        # The raw tf.Variables, tracked on the module itself as Keras's own
        # ExportArchive does: through the Keras model alone, session-based loaders
        # (TF Serving, `saved_model_cli run`) fail with "Could not find variable"
        # (keras#20095).
        self.tf_variables = [variable.value for variable in self.model.variables]
        self.text = TextEncoder(lm.vocabulary)
        self.separator = self.text.separator
        self.readers = [
            Recurrent(
                layer.cell,
                return_sequences=True,
                return_state=True,
                use_cudnn=False,
                dtype=layer.dtype_policy,
            )
            for layer in self.model.recurrent_layers
        ]
        self.state_sizes = [
            size
            for layer in self.model.recurrent_layers
            for size in state_sizes(layer.cell)
        ]
        step_signature = [tf.TensorSpec([None], tf.int32, name="token_ids")] + [
            tf.TensorSpec([None, size], tf.float32, name=f"state_{index}")
            for index, size in enumerate(self.state_sizes)
        ]
        self.step = tf.function(self._step, input_signature=step_signature)

    # === Signatures ===

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
    def score(self, text):
        ids = self.text.encode(text)
        lengths = tf.maximum(ids.row_lengths() - 1, 0)  # scored tokens per row
        dense = ids.to_tensor()  # (B, T), right-padded with 0

        def scores():
            logits = self.model(dense[:, :-1], training=False)  # (B, T-1, V)
            log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32))
            return tf.gather(log_probs, dense[:, 1:], batch_dims=2)  # (B, T-1)

        # Texts of fewer than 2 tokens throughout: nothing to score.
        picked = tf.cond(
            tf.shape(dense)[1] > 1, scores, lambda: tf.zeros([tf.shape(dense)[0], 0])
        )
        mask = tf.sequence_mask(lengths, tf.shape(picked)[1])
        picked = tf.where(mask, picked, 0.0)
        mean = tf.reduce_sum(picked, axis=1) / tf.cast(lengths, tf.float32)
        return {
            "log_probs": picked,
            "lengths": tf.cast(lengths, tf.int32),
            "perplexity": tf.exp(-mean),
        }

    def _step(self, token_ids, *states):
        logits, new_states = self._one_step(token_ids, list(states))
        return {
            "logits": logits,
            **{f"state_{index}": state for index, state in enumerate(new_states)},
        }

    def _one_step(self, token_ids, flat_states):
        """token_ids (B,), flat states -> logits (B, V), new flat states."""
        x = self.model.embedding(token_ids)  # (B, E)
        new_states, offset = [], 0
        for reader in self.readers:
            count = len(state_sizes(reader.cell))
            x, layer_states = reader.cell(x, flat_states[offset : offset + count])
            new_states += [tf.cast(s, tf.float32) for s in layer_states]
            offset += count
        if self.model.tie_weights:
            logits = self.model.embedding(x[:, None], reverse=True)[:, 0]
        else:
            logits = self.model.output_layer(x)
        return tf.cast(logits, tf.float32), new_states

    @tf.function(
        input_signature=[
            tf.TensorSpec([None], tf.string, name="prompt"),
            tf.TensorSpec([], tf.int32, name="max_length"),
            tf.TensorSpec([], tf.float32, name="temperature"),
            tf.TensorSpec([], tf.int32, name="seed"),
        ]
    )
    def generate(self, prompt, max_length, temperature, seed):
        ids = self.text.encode(prompt)
        lengths = tf.cast(ids.row_lengths(), tf.int32)
        some_prompt = tf.debugging.assert_positive(
            tf.size(lengths), message="generate needs at least one prompt."
        )
        with tf.control_dependencies([some_prompt]):
            longest = tf.reduce_max(lengths)
        checks = [
            tf.debugging.assert_positive(
                tf.reduce_min(lengths), message="Every prompt needs at least one token."
            ),
            tf.debugging.assert_greater(
                max_length,
                longest,
                message="max_length counts the prompt too and must exceed the "
                "longest prompt's tokens.",
            ),
            tf.debugging.assert_non_negative(
                temperature, message="temperature must be 0 (greedy) or positive."
            ),
        ]
        with tf.control_dependencies(checks):  # nothing below runs on bad input
            max_length = tf.identity(max_length)
            # Left-pad, as LanguageModel.generate: every prompt ends at column P-1.
            padded = tf.reverse(tf.reverse(ids, axis=[1]).to_tensor(), axis=[1])
            mask = tf.sequence_mask(lengths, longest)[:, ::-1]  # (B, P), False: pad
        states = self._read(padded[:, :-1], mask[:, :-1])
        new_tokens = max_length - longest

        def sample(logits, index):
            def drawn():
                seeds = tf.stack([seed, index])
                return tf.random.stateless_categorical(
                    logits / temperature, 1, seed=seeds, dtype=tf.int32
                )[:, 0]

            def greedy():
                return tf.argmax(logits, axis=-1, output_type=tf.int32)

            return tf.cond(temperature > 0.0, drawn, greedy)

        def body(index, token, states, generated):
            logits, states = self._one_step(token, states)
            token = sample(logits, index)
            return index + 1, token, states, generated.write(index, token)

        _, _, _, generated = tf.while_loop(
            lambda index, *_: index < new_tokens,
            body,
            (
                tf.constant(0),
                padded[:, -1],
                states,
                tf.TensorArray(tf.int32, size=new_tokens),
            ),
        )
        continuation = tf.transpose(generated.stack())  # (B, new_tokens)
        prompt_text = self.text.decode(ids)
        continuation_text = self.text.decode(continuation)  # at least one token
        return {"text": prompt_text + self.separator + continuation_text}

    def _read(self, prompt_but_last, mask):
        """Flat states after every prompt token but the last (padding masked)."""
        batch = tf.shape(prompt_but_last)[0]
        flat = [tf.zeros([batch, size]) for size in self.state_sizes]

        def read_all():
            x = self.model.embedding(prompt_but_last)  # (B, P-1, E)
            states = []
            for reader in self.readers:
                x, *layer_states = reader(x, mask=mask)
                states += [tf.cast(s, tf.float32) for s in layer_states]
            return states

        return tf.cond(tf.shape(prompt_but_last)[1] > 0, read_all, lambda: flat)

"""Beam search with a length penalty and finished hypotheses that stay finished."""

from keras import ops, tree
from keras_hub.samplers import Sampler

# A log-probability no real continuation reaches (float32-safe).
_IMPOSSIBLE = -1e9


class BeamSearch(Sampler):
    """Beam search over a `next(prompt, cache, index)` function, as KerasHub's
    samplers are called.

    Our own rather than `keras_hub.samplers.BeamSampler`, which has no length
    penalty and keeps extending a beam after it emits an end token (so finished
    hypotheses keep losing probability and get replaced by longer ones).

    At every step each of the `num_beams` hypotheses is extended by every token,
    and the `num_beams` best by summed log-probability survive. A hypothesis that
    emits a stop token is finished: afterwards it is carried unchanged (its only
    continuation costs nothing and writes token 0, dropped by `generate`). At the
    end the hypotheses are ranked by log-probability divided by the GNMT length
    penalty ((5 + length) / 6) ** length_penalty (Wu et al. 2016,
    https://arxiv.org/abs/1609.08144), where length counts generated tokens up to
    and including the stop token. `length_penalty=0` ranks by log-probability.
    With `num_beams=1` this is greedy decoding.

    The cache may be any structure of tensors with the batch as first axis.
    Generation starts at `index`, and every position from `index` on is free.
    """

    def __init__(self, num_beams: int = 4, length_penalty: float = 0.6):
        super().__init__()
        if isinstance(num_beams, bool) or not isinstance(num_beams, int):
            raise ValueError(
                f"num_beams must be a positive integer; got {num_beams!r}."
            )
        if num_beams < 1:
            raise ValueError(
                f"num_beams must be a positive integer; got {num_beams!r}."
            )
        self.num_beams = num_beams
        self.length_penalty = length_penalty

    def __call__(
        self,
        next,
        prompt,
        cache=None,
        index=0,
        mask=None,
        stop_token_ids=None,
        hidden_states=None,
        model=None,
    ):
        batch_size, max_length = ops.shape(prompt)
        beams = self.num_beams
        stop_token_ids = tuple(stop_token_ids or ())

        def expand(tensor):  # (B, ...) -> (B * K, ...), beams of a row adjacent
            return ops.repeat(tensor, beams, axis=0)

        prompt = expand(prompt)  # (B*K, L)
        cache = tree.map_structure(expand, () if cache is None else cache)
        # Only the first beam of a row is alive at the start: the others are copies.
        first_only = ops.concatenate(
            [ops.zeros((1,)), ops.full((beams - 1,), _IMPOSSIBLE)], axis=0
        )
        log_probs = ops.tile(first_only, (batch_size,))  # (B*K,)
        finished = ops.zeros((batch_size * beams,), dtype="bool")
        lengths = ops.zeros((batch_size * beams,), dtype="int32")

        def cond(prompt, cache, index, log_probs, finished, lengths):
            return ops.logical_not(ops.all(finished))

        def body(prompt, cache, index, log_probs, finished, lengths):
            logits, _, cache = next(prompt, cache, index)  # (B*K, V)
            token_log_probs = ops.log_softmax(ops.cast(logits, "float32"), axis=-1)
            vocabulary_size = ops.shape(token_log_probs)[-1]
            carry_on = ops.where(
                ops.arange(vocabulary_size) == 0, 0.0, _IMPOSSIBLE
            )  # (V,): a finished beam's only continuation
            token_log_probs = ops.where(
                finished[:, None], carry_on[None, :], token_log_probs
            )
            candidates = log_probs[:, None] + token_log_probs  # (B*K, V)
            candidates = ops.reshape(candidates, (batch_size, -1))  # (B, K*V)
            log_probs, chosen = ops.top_k(candidates, beams)  # (B, K) each
            parent = chosen // vocabulary_size  # beam each winner extends
            token = chosen % vocabulary_size
            rows = ops.reshape(
                ops.arange(batch_size)[:, None] * beams + parent, (-1,)
            )  # (B*K,)

            def take(tensor):
                return ops.take(tensor, rows, axis=0)

            prompt, cache = take(prompt), tree.map_structure(take, cache)
            finished, lengths = take(finished), take(lengths)
            token = ops.cast(ops.reshape(token, (-1,)), prompt.dtype)  # (B*K,)
            prompt = ops.slice_update(prompt, [0, index], token[:, None])
            lengths = lengths + ops.cast(ops.logical_not(finished), "int32")
            is_stop = ops.zeros_like(finished)
            for stop in stop_token_ids:
                is_stop = ops.logical_or(is_stop, token == stop)
            finished = ops.logical_or(finished, is_stop)
            return (
                prompt,
                cache,
                index + 1,
                ops.reshape(log_probs, (-1,)),
                finished,
                lengths,
            )

        prompt, _, _, log_probs, _, lengths = self.run_loop(
            cond,
            body,
            loop_vars=(prompt, cache, index, log_probs, finished, lengths),
            maximum_iterations=max_length - index,
            model=model,
        )
        penalty = ((5.0 + ops.cast(lengths, "float32")) / 6.0) ** self.length_penalty
        scores = ops.reshape(log_probs / penalty, (batch_size, beams))
        best = ops.argmax(scores, axis=-1)  # (B,)
        rows = ops.arange(batch_size) * beams + ops.cast(best, "int32")
        return ops.take(prompt, rows, axis=0)  # (B, L)

    def get_config(self):
        return {"num_beams": self.num_beams, "length_penalty": self.length_penalty}

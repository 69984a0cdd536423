"""Generation over the recurrent state: every sampler against a reference."""

import gc
import itertools
import weakref

import keras
import numpy as np
import pytest

import zoo
from zoo.generation.generate import _DECODERS
from zoo.vocabulary import Vocabulary


@pytest.fixture(scope="module", params=["lstm", "gru", "jordan"])
def model(request):
    keras.utils.set_random_seed(1)
    # A large init scale spreads the logits, so argmax has no near-ties.
    return zoo.build(
        f"{request.param}_lm",
        vocabulary_size=9,
        hidden_dim=12,
        num_layers=2,
        init_scale=0.8,
    )


def _reference_greedy(model, prompt, max_length):
    """Argmax of a full forward pass over the whole prefix, one token at a time."""
    tokens = list(prompt)
    while len(tokens) < max_length:
        logits = model(np.array([tokens]), training=False)[0, -1]
        tokens.append(int(np.argmax(logits)))
    return tokens


def test_greedy_equals_argmax_of_step_by_step_forward_passes(model):
    prompt = [3, 1, 4]
    assert model.generate(prompt, 10) == _reference_greedy(model, prompt, 10)


def test_prompts_of_different_lengths_in_one_batch_match_their_own_runs(model):
    prompts = [[3, 1, 4], [5], [2, 7]]
    batched = model.generate(prompts, 9)
    for prompt, row in zip(prompts, batched, strict=True):
        assert row == _reference_greedy(model, prompt, 9 - 3 + len(prompt))


def test_beam_width_one_and_top_k_one_equal_greedy(model):
    prompts = [[3, 1, 4], [6]]
    greedy = model.generate(prompts, 9)
    assert model.generate(prompts, 9, sampler="beam", num_beams=1) == greedy
    assert model.generate(prompts, 9, sampler="top_k", k=1, seed=5) == greedy


def test_wide_beam_finds_the_most_likely_continuation(model):
    prompt, steps = [2, 5], 3
    # With num_beams >= V**(steps-1) every prefix survives: the search is exact.
    found = model.generate(
        prompt, 2 + steps, sampler="beam", num_beams=81, length_penalty=0.0
    )

    continuations = np.array(list(itertools.product(range(9), repeat=steps)))
    tokens = np.concatenate(
        [np.tile(prompt, (len(continuations), 1)), continuations], 1
    )
    logits = np.asarray(model(tokens, training=False), "float64")  # (N, 5, V)
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    positions = np.arange(len(prompt) - 1, len(prompt) - 1 + steps)
    totals = np.take_along_axis(
        log_probs[:, positions], continuations[..., None], -1
    ).sum(axis=(1, 2))
    best = continuations[np.argmax(totals)].tolist()
    assert found == prompt + best


def test_stop_tokens_end_each_row_and_are_dropped(model):
    greedy = model.generate([3, 1, 4], 12)
    stop = greedy[5]
    stopped = model.generate([3, 1, 4], 12, stop_token_ids=[stop])
    assert stopped == greedy[: greedy.index(stop, 3)]


def test_seeded_sampling_is_reproducible_and_does_not_retrace(model):
    first = model.generate([1, 2], 30, sampler="random", seed=7, temperature=1.5)
    second = model.generate([1, 2], 30, sampler="random", seed=7, temperature=1.5)
    other = model.generate([1, 2], 30, sampler="random", seed=8, temperature=1.5)
    assert first == second
    assert first != other
    key = ("LanguageModelDecoder", "random", repr([("temperature", 1.5)]))
    decoder = _DECODERS[model][key]
    assert decoder.trace_count == 1


def test_a_model_that_generated_is_freed_with_its_decoders():
    # The decoder cache is keyed weakly by model; a decoder holding its model
    # strongly kept every model that ever generated alive (a tuning search grew
    # by one model per trial).
    lm = zoo.build("gru_lm", vocabulary_size=9, hidden_dim=4, num_layers=1)
    lm.generate([1, 2], 6)
    lm.generate([1, 2], 6, sampler="beam", num_beams=2)
    assert len(_DECODERS[lm]) == 2
    alive = weakref.ref(lm)
    del lm
    gc.collect()
    assert alive() is None  # and with it, its entry of the cache


def test_top_p_samples_only_from_the_nucleus(model):
    # p close to 0 keeps only the most likely token: greedy.
    greedy = model.generate([4, 4], 10)
    assert model.generate([4, 4], 10, sampler="top_p", p=1e-6, seed=0) == greedy


def test_text_prompts_and_their_errors():
    vocabulary = Vocabulary(list("abcd \n"), level="char")
    model = zoo.build("gru_lm", vocabulary=vocabulary, hidden_dim=6, num_layers=1)
    text = model.generate("ab", 6)
    assert isinstance(text, str) and text.startswith("ab") and len(text) == 6
    with pytest.raises(ValueError, match="not in the vocabulary.*'z'"):
        model.generate("az", 6)
    with pytest.raises(ValueError, match="max_length=2 leaves no room"):
        model.generate("ab", 2)
    with pytest.raises(ValueError, match="Unknown sampler 'nucleus'"):
        model.generate("ab", 6, sampler="nucleus")
    with pytest.raises(ValueError, match=r"Unknown option\(s\) \['k'\] for the 'beam'"):
        model.generate("ab", 6, sampler="beam", k=3)
    with pytest.raises(ValueError, match=r"must lie in \[0, 6\); got \[9\]"):
        model.generate([9], 6)

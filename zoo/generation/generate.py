"""`generate`: prompts in (text or token ids), continuations out."""

import weakref

import numpy as np

from zoo.generation.decoder import LanguageModelDecoder, RecurrentDecoder
from zoo.generation.samplers import get_sampler

# One decoder per (model, sampler configuration), kept outside the model so Keras
# does not track it as a sub-layer (its weights are the model's own).
_DECODERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def generate(
    model,
    prompt,
    max_length: int,
    sampler="greedy",
    seed: int | None = None,
    stop_token_ids=None,
    **sampler_options,
):
    """Continues `prompt` with `model` (a `zoo.models.LanguageModel`); see
    `LanguageModel.generate`."""
    rows, as_text, single = _prompt_rows(model, prompt)
    longest = max(len(row) for row in rows)
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise ValueError(f"max_length must be an integer; got {max_length!r}.")
    if max_length <= longest:
        raise ValueError(
            f"max_length={max_length} leaves no room to generate after a prompt of "
            f"{longest} tokens; it counts the prompt too."
        )
    stop_token_ids = _check_stop_tokens(model, stop_token_ids)
    if seed is not None:
        sampler_options["seed"] = seed
    decoder = cached_decoder(model, sampler, sampler_options)

    # Left-pad so every prompt ends at column P-1 and generation starts at P.
    token_ids = np.zeros((len(rows), max_length), dtype="int32")
    prompt_mask = np.zeros((len(rows), longest), dtype="bool")
    for index, row in enumerate(rows):
        token_ids[index, longest - len(row) : longest] = row
        prompt_mask[index, longest - len(row) :] = True
    output = np.asarray(decoder(token_ids, prompt_mask, stop_token_ids))

    results = []
    for index, row in enumerate(rows):
        generated = list(output[index, longest:])
        for position, token in enumerate(generated):
            if token in stop_token_ids:
                generated = generated[:position]
                break
        results.append([*row, *map(int, generated)])
    if as_text:
        results = [model.decode(result) for result in results]
    return results[0] if single else results


def cached_decoder(
    model, sampler, options, decoder_class=LanguageModelDecoder
) -> RecurrentDecoder:
    """The cached decoder (a `decoder_class`) for this sampler configuration; a new
    seed reseeds it instead of building (and tracing) a new one."""
    seed = options.pop("seed", None)
    key = (
        decoder_class.__name__,
        sampler if isinstance(sampler, str) else id(sampler),
        repr(sorted(options.items())),
    )
    decoders = _DECODERS.setdefault(model, {})
    if key not in decoders:
        # Seeded below: the seed is state of the sampler, not part of its trace.
        decoders[key] = decoder_class(model, get_sampler(sampler, **options))
    decoder = decoders[key]
    generator = getattr(decoder.sampler, "seed_generator", None)
    if seed is not None:
        if generator is None:
            raise ValueError(
                f"The {sampler!r} sampler is deterministic; it takes no seed."
            )
        generator.state.assign(np.array([seed, 0], dtype=generator.state.dtype))
    return decoder


def _prompt_rows(model, prompt):
    """(rows of token ids, whether the prompt was text, whether it was one row)."""
    if isinstance(prompt, str):
        return [model.encode(prompt)], True, True
    if isinstance(prompt, np.ndarray):
        prompt = prompt.tolist()
    if not isinstance(prompt, (list, tuple)) or not prompt:
        raise ValueError(
            "prompt must be text, a list of token ids, or a non-empty batch of "
            f"them; got {prompt!r}."
        )
    if all(isinstance(item, str) for item in prompt):
        return [model.encode(text) for text in prompt], True, False
    single = all(isinstance(item, (int, np.integer)) for item in prompt)
    rows = [list(prompt)] if single else [list(row) for row in prompt]
    for row in rows:
        if not row:
            raise ValueError("Every prompt needs at least one token; got an empty one.")
        bad = [t for t in row if not 0 <= int(t) < model.vocabulary_size]
        if bad:
            raise ValueError(
                f"Prompt token ids must lie in [0, {model.vocabulary_size}); got "
                f"{bad[:5]}."
            )
    return [[int(t) for t in row] for row in rows], False, single


def _check_stop_tokens(model, stop_token_ids) -> tuple[int, ...]:
    if stop_token_ids is None:
        return ()
    if isinstance(stop_token_ids, (int, np.integer)):
        stop_token_ids = [stop_token_ids]
    if isinstance(stop_token_ids, str):
        stop_token_ids = model.vocabulary.ids_of([stop_token_ids])
    stop_token_ids = tuple(int(t) for t in stop_token_ids)
    bad = [t for t in stop_token_ids if not 0 <= t < model.vocabulary_size]
    if bad:
        raise ValueError(
            f"stop_token_ids must lie in [0, {model.vocabulary_size}); got {bad}."
        )
    return stop_token_ids

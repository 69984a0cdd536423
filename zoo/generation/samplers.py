"""Sampler names -> KerasHub samplers (and our beam search)."""

import keras_hub

from zoo.generation.beam_search import BeamSearch

# name -> (class, the options it takes)
SAMPLERS = {
    "greedy": (keras_hub.samplers.GreedySampler, ()),
    "random": (keras_hub.samplers.RandomSampler, ("temperature", "seed")),
    "top_k": (keras_hub.samplers.TopKSampler, ("k", "temperature", "seed")),
    "top_p": (keras_hub.samplers.TopPSampler, ("p", "k", "temperature", "seed")),
    "beam": (BeamSearch, ("num_beams", "length_penalty")),
}


def get_sampler(sampler="greedy", **options) -> keras_hub.samplers.Sampler:
    """A sampler instance from its name and options (an instance passes through)."""
    if isinstance(sampler, keras_hub.samplers.Sampler):
        if options:
            raise ValueError(
                "Sampler options go to the sampler's constructor; got a sampler "
                f"instance and options {sorted(options)}."
            )
        return sampler
    if sampler not in SAMPLERS:
        raise ValueError(
            f"Unknown sampler {sampler!r}. Available: {', '.join(SAMPLERS)}, or a "
            "keras_hub.samplers.Sampler."
        )
    cls, accepted = SAMPLERS[sampler]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"Unknown option(s) {unknown} for the {sampler!r} sampler. Accepted: "
            f"{', '.join(accepted) or 'none'}."
        )
    return cls(**options)

"""Decoding over a recurrent-state cache: greedy, sampling, top-k, top-p, beam."""

from zoo.generation.beam_search import BeamSearch
from zoo.generation.generate import generate
from zoo.generation.samplers import SAMPLERS, get_sampler

__all__ = ["SAMPLERS", "BeamSearch", "generate", "get_sampler"]

"""Interleaved timing: every contender is timed once per round, round after round,
so slow drifts of a shared (virtual) machine hit all of them alike; each result is
the median over rounds of the mean ms per call."""

import statistics
import time


def interleaved_medians(calls: dict, steps: int, rounds: int, warmup: int = 2) -> dict:
    """{name: callable} -> {name: median ms per call}."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(steps):
                call()
            samples[name].append((time.perf_counter() - start) / steps * 1e3)
    return {name: statistics.median(values) for name, values in samples.items()}

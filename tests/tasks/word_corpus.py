"""Random text over 40 words, for word-level training tests."""

from pathlib import Path

import numpy as np


def random_word_corpus(folder: Path, size: int, seed: int) -> Path:
    """Writes `size` words drawn uniformly from w0 ... w39 to folder/words.txt."""
    rng = np.random.default_rng(seed)
    words = [f"w{index}" for index in range(40)]
    path = folder / "words.txt"
    path.write_text(" ".join(rng.choice(words, size=size)) + "\n")
    return path

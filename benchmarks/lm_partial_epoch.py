"""The start of a language-model preset's training curve on PTB, for presets too slow
to train to the end on a CPU (Zaremba's medium and the tied medium: 39 epochs).

    python benchmarks/lm_partial_epoch.py lstm_lm_ptb_medium --steps 600
    python benchmarks/lm_partial_epoch.py lstm_lm_ptb_medium_tied --steps 600

Trains the preset with its own recipe (`compile()`, `recipe_callbacks()`, stateful
TBPTT windows) on the first `--steps` batches of the PTB training split and prints a
table: the mean training perplexity of each block of `--every` steps, then the
validation perplexity of the whole validation split at the end, and the wall time.
"""

import argparse
import math
import time
from pathlib import Path

import keras

import zoo
from tasks.data.batching import tbptt_windows
from tasks.data.corpus import load_corpus
from tasks.language_modeling import evaluate_windows

PTB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptb"


class BlockPerplexity(keras.callbacks.Callback):
    """The mean training loss of each block of `every` batches, from Keras's running
    mean over the epoch (`logs["loss"]` after batch k is the mean of batches 0..k)."""

    def __init__(self, every: int):
        super().__init__()
        self.every = every
        self.blocks = []  # (last step, mean loss of the block)
        self._previous = (0, 0.0)  # (steps, running mean) at the last block end

    def on_train_batch_end(self, batch, logs=None):
        steps = batch + 1
        if steps % self.every:
            return
        previous_steps, previous_mean = self._previous
        block_sum = logs["loss"] * steps - previous_mean * previous_steps
        self.blocks.append((steps, block_sum / (steps - previous_steps)))
        self._previous = (steps, logs["loss"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--data", default=str(PTB))
    arguments = parser.parse_args()

    corpus = load_corpus(arguments.data, level="word")
    lm = zoo.build(arguments.preset, vocabulary=corpus.vocabulary, stateful=True)
    inputs, targets = tbptt_windows(corpus.train, lm.batch_size, lm.sequence_length)
    used = arguments.steps * lm.batch_size
    if used > len(inputs):
        raise SystemExit(
            f"--steps {arguments.steps} is more than one epoch "
            f"({len(inputs) // lm.batch_size} steps)."
        )
    lm.compile()
    blocks = BlockPerplexity(arguments.every)
    start = time.perf_counter()
    lm.fit(
        inputs[:used],
        targets[:used],
        batch_size=lm.batch_size,
        epochs=1,
        shuffle=False,
        callbacks=[*lm.recipe_callbacks(), blocks],
        verbose=2,
    )
    validation = evaluate_windows(
        lm, *tbptt_windows(corpus.valid, lm.batch_size, lm.sequence_length)
    )
    minutes = (time.perf_counter() - start) / 60
    epoch_steps = len(inputs) // lm.batch_size
    print(
        f"\n## {arguments.preset}: first {arguments.steps} of {epoch_steps} steps "
        f"of epoch 1 ({minutes:.1f} min with validation)\n"
    )
    print("| steps | training perplexity (block mean) |")
    print("|---:|---:|")
    for steps, loss in blocks.blocks:
        print(f"| {steps - arguments.every + 1}-{steps} | {math.exp(loss):.1f} |")
    print(f"\nvalidation perplexity after {arguments.steps} steps: {validation:.1f}")


if __name__ == "__main__":
    main()

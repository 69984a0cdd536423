"""Datasets whose shuffle is a function of the epoch, so that a resumed run
trains on what an unbroken one would."""

import keras
import numpy as np


class EpochShuffled(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` that draws each epoch's order from (seed, epoch)
    alone, not from a generator that advances once per epoch: a run resumed at
    epoch k (which starts a fresh dataset) then sees epoch k's order, as an
    unbroken run does.

    Three things about Keras 3.15's `fit` make `fit_arguments` necessary:
    - it shuffles a dataset's batch order itself unless `shuffle=False`, with a
      global generator that a resumed run restarts;
    - it calls `on_epoch_end` before the first epoch too (and its TensorFlow
      adapter once more after reading the first batches for their shapes), so
      counting calls does not give the epoch;
    - it tells a dataset when an epoch ends but not which epoch starts: a callback
      (`follow`) passes that on.

    Subclasses draw their order in `reshuffle()` with `self.epoch_random()`, and
    draw epoch 0's in their constructor.
    """

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.epoch = 0

    def epoch_random(self) -> np.random.Generator:
        """The generator of this epoch's order."""
        return np.random.default_rng([self.seed, self.epoch])

    def reshuffle(self) -> None:
        raise NotImplementedError

    def start_epoch(self, epoch: int) -> None:
        if epoch != self.epoch:
            self.epoch = epoch
            self.reshuffle()

    def on_epoch_end(self) -> None:
        self.start_epoch(self.epoch + 1)

    def follow(self) -> keras.callbacks.Callback:
        """A callback that gives this dataset the number of each epoch `fit`
        starts."""
        return keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs: self.start_epoch(epoch)
        )

    def fit_arguments(self, callbacks=()) -> dict:
        """`fit`'s `shuffle` and `callbacks` (`follow`, then `callbacks`) for
        training on this dataset: `model.fit(data, **data.fit_arguments(...))`."""
        return {"shuffle": False, "callbacks": [self.follow(), *callbacks]}

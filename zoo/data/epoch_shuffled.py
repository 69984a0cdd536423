"""Datasets whose shuffle is a function of the epoch, so that a resumed run
trains on what an unbroken one would."""

import keras
import numpy as np


class EpochShuffled(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` that draws each epoch's order from (seed, epoch)
    alone, not from a generator that advances once per epoch: a run resumed at
    epoch k (which starts a fresh dataset) then sees epoch k's order, as an
    unbroken run does. Keras tells a dataset when an epoch ends but not which
    epoch starts, so `fit` needs `callbacks=[EpochShuffled.follow(dataset)]`.

    Subclasses draw their order in `reshuffle()` with `self.random()`.
    """

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.epoch = 0

    def random(self) -> np.random.Generator:
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

    @staticmethod
    def follow(dataset: "EpochShuffled") -> keras.callbacks.Callback:
        """A callback that gives `dataset` the number of each epoch `fit` starts."""
        return keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs: dataset.start_epoch(epoch)
        )

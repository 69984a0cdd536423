"""Teacher-forcing batches of captioned images: every caption of every image is
one training pair."""

import numpy as np

from tasks.data.captioned_images import CaptionedImages
from zoo.data.epoch_shuffled import EpochShuffled


class CaptionBatches(EpochShuffled):
    """({"image" (or "features"): (B, H, W, C) float32, "token_ids": (B, T)},
    targets (B, T)) for `captioner.caption_pairs`; shuffled every epoch when
    `shuffle`, in an order that depends on (seed, epoch) alone (`EpochShuffled`:
    fit with `**batches.fit_arguments(callbacks)`).

    Every batch is padded to the longest caption of the whole set: Keras 3.15's
    TensorFlow adapter fixes a PyDataset's shapes from its first batches, so the
    caption length must not change from batch to batch. The images stay one copy
    in memory (a pair holds the image's index).
    """

    def __init__(
        self,
        captioner,
        data: CaptionedImages,
        batch_size: int = 64,
        shuffle: bool = False,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(seed, **kwargs)
        if len(data) == 0:
            raise ValueError("No captioned images to make batches of.")
        captions = [caption for captions in data.captions for caption in captions]
        self.image_of_pair = np.repeat(
            np.arange(len(data)), [len(captions) for captions in data.captions]
        )
        self.inputs, self.targets = captioner.caption_pairs(captions)  # (P, T)
        self.images = data.images
        self.input_name = captioner.image_input
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.order = np.arange(len(self.inputs))
        self.reshuffle()

    def __len__(self) -> int:
        return -(-len(self.order) // self.batch_size)

    def __getitem__(self, index):
        pairs = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        images = self.images[self.image_of_pair[pairs]].astype("float32")
        inputs = {self.input_name: images, "token_ids": self.inputs[pairs]}
        return inputs, self.targets[pairs]

    def reshuffle(self) -> None:
        if self.shuffle:
            self.order = self.epoch_random().permutation(len(self.inputs))

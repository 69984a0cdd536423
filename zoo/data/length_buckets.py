"""Batches of texts of similar length, for training and predicting classifiers.

Written here rather than taken from `tf.data`'s `bucket_by_sequence_length`: that
leaves the number of batches unknown (Keras's progress bar shows no total and the
learning-rate schedules cannot count steps) and runs on TensorFlow only, while a
`keras.utils.PyDataset` has a length and feeds every backend.
"""

import numpy as np

from zoo.data.epoch_shuffled import EpochShuffled


class LengthBuckets(EpochShuffled):
    """Token-id rows cut into batches of similar length, each right-padded with 0 to
    its longest row rounded up to a multiple of `pad_multiple` (few distinct shapes,
    so few retraces or recompilations).

    With `shuffle`, every epoch draws new batches: the rows are shuffled, sorted
    by length within pools of `pool_batches` batches, cut into batches, and the
    batches shuffled; the draw depends on (seed, epoch) alone (`EpochShuffled`:
    fit with `**batches.fit_arguments(callbacks)`). Without it, the rows go
    in length order, and `in_input_order` puts predictions back in the order of
    `rows`.

    Args:
        rows: token ids per text (lists of positive ints).
        labels: class ids per text (batches are `(ids, labels)`), or None
            (batches are `ids`).
    """

    def __init__(
        self,
        rows: list[list[int]],
        labels=None,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: int = 0,
        pad_multiple: int = 8,
        pool_batches: int = 50,
        **kwargs,
    ):
        super().__init__(seed, **kwargs)
        if not rows:
            raise ValueError("LengthBuckets needs at least one row; got none.")
        if labels is not None and len(labels) != len(rows):
            raise ValueError(f"{len(labels)} labels for {len(rows)} rows.")
        self.rows = rows
        self.labels = None if labels is None else np.asarray(labels)
        self.lengths = np.array([len(row) for row in rows])
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.pad_multiple = pad_multiple
        self.pool_batches = pool_batches
        self.wider_batch = None
        self.batches = self._draw_batches()

    def _draw_batches(self) -> list[np.ndarray]:
        if not self.shuffle:
            order = np.argsort(self.lengths, kind="stable")
            batches = np.array_split(
                order, range(self.batch_size, len(order), self.batch_size)
            )
            return self._first_two_widths_differ(batches)
        generator = self.epoch_random()
        order = generator.permutation(len(self.rows))
        pool = self.batch_size * self.pool_batches
        batches = []
        for start in range(0, len(order), pool):
            rows = order[start : start + pool]
            rows = rows[np.argsort(self.lengths[rows], kind="stable")]
            batches += np.array_split(
                rows, range(self.batch_size, len(rows), self.batch_size)
            )
        batches = [batches[i] for i in generator.permutation(len(batches))]
        return self._first_two_widths_differ(batches)

    def _first_two_widths_differ(self, batches: list) -> list:
        """Keras's TensorFlow data adapter takes a PyDataset's tensor shapes from
        its first two batches (NUM_BATCHES_FOR_TENSOR_SPEC in Keras 3.15's
        data_adapter_utils) and fixes every dimension on which they agree, so a
        later batch of another width (in this epoch or a reshuffled one) fails.
        Brings a batch of another width to the second place; when all have one
        width, the second batch is padded `pad_multiple` wider (masked)."""
        self.wider_batch = None
        widths = [self._width(batch) for batch in batches]
        other = next((i for i, w in enumerate(widths) if w != widths[0]), None)
        if other is not None and other > 1:
            batches[1], batches[other] = batches[other], batches[1]
        elif other is None and len(batches) > 1:
            self.wider_batch = 1
        return batches

    def _width(self, rows: np.ndarray, index: int | None = None) -> int:
        """The padded length of batch `index`, holding `rows`."""
        longest = self.lengths[rows].max()
        width = int(-(-longest // self.pad_multiple) * self.pad_multiple)
        return width + self.pad_multiple * (index == self.wider_batch)

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        rows = self.batches[index]
        width = self._width(rows, index)
        ids = np.zeros((len(rows), width), dtype="int32")  # (B, T), 0 is padding
        for line, row in enumerate(rows):
            ids[line, : self.lengths[row]] = self.rows[row]
        if self.labels is None:
            return ids
        return ids, self.labels[rows]

    def reshuffle(self) -> None:
        if self.shuffle:
            self.batches = self._draw_batches()

    def in_input_order(self, outputs: np.ndarray) -> np.ndarray:
        """Outputs of the batches in order (as `model.predict` returns them) ->
        the same outputs in the order of `rows`. Only without `shuffle`."""
        if self.shuffle:
            raise ValueError("in_input_order needs a LengthBuckets without shuffle.")
        order = np.concatenate(self.batches)
        restored = np.empty_like(outputs)
        restored[order] = outputs
        return restored

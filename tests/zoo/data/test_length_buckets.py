"""Length-bucketed batches: every row once per epoch, padded to a multiple of 8,
reshuffled each epoch, and predictions put back in input order."""

import numpy as np

import zoo
from zoo.data.length_buckets import LengthBuckets


def _rows(count, rng):
    return [list(rng.integers(1, 50, size=rng.integers(1, 40))) for _ in range(count)]


def _epoch(batches):
    return [batches[i] for i in range(len(batches))]


def test_each_epoch_holds_every_row_once_padded_with_zeros():
    rng = np.random.default_rng(0)
    rows = _rows(203, rng)
    labels = np.arange(203)
    batches = LengthBuckets(rows, labels, batch_size=16, shuffle=True, pool_batches=4)
    assert len(batches) == 13
    seen = []
    for ids, batch_labels in _epoch(batches):
        assert ids.shape[1] % 8 == 0 and ids.dtype == np.int32
        lengths = [len(rows[i]) for i in batch_labels]
        assert ids.shape[1] - max(lengths) < 8  # padded to the next multiple only
        for line, index in zip(ids, batch_labels, strict=True):
            assert list(line[: len(rows[index])]) == rows[index]
            assert not line[len(rows[index]) :].any()
        seen += list(batch_labels)
    assert sorted(seen) == list(range(203))
    first = [list(labels) for _, labels in _epoch(batches)]
    batches.on_epoch_end()
    assert first != [list(labels) for _, labels in _epoch(batches)]


def test_an_epochs_batches_depend_on_the_seed_and_epoch_alone():
    """What a resumed run relies on: a fresh dataset told it starts epoch 2 draws
    the batches of one that went through epochs 0 and 1."""
    rows = _rows(203, np.random.default_rng(2))

    def batch_labels(batches):
        return [list(labels) for _, labels in _epoch(batches)]

    def buckets(seed):
        labels = np.arange(203)
        return LengthBuckets(rows, labels, batch_size=16, shuffle=True, seed=seed)

    unbroken, fresh, other_seed = buckets(3), buckets(3), buckets(4)
    unbroken.on_epoch_end()
    unbroken.on_epoch_end()
    fresh.start_epoch(2)
    other_seed.start_epoch(2)
    assert batch_labels(fresh) == batch_labels(unbroken)
    assert batch_labels(other_seed) != batch_labels(unbroken)
    fresh.on_epoch_end()
    assert batch_labels(fresh) != batch_labels(unbroken)


def test_batches_hold_similar_lengths():
    rng = np.random.default_rng(1)
    rows = _rows(640, rng)
    bucketed = LengthBuckets(rows, batch_size=32, shuffle=True, pool_batches=20)
    padding = sum(ids.size - (ids > 0).sum() for ids in _epoch(bucketed))
    # Batches of 32 drawn at random, each padded to its longest row, rounded up
    # to a multiple of 8 as well.
    random_widths = [
        -(-max(len(rows[i]) for i in batch) // 8) * 8
        for batch in np.array_split(rng.permutation(640), 20)
    ]
    random_padding = 32 * sum(random_widths) - sum(map(len, rows))
    assert padding < 0.4 * random_padding


def test_the_first_two_batches_differ_in_width():
    """Keras's TensorFlow adapter fixes the widths the first two batches share."""
    rows = [[1] * 3] * 64 + [[1] * 20] * 8
    for shuffle in (False, True):
        batches = LengthBuckets(rows, batch_size=8, shuffle=shuffle)
        assert batches[0].shape[1] != batches[1].shape[1]
    # Sorted by length, the shortest batch and the next already differ.
    batches = LengthBuckets([[1] * 12] * 12 + [[2] * 3] * 4, batch_size=4)
    assert [batches[i].shape[1] for i in range(4)] == [8, 16, 16, 16]
    # One width throughout: the second batch is padded one multiple wider.
    batches = LengthBuckets([[1] * 5] * 16, batch_size=4, shuffle=True)
    assert [batches[i].shape[1] for i in range(4)] == [8, 16, 8, 8]


def test_fit_survives_epochs_whose_widths_differ_from_the_first():
    """Here the first epoch's batches all have width 16 and a later epoch's
    reshuffle brings width 8: a fixed width would fail on TensorFlow."""
    rows = [[1] * 12] * 12 + [[2] * 3] * 4
    labels = [0] * 12 + [1] * 4
    batches = LengthBuckets(rows, labels, batch_size=4, shuffle=True, pool_batches=2,
                            seed=1)  # fmt: skip
    model = zoo.build("gru_classifier", vocabulary_size=3, hidden_dim=4)
    model.compile()
    history = model.fit(batches, epochs=4, verbose=0).history
    assert len(history["loss"]) == 4


def test_in_input_order_undoes_the_length_sort():
    rng = np.random.default_rng(2)
    rows = _rows(50, rng)
    batches = LengthBuckets(rows, batch_size=7)
    outputs = np.concatenate([ids.sum(axis=1) for ids in _epoch(batches)])
    np.testing.assert_array_equal(
        batches.in_input_order(outputs), [sum(row) for row in rows]
    )

"""A run stopped after an epoch and resumed (`--resume`) trains on as one that was
never stopped: the training data's shuffle depends on (seed, epoch) alone
(`zoo.data.epoch_shuffled`), and a classifier's weight average is backed up apart
from its raw weights. (Language models: test_fault_tolerance.py.)"""

import functools

from tasks import captioning
from tests.tasks.run_folders import all_close, checkpoint_weights, train_averaged
from tests.tuning.data import write_captioned_images, write_labelled_csv


def _unbroken_and_resumed(train, tmp_path):
    """Epoch 2's checkpoints (raw weights, moving average) of a 2-epoch run and
    of a 1-epoch run resumed to 2."""
    unbroken = train(tmp_path / "unbroken", epochs=2, resume=False)
    train(tmp_path / "resumed", epochs=1, resume=False)
    resumed = train(tmp_path / "resumed", epochs=2, resume=True)
    return checkpoint_weights(unbroken, 2)[:2], checkpoint_weights(resumed, 2)[:2]


def test_a_classifier_with_weight_averaging(tmp_path):
    train = functools.partial(train_averaged, write_labelled_csv(tmp_path / "t.csv"))
    (raw, average), (resumed_raw, resumed_average) = _unbroken_and_resumed(
        train, tmp_path
    )
    assert average and all_close(average, resumed_average)
    assert all_close(raw, resumed_raw)


def test_a_captioner(tmp_path):
    folder = write_captioned_images(tmp_path / "flickr")

    def train(output, epochs, resume):
        return captioning.train(
            "lstm_captioner", data=folder, images=folder, epochs=epochs,
            output=output, resume=resume, seed=0, batch_size=8, hidden_dim=8,
            image_size=24, patience=None,
        )  # fmt: skip

    (raw, _), (resumed_raw, _) = _unbroken_and_resumed(train, tmp_path)
    assert all_close(raw, resumed_raw)

"""Weight averaging in classifier training (`weight_averaging=`, the CLI's
`--weight-averaging`): validation, the best-epoch choice and the kept model use the
moving average of the weights, while the per-epoch checkpoints (and the backup)
keep the raw weights and the average apart (resumed runs: test_resumed_runs.py)."""

import numpy as np
import pytest

from tasks import text_classification, training
from tasks.runs import averaged_weights_callbacks
from tasks.text_classification import length_batches
from tests.tasks.run_folders import (
    all_close,
    checkpoint_weights,
    run_splits,
    train_averaged,
    validation_history,
    values,
)
from tests.tuning.data import write_labelled_csv
from zoo.models import TextClassifier


@pytest.mark.parametrize("strategy", ["default", "mirrored"])
def test_validation_and_the_kept_model_use_the_average(tmp_path, strategy):
    data = write_labelled_csv(tmp_path / "texts.csv")
    folder = train_averaged(data, tmp_path / "run", epochs=3, strategy=strategy)
    splits = run_splits(folder)
    averages = []
    for epoch in (1, 2, 3):
        raw, average, averaged_model = checkpoint_weights(folder, epoch)
        assert not all_close(raw, average)
        # What validation measured each epoch is the average's loss.
        _, valid = length_batches(averaged_model, splits, batch_size=16, seed=0)
        loss = averaged_model.evaluate(valid, return_dict=True, verbose=0)["loss"]
        assert loss == pytest.approx(
            validation_history(folder, "val_loss")[epoch - 1], rel=1e-5
        )
        averages.append(average)
    kept = values(text_classification.load_run(folder).trainable_variables)
    # The first best epoch by validation accuracy: later ties are not kept.
    best = int(np.argmax(validation_history(folder)))
    assert all_close(kept, averages[best])


def test_the_momentum_reaches_adam_and_bad_values_are_refused():
    model = TextClassifier(vocabulary_size=10, hidden_dim=4, weight_averaging=0.99)
    model.compile()
    assert model.optimizer.use_ema and model.optimizer.ema_momentum == 0.99
    assert TextClassifier.from_config(model.get_config()).weight_averaging == 0.99
    plain = TextClassifier(vocabulary_size=10, hidden_dim=4)
    plain.compile()
    assert not plain.optimizer.use_ema
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match=rf"between 0 and 1.*got {bad}"):
            TextClassifier(vocabulary_size=10, hidden_dim=4, weight_averaging=bad)


def test_mixed_float16_keeps_the_average_inside_its_loss_scaling():
    with training.precision("mixed_float16"):
        model = TextClassifier(vocabulary_size=10, hidden_dim=4, weight_averaging=0.9)
        model.compile()
    assert type(model.optimizer).__name__ == "LossScaleOptimizer"
    assert len(averaged_weights_callbacks(model)) == 1

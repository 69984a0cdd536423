"""A classifier trial with weight averaging is validated by the average, as
`rnn-zoo train` validates it (tests/tasks/test_weight_averaging.py)."""

import pytest

import zoo
from tasks.data.labelled_splits import load_splits
from tasks.text_classification import length_batches
from tests.tuning.data import write_labelled_csv
from tuning.trial_data import ClassifierTrials


def test_a_classifier_trial_validates_the_weight_average(tmp_path):
    splits = load_splits(write_labelled_csv(tmp_path / "texts.csv"))
    trials = ClassifierTrials(splits, batch_size=16, seed=0)
    classifier = zoo.build(
        "gru_classifier", hidden_dim=8, weight_averaging=0.9, **trials.fixed
    )
    classifier.compile()
    history = trials.fit(classifier, epochs=2, verbose=0)
    # After its last epoch (no early stop), fit leaves the average in the model.
    _, valid = length_batches(classifier, splits, 16, 0)
    loss = classifier.evaluate(valid, return_dict=True, verbose=0)["loss"]
    assert loss == pytest.approx(history.history["val_loss"][-1], rel=1e-5)

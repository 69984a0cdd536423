"""Text classifiers: padding never changes a prediction, a recurrent model learns a
task that needs the order of its input, and raw text goes in."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import TextClassifier
from zoo.vocabulary import Vocabulary

CLASSIFIERS = [name for name in zoo.list_models() if name.endswith("_classifier")]
POOLINGS = ["last", "mean", "max", "attention"]


def test_every_classifier_family_is_registered():
    assert CLASSIFIERS == [
        "bilstm_classifier",
        "elman_classifier",
        "gru_classifier",
        "jordan_classifier",
        "lstm_classifier",
        "peephole_classifier",
    ]


def _probabilities(model, ids):
    return keras.ops.convert_to_numpy(model(np.asarray(ids, dtype="int32")))


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize(
    "name",
    [  # the bidirectional one takes ~10 s per pooling on JAX
        pytest.param(name, marks=pytest.mark.slow) if name.startswith("bi") else name
        for name in CLASSIFIERS
    ],
)
def test_padding_never_changes_a_prediction(name, pooling):
    keras.utils.set_random_seed(0)
    model = zoo.build(
        name, vocabulary_size=12, hidden_dim=6, num_layers=2, pooling=pooling
    )
    rows = [[3, 4, 5, 9], [6, 7], [11]]
    batch = np.zeros((3, 4), dtype="int32")
    for index, row in enumerate(rows):
        batch[index, : len(row)] = row
    padded = np.concatenate([batch, np.zeros((3, 5), dtype="int32")], axis=1)
    together = _probabilities(model, batch)
    np.testing.assert_allclose(_probabilities(model, padded), together, atol=1e-6)
    for index, row in enumerate(rows):  # each row alone, with no padding at all
        np.testing.assert_allclose(
            _probabilities(model, [row])[0], together[index], atol=1e-6
        )


def _keyword_order_data(count, rng):
    """Label 1 when token 1 ("A") comes before token 2 ("B") in a sequence of
    fillers (ids 3..9) of length 6 to 14; only the order tells the classes apart."""
    ids = np.zeros((count, 14), dtype="int32")
    labels = np.zeros(count, dtype="int32")
    for index in range(count):
        length = rng.integers(6, 15)
        row = rng.integers(3, 10, size=length)
        first, second = rng.choice(length, size=2, replace=False)
        labels[index] = int(first < second)
        row[first], row[second] = 1, 2
        ids[index, :length] = row
    return ids, labels


def test_lstm_classifier_learns_which_keyword_comes_first(record_result):
    rng = np.random.default_rng(0)
    train_x, train_y = _keyword_order_data(2000, rng)
    test_x, test_y = _keyword_order_data(500, rng)
    keras.utils.set_random_seed(0)
    model = zoo.build(
        "lstm_classifier", vocabulary_size=10, hidden_dim=32, learning_rate=1e-2
    )
    model.compile()
    model.fit(train_x, train_y, batch_size=64, epochs=12, verbose=0)
    accuracy = model.evaluate(test_x, test_y, verbose=0, return_dict=True)["accuracy"]
    # The control: the same test rows with their tokens shuffled (labels kept) are
    # at chance, so what was learned is the order, not which tokens occur.
    shuffled = test_x.copy()
    for row in shuffled:
        length = int((row > 0).sum())
        row[:length] = rng.permutation(row[:length])
    chance = model.evaluate(shuffled, test_y, verbose=0, return_dict=True)["accuracy"]
    record_result(
        f"keyword order: lstm_classifier test accuracy {accuracy:.3f} "
        f"(shuffled tokens: {chance:.3f})"
    )
    assert accuracy >= 0.95
    assert chance < 0.65


def test_raw_text_in_label_names_out():
    vocabulary = Vocabulary(["good", "bad", "film", "<unk>"], unknown_token="<unk>")
    model = zoo.build(
        "gru_classifier",
        vocabulary=vocabulary,
        labels=["negative", "positive"],
        hidden_dim=8,
    )
    ids = model.encode(["good film", "bad", "very good film"])
    np.testing.assert_array_equal(ids, [[1, 3, 0], [2, 0, 0], [4, 1, 3]])
    assert model.vocabulary_size == 5 and model.num_classes == 2
    probabilities = model.predict_proba(["good film", "bad"])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert set(model.predict_labels(["good film", "bad"])) <= {"negative", "positive"}


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="vocabulary_size=... or vocabulary"):
        TextClassifier()
    with pytest.raises(ValueError, match="pooling must be one of"):
        TextClassifier(vocabulary_size=5, pooling="sum")
    with pytest.raises(ValueError, match="3 labels for num_classes=2"):
        TextClassifier(vocabulary_size=5, num_classes=2, labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="has no vocabulary"):
        TextClassifier(vocabulary_size=5).encode(["text"])
    model = TextClassifier(vocabulary=Vocabulary(["a", "[UNK]"], unknown_token="[UNK]"))
    with pytest.raises(ValueError, match="at least one text; got none"):
        model.predict_proba([])
    with pytest.raises(ValueError, match="position 1 have no tokens"):
        model.predict_proba(["a", "  "])


def test_word_dropout_drops_whole_words_in_training_only():
    model = zoo.build(
        "lstm_classifier", vocabulary_size=10, hidden_dim=4, embedding_dropout=0.5
    )
    word_dropout = model.get_layer("word_dropout")
    vectors = np.ones((64, 20, 6), dtype="float32")
    dropped = np.asarray(word_dropout(vectors, training=True))
    kept = dropped.any(axis=-1)  # (64, 20): which words survived
    # A word keeps all its features (scaled by 1 / (1 - 0.5)) or none.
    np.testing.assert_array_equal(dropped, 2.0 * kept[..., None] * vectors)
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_array_equal(word_dropout(vectors, training=False), vectors)

"""Train / validation / test splits for classifiers: the shipped sentiment
sentences, stratified seeded cuts, given split files, TFDS offline, and the
errors raised before any model is built."""

import collections

import pytest

from tasks.data.labelled_splits import load_splits, shipped_sentiment_sentences
from tasks.data.tfds_labelled import read_tfds_splits


def test_the_shipped_sentiment_sentences_are_whole():
    data = shipped_sentiment_sentences()
    assert len(data.texts) == 3000
    assert collections.Counter(data.labels) == {"negative": 1500, "positive": 1500}
    assert data.texts[0] == (  # the first line of amazon_cells_labelled.txt
        "So there is no way for me to plug it in here in the US unless I go by a "
        "converter."
    )
    assert data.labels[0] == "negative"


def test_default_splits_are_stratified_disjoint_and_repeatable():
    splits = load_splits()
    sizes = [len(getattr(splits, s).texts) for s in ("train", "valid", "test")]
    assert sizes == [2430, 270, 300]
    assert collections.Counter(splits.test.labels) == {
        "negative": 150,
        "positive": 150,
    }
    assert splits.label_names == ["negative", "positive"]
    train, test = set(splits.train.texts), set(splits.test.texts)
    texts = shipped_sentiment_sentences().texts
    assert train | set(splits.valid.texts) | test == set(texts)
    repeated = {text for text, n in collections.Counter(texts).items() if n > 1}
    assert test & train <= repeated  # shared only where the data repeats a text
    assert load_splits().test.texts == splits.test.texts
    assert load_splits(seed=1).test.texts != splits.test.texts


def test_given_split_files_are_used_as_they_are(tmp_path):
    (tmp_path / "train.csv").write_text(
        "text,label\n" + "".join(f"t{i},{'ab'[i % 2]}\n" for i in range(40))
    )
    (tmp_path / "test.csv").write_text("text,label\nx,a\ny,b\n")
    splits = load_splits(tmp_path / "train.csv", test_data=tmp_path / "test.csv")
    assert splits.test.texts == ["x", "y"]
    assert len(splits.valid.texts) == 4 and len(splits.train.texts) == 36
    assert splits.ids("test") == [0, 1]


def test_unseen_or_single_classes_are_refused_before_training(tmp_path):
    (tmp_path / "train.csv").write_text("text,label\na,x\nb,y\nc,x\nd,y\n")
    (tmp_path / "test.csv").write_text("text,label\na,x\nb,z\n")
    with pytest.raises(ValueError, match="never seen in training: 'z'"):
        load_splits(
            tmp_path / "train.csv",
            valid_data=tmp_path / "train.csv",
            test_data=tmp_path / "test.csv",
        )
    (tmp_path / "one.csv").write_text("text,label\na,x\nb,x\n")
    with pytest.raises(ValueError, match="one class only"):
        load_splits(tmp_path / "one.csv")
    with pytest.raises(ValueError, match="Cannot cut a test split"):
        load_splits(tmp_path / "train.csv")  # 2 texts per class: too few to cut
    with pytest.raises(ValueError, match="no such file or folder"):
        load_splits(tmp_path / "missing.csv")


def test_tfds_builder_of_the_shipped_sentences_works_offline(tmp_path):
    splits = read_tfds_splits(
        "tfds:local_labelled_texts/sentiment_sentences", data_dir=tmp_path
    )
    assert set(splits) == {"train", "test"}  # no validation split in it
    assert len(splits["train"].texts) == 2700 and len(splits["test"].texts) == 300
    shipped = shipped_sentiment_sentences()
    pairs = set(zip(shipped.texts, shipped.labels, strict=True))
    for split in splits.values():
        assert set(zip(split.texts, split.labels, strict=True)) <= pairs
    with pytest.raises(ValueError, match="No TFDS dataset 'no_such_dataset'"):
        read_tfds_splits("tfds:no_such_dataset", data_dir=tmp_path)

"""Train / validation / test splits of labelled texts for a classifier, from files,
folders, TFDS or the sentiment sentences shipped with rnn-zoo.

    splits = load_splits()                                  # shipped, 81/9/10
    splits = load_splits("sst2/train.tsv", test_data="sst2/dev.tsv",
                         text_column="sentence")
    splits = load_splits("tfds:imdb_reviews")               # TFDS's train and test

Splits the data does not bring are cut from the training data, stratified by label
and seeded: the test split first (`holdout` of the data), then the validation split
(`holdout` of the rest), so `rnn-zoo evaluate` can cut the same test split again
from what `run.json` records. Every label of the
validation and test splits must be one the training split has (`label_ids`).
"""

import dataclasses
from importlib import resources
from pathlib import Path

from sklearn.model_selection import train_test_split

from tasks.data.corpus import TFDS_PREFIX
from tasks.data.labelled_texts import (
    LabelledTexts,
    label_ids,
    label_names,
    read_folders,
    read_table,
)

SENTIMENT_FILES = ("amazon_cells", "imdb", "yelp")
SENTIMENT_LABELS = {"0": "negative", "1": "positive"}


@dataclasses.dataclass
class LabelledSplits:
    """The three splits, and the classes (from the training split, in id order)."""

    train: LabelledTexts
    valid: LabelledTexts
    test: LabelledTexts
    label_names: list[str]

    def ids(self, split: str) -> list[int]:
        """A split's labels as class ids."""
        return label_ids(getattr(self, split).labels, self.label_names)


def shipped_sentiment_sentences() -> LabelledTexts:
    """The 3,000 UCI sentiment sentences (Kotzias et al. 2015, CC BY 4.0; see
    tasks/data/sentiment_sentences/SOURCE.md), labels `negative` / `positive`."""
    folder = resources.files("tasks.data") / "sentiment_sentences"
    texts, labels = [], []
    for name in SENTIMENT_FILES:
        part = read_table(Path(str(folder / f"{name}_labelled.txt")), 0, 1)
        texts += part.texts
        labels += [SENTIMENT_LABELS[label] for label in part.labels]
    return LabelledTexts(texts, labels)


def read_labelled(
    data, text_column: str | int = "text", label_column: str | int = "label"
) -> LabelledTexts:
    """A table file (`read_table`) or a folder of class folders (`read_folders`)."""
    path = Path(data)
    if path.is_dir():
        return read_folders(path)
    if not path.exists():
        raise ValueError(
            f"--data {str(data)!r}: no such file or folder (expected a CSV/TSV file, "
            "a folder of class folders, or tfds:NAME)."
        )
    return read_table(path, text_column, label_column)


def load_splits(
    data=None,
    valid_data=None,
    test_data=None,
    text_column: str | int = "text",
    label_column: str | int = "label",
    holdout: float = 0.1,
    seed: int = 0,
) -> LabelledSplits:
    """The splits of `data` (default: the shipped sentiment sentences; a path; or
    `tfds:NAME`), with `valid_data` / `test_data` (paths) as those splits when
    given; every check on the data runs here, before any model is built."""
    check_holdout(holdout)
    if data is None:
        given = {"train": shipped_sentiment_sentences()}
    elif str(data).startswith(TFDS_PREFIX):
        from tasks.data.tfds_labelled import read_tfds_splits

        given = read_tfds_splits(str(data))
    else:
        given = {"train": read_labelled(data, text_column, label_column)}
    for split, path in (("valid", valid_data), ("test", test_data)):
        if path is not None:
            given[split] = read_labelled(path, text_column, label_column)
    names = label_names(given["train"].labels)
    # The test cut first, so it is the same whether or not validation data is given.
    for split in ("test", "valid"):
        if split not in given:
            given["train"], given[split] = stratified_cut(
                given["train"], holdout, seed, split
            )
    splits = LabelledSplits(given["train"], given["valid"], given["test"], names)
    for split in ("valid", "test"):
        splits.ids(split)  # refuses labels the training split never had
    return splits


def check_holdout(holdout: float) -> None:
    """Refuses a holdout fraction outside (0, 0.5): each cut must leave the larger
    part for training."""
    if not 0 < holdout < 0.5:
        raise ValueError(f"holdout must be in (0, 0.5); got {holdout}.")


def stratified_cut(data: LabelledTexts, fraction: float, seed: int, split: str):
    """(rest, cut): `fraction` of `data` cut off, every class in proportion."""
    try:
        rest, cut, rest_labels, cut_labels = train_test_split(
            data.texts,
            data.labels,
            test_size=fraction,
            random_state=seed,
            stratify=data.labels,
        )
    except ValueError as error:  # a class too small to be in both parts
        raise ValueError(
            f"Cannot cut a {split} split ({fraction:.0%}) from {len(data.texts)} "
            f"training texts with every class in it: {error} Give the {split} "
            "data separately or bring more texts per class."
        ) from None
    return LabelledTexts(rest, rest_labels), LabelledTexts(cut, cut_labels)

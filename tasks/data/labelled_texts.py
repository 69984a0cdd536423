"""Texts with class labels, read from a table or from a folder per class, with the
checks a classifier needs before it trains.

    data = read_table("reviews.csv", text_column="review", label_column="stars")
    data = read_table("yelp_labelled.txt", text_column=0, label_column=1)  # no header
    data = read_folders("reviews/")     # reviews/pos/*.txt, reviews/neg/*.txt
    names = label_names(train.labels)   # sorted; refuses a single class
    ids = label_ids(valid.labels, names)  # refuses labels training never saw

Empty texts: a row or file whose text is empty (or only whitespace) is refused with
its location, rather than silently dropped or classified from nothing.
"""

import csv
import dataclasses
import re
from pathlib import Path


@dataclasses.dataclass
class LabelledTexts:
    """Parallel lists: `texts[i]` has label `labels[i]` (a string)."""

    texts: list[str]
    labels: list[str]


def read_table(
    path, text_column: str | int = "text", label_column: str | int = "label"
) -> LabelledTexts:
    """A CSV (`.csv`) or tab-separated (any other suffix) file. Columns named by
    strings are looked up in the header row; columns given as integers are
    positions in a file without a header."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{str(path)!r} does not exist or is not a file.")
    # CSV quotes fields that hold commas; tab-separated text keeps its quotes as is.
    is_csv = path.suffix.lower() == ".csv"
    dialect = (
        {"delimiter": ","} if is_csv else {"delimiter": "\t", "quoting": csv.QUOTE_NONE}
    )
    by_name = isinstance(text_column, str)
    if by_name != isinstance(label_column, str):
        raise ValueError(
            "text_column and label_column must both be names (a header row) or both "
            f"positions (no header); got {text_column!r} and {label_column!r}."
        )
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file, **dialect))
    first_row = 1
    if by_name:
        if not rows:
            raise ValueError(f"{str(path)!r} is empty: no header row.")
        header, rows, first_row = rows[0], rows[1:], 2
        for column in (text_column, label_column):
            if column not in header:
                raise ValueError(
                    f"{str(path)!r} has no column {column!r}; its columns are "
                    f"{', '.join(map(repr, header))}."
                )
        text_column = header.index(text_column)
        label_column = header.index(label_column)
    texts, labels, places = [], [], []
    for number, row in enumerate(rows, start=first_row):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if max(text_column, label_column) >= len(row):
            raise ValueError(
                f"{str(path)!r} row {number} has {len(row)} column(s); expected a "
                f"text in column {text_column} and a label in column {label_column}."
            )
        label = row[label_column].strip()
        if not label:
            raise ValueError(
                f"{str(path)!r} row {number} has no label (column {label_column})."
            )
        texts.append(row[text_column])
        labels.append(label)
        places.append(f"{path}, row {number}")
    check_texts(texts, places)
    return LabelledTexts(texts, labels)


def read_folders(path) -> LabelledTexts:
    """One sub-folder per class (its name is the label), one `.txt` file per text."""
    path = Path(path)
    if not path.is_dir():
        raise ValueError(f"{str(path)!r} is not a folder of class folders.")
    texts, labels, places = [], [], []
    for folder in sorted(p for p in path.iterdir() if p.is_dir()):
        for file in sorted(folder.glob("*.txt")):
            texts.append(file.read_text(encoding="utf-8"))
            labels.append(folder.name)
            places.append(str(file))
    if not texts:
        raise ValueError(
            f"{str(path)!r} holds no class folders with .txt files "
            "(expected e.g. pos/1.txt, neg/2.txt)."
        )
    check_texts(texts, places)
    return LabelledTexts(texts, labels)


def label_names(labels: list[str]) -> list[str]:
    """The classes of the training labels, sorted (as numbers when every label is
    an integer: "2" before "10"); at least two."""
    names = set(labels)
    numeric = all(re.fullmatch(r"-?[0-9]+", name) for name in names)
    names = sorted(names, key=int if numeric else None)
    if len(names) < 2:
        raise ValueError(
            f"The training data has one class only ({names[0]!r}); a classifier "
            "needs at least two."
            if names
            else "The training data has no labels."
        )
    return names


def label_ids(labels: list[str], names: list[str]) -> list[int]:
    """Labels -> class ids; labels outside `names` (never seen in training) are
    refused, named."""
    index = {name: i for i, name in enumerate(names)}
    unseen = sorted(set(labels) - set(index))
    if unseen:
        raise ValueError(
            f"Labels never seen in training: {', '.join(map(repr, unseen[:10]))}; "
            f"the classes are {', '.join(map(repr, names))}."
        )
    return [index[label] for label in labels]


def check_texts(texts: list[str], places: list[str]) -> None:
    """Refuses empty (or whitespace-only) texts, naming where the first are."""
    pairs = zip(texts, places, strict=True)
    empty = [place for text, place in pairs if not text.strip()]
    if empty:
        raise ValueError(
            f"{len(empty)} empty text(s), first at {'; '.join(empty[:3])}: fill or "
            "remove them (an empty text cannot be classified)."
        )

"""Reading labelled texts (tables, a folder per class) and the checks made before a
classifier trains."""

import pytest

from tasks.data.labelled_texts import (
    label_ids,
    label_names,
    read_folders,
    read_table,
)


def test_csv_with_named_columns(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text('id,review,stars\n1,"Great, really",good\n\n2,Awful,bad\n')
    data = read_table(path, text_column="review", label_column="stars")
    assert data.texts == ["Great, really", "Awful"]
    assert data.labels == ["good", "bad"]


def test_headerless_tsv_by_position_keeps_quotes(tmp_path):
    # The layout of the UCI sentiment sentences: "sentence<TAB>label", no header.
    path = tmp_path / "yelp_labelled.txt"
    path.write_text('Wow... Loved this place.\t1\n"Crust" is not good.\t0\n')
    data = read_table(path, text_column=0, label_column=1)
    assert data.texts == ["Wow... Loved this place.", '"Crust" is not good.']
    assert data.labels == ["1", "0"]


def test_folder_per_class(tmp_path):
    for label, texts in {"pos": ["fine film", "loved it"], "neg": ["dull"]}.items():
        (tmp_path / label).mkdir()
        for index, text in enumerate(texts):
            (tmp_path / label / f"{index}.txt").write_text(text)
    data = read_folders(tmp_path)
    assert data.labels == ["neg", "pos", "pos"]
    assert data.texts == ["dull", "fine film", "loved it"]


def test_labels_map_to_sorted_class_ids():
    names = label_names(["pos", "neg", "pos"])
    assert names == ["neg", "pos"]
    assert label_ids(["pos", "neg"], names) == [1, 0]


def test_clear_errors_before_training(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("text,label\nnice,1\n")
    with pytest.raises(ValueError, match="no column 'sentiment'; its columns are"):
        read_table(table, label_column="sentiment")
    with pytest.raises(ValueError, match="one class only \\('1'\\)"):
        label_names(read_table(table).labels)
    with pytest.raises(ValueError, match="never seen in training: 'maybe'"):
        label_ids(["yes", "maybe"], ["no", "yes"])
    empty = tmp_path / "empty_text.tsv"
    empty.write_text("good film\t1\n   \t0\n")
    with pytest.raises(ValueError, match="1 empty text\\(s\\), first at .*row 2"):
        read_table(empty, text_column=0, label_column=1)
    short = tmp_path / "short.tsv"
    short.write_text("only a text\n")
    with pytest.raises(ValueError, match="row 1 has 1 column"):
        read_table(short, text_column=0, label_column=1)
    with pytest.raises(ValueError, match="does not exist"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="no class folders"):
        read_folders(tmp_path)


def test_integer_labels_sort_as_numbers():
    assert label_names(["10", "2", "1", "2"]) == ["1", "2", "10"]
    assert label_names(["b", "10", "2"]) == ["10", "2", "b"]
    assert label_names(["--1", "2"]) == ["--1", "2"]  # not a number


def test_a_row_without_a_label_is_refused_with_its_row(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,label\ngood,pos\nbad, \n")
    with pytest.raises(ValueError, match="row 3 has no label"):
        read_table(path)

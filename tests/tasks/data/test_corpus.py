"""Corpora: PTB conventions, splits, vocabularies and their errors."""

import pytest

from tasks.data.corpus import load_corpus, tokenize


def _ptb_folder(tmp_path, train, valid, test, prefix="ptb."):
    for split, text in (("train", train), ("valid", valid), ("test", test)):
        (tmp_path / f"{prefix}{split}.txt").write_text(text)
    return tmp_path


def test_ptb_lines_end_in_eos_and_unseen_words_become_unk(tmp_path):
    folder = _ptb_folder(tmp_path, "a b\nb c\n", "a zebra\n", "c\n")
    corpus = load_corpus(folder, level="word")
    vocabulary = corpus.vocabulary
    assert vocabulary.decode(corpus.train) == "a b <eos> b c <eos>"
    assert vocabulary.decode(corpus.valid) == "a <unk> <eos>"
    assert vocabulary.tokens[0] in ("b", "<eos>")  # the most frequent first
    assert tokenize("x y\n", "word") == ["x", "y", "<eos>"]


def test_one_file_is_cut_90_5_5_at_character_level(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("abcdefghij" * 20)
    corpus = load_corpus(path, level="char")
    assert (len(corpus.train), len(corpus.valid), len(corpus.test)) == (180, 10, 10)
    assert corpus.vocabulary.decode(corpus.train[:3]) == "abc"


def test_missing_and_empty_files_are_named(tmp_path):
    with pytest.raises(ValueError, match="nope.txt' does not exist"):
        load_corpus(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(ValueError, match="empty.txt' is empty"):
        load_corpus(tmp_path / "empty.txt")
    with pytest.raises(ValueError, match="has neither ptb.train.txt"):
        load_corpus(tmp_path)


def test_a_model_vocabulary_encodes_and_refuses_unknown_characters(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("abab" * 50)
    vocabulary = load_corpus(path, level="char").vocabulary
    other = tmp_path / "other.txt"
    other.write_text("abz" * 50)
    with pytest.raises(ValueError, match="not in the vocabulary.*'z'"):
        load_corpus(other, vocabulary=vocabulary)

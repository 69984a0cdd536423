"""Word vocabularies for raw text: standardisation, max_tokens and the unknown
token, pinned token by token."""

import pytest

from zoo.vocabulary import Vocabulary


def test_lower_and_split_punctuation_makes_every_mark_a_word():
    vocabulary = Vocabulary(["?"], standardize="lower_and_split_punctuation")
    assert vocabulary.split("Great, isn't it?!  Café\tNO_WAY 3.5 :)") == [
        "great", ",", "isn", "'", "t", "it", "?", "!", "café", "no_way", "3", ".",
        "5", ":", ")",
    ]  # fmt: skip
    assert Vocabulary(["?"]).split("Great, isn't") == ["Great,", "isn't"]


def test_from_texts_keeps_the_most_frequent_words_and_the_unknown_token():
    texts = ["Good good GOOD film!", "bad film", "good"]
    vocabulary = Vocabulary.from_texts(texts)
    assert vocabulary.tokens == ["good", "film", "!", "bad", "[UNK]"]
    cut = Vocabulary.from_texts(texts, max_tokens=3)
    assert cut.tokens == ["good", "film", "[UNK]"]
    assert cut.encode("Bad film, good?") == [2, 1, 2, 0, 2]
    assert Vocabulary.from_config(cut.get_config()) == cut


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="standardize must be one of"):
        Vocabulary(["a"], standardize="lower")
    with pytest.raises(ValueError, match="needs level='word'"):
        Vocabulary(["a"], level="char", standardize="lower_and_split_punctuation")
    with pytest.raises(ValueError, match="max_tokens=1 leaves no room"):
        Vocabulary.from_texts(["a b"], max_tokens=1)

"""The graph's tokeniser splits text exactly as `Vocabulary.split` does in Python,
standardised or not, across scripts, whitespace kinds and punctuation."""

import tensorflow as tf

from tasks.export_text import TextEncoder
from zoo.vocabulary import Vocabulary

SAMPLES = [
    "Great, isn't it?!  Café\tNO_WAY 3.5 :)",
    "ÉCOLE naïve Straße ΣΊΣΥΦΟΣ Москва — «тест»",
    "日本語のテキスト、句読点。 عربي: نص؟ हिन्दी पाठ।",
    "emoji 😀👍🏽 and\u00a0nbsp\u2003em-space\u2028line\x1cfs tab\there",
    "under_score x²+y³ ½ ①② ‰ $5 @user #tag http://a.b/c?d=e",
    "NUL\x00inside and\x00 after",
]


def _graph_tokens(vocabulary):
    tokens = TextEncoder(vocabulary).split(tf.constant(SAMPLES)).to_list()
    return [[token.decode("utf-8") for token in row] for row in tokens]


def test_standardised_words_split_as_in_python():
    vocabulary = Vocabulary(["?"], standardize="lower_and_split_punctuation")
    assert _graph_tokens(vocabulary) == [vocabulary.split(s) for s in SAMPLES]


def test_plain_words_and_characters_split_as_in_python():
    for vocabulary in (Vocabulary(["?"]), Vocabulary(["?"], level="char")):
        assert _graph_tokens(vocabulary) == [vocabulary.split(s) for s in SAMPLES]


def test_ids_are_offset_and_unknown_words_map_to_the_unknown_token():
    vocabulary = Vocabulary.from_texts(["good film", "bad film"])
    encoder = TextEncoder(vocabulary, id_offset=1)
    ids = encoder.encode(tf.constant(["Good FILM!", "film"])).to_list()
    expected = [[i + 1 for i in vocabulary.encode(t)] for t in ["Good FILM!", "film"]]
    assert ids == expected
    assert "!" not in vocabulary.tokens  # so it became the unknown token
    decoded = encoder.decode(tf.constant([[2, 1]])).numpy()[0].decode()
    assert decoded == vocabulary.decode([1, 0]) == "good film"

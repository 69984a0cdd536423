"""A vocabulary inside a TensorFlow graph: raw strings -> token ids -> strings,
split exactly as `zoo.vocabulary.Vocabulary.split` splits them in Python, for the
exported SavedModels."""

import tensorflow as tf

# What Python's str.split() (and so Vocabulary.split) splits words on; RE2's \s and
# tf.strings.split take ASCII whitespace only.
PYTHON_WHITESPACE = r"[\t-\r\x{1c}-\x{1f}\x{85}\p{Z}]"
# Python's [^\w\s] (zoo.vocabulary.PUNCTUATION) in RE2: RE2's \w is ASCII only.
# TensorFlow's Unicode tables are older than Python's: they differ on about 200
# code points added in Unicode 14 and later, and lower-case about 40 of them
# differently.
PUNCTUATION = r"([^\p{L}\p{N}_\t-\r\x{1c}-\x{1f}\x{85}\p{Z}])"


class TextEncoder(tf.Module):
    """`vocabulary`'s split, encode and decode as graph ops; ids are the
    vocabulary's plus `id_offset`. Symbols outside the vocabulary map to its
    unknown token, or fail the call with an error when it has none."""

    def __init__(self, vocabulary, id_offset: int = 0):
        super().__init__()
        self.word_level = vocabulary.level == "word"
        self.standardize = vocabulary.standardize
        self.separator = " " if self.word_level else ""
        self.id_offset = id_offset
        self.tokens = tf.constant(vocabulary.tokens)
        unknown = (
            vocabulary.tokens.index(vocabulary.unknown_token)
            if vocabulary.unknown_token is not None
            else -1
        )
        self.table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                self.tokens, tf.range(len(vocabulary.tokens), dtype=tf.int64)
            ),
            default_value=unknown,
        )

    def split(self, text):
        """string [B] -> ragged string tokens [B, (T)]."""
        if not self.word_level:
            return tf.strings.unicode_split(text, "UTF-8")
        if self.standardize == "lower_and_split_punctuation":
            # NUL is a space, as in Vocabulary.split: tf.strings.lower stops at it.
            text = tf.strings.regex_replace(text, r"\x00", " ")
            text = tf.strings.lower(text, encoding="utf-8")
            text = tf.strings.regex_replace(text, PUNCTUATION, r" \1 ")
        return tf.strings.split(
            tf.strings.regex_replace(text, PYTHON_WHITESPACE + "+", " ")
        )

    def encode(self, text):
        """string [B] -> ragged int32 ids [B, (T)]."""
        ids = tf.ragged.map_flat_values(self.table.lookup, self.split(text))
        known = tf.debugging.assert_non_negative(
            ids.flat_values,
            message="The text holds symbols outside the model's vocabulary, which "
            "has no unknown token.",
        )
        with tf.control_dependencies([known]):
            flat = tf.cast(ids.flat_values, tf.int32) + self.id_offset
        return ids.with_flat_values(flat)

    def decode(self, ids):
        """int32 ids [B, L] (dense or ragged) -> string [B]."""
        return tf.strings.reduce_join(
            tf.gather(self.tokens, ids - self.id_offset),
            axis=-1,
            separator=self.separator,
        )

"""Word and character vocabularies: text <-> token ids, saved inside the model config.

Plain Python rather than `keras.layers.StringLookup`: string tensors exist only on
the TensorFlow backend, and the zoo must tokenise prompts on JAX hosts too; a
vocabulary of a few thousand entries is a dict lookup.
"""

import collections
import re
from collections.abc import Iterable, Sequence

LEVELS = ("word", "char")
STANDARDIZERS = (None, "lower_and_split_punctuation")

# A punctuation mark: not a letter, digit, underscore or whitespace (Python's
# Unicode \w and \s). tasks/export_text.py writes the same class for TensorFlow's RE2.
PUNCTUATION = re.compile(r"([^\w\s])")


class Vocabulary:
    """An ordered list of tokens; a token's id is its position.

    Word level splits on whitespace and joins with one space; character level maps
    every character (newlines included) to one token. With `unknown_token` set (and
    in the list), symbols outside the vocabulary map to it; without one they raise.
    Word level with `standardize="lower_and_split_punctuation"` (for classifiers
    of raw text) lower-cases first and makes every punctuation mark a word of its
    own: "Great, isn't it?" -> great , isn ' t it ? (Keras's TextVectorization
    strips punctuation instead, losing the "!" and ":)" that carry sentiment).

    Args:
        tokens: the tokens, each once, in id order.
        level: "word" or "char".
        unknown_token: the token that stands for anything else (PTB's "<unk>"), or
            None.
        standardize: None or "lower_and_split_punctuation" (word level only).
    """

    def __init__(
        self,
        tokens: Sequence[str],
        level: str = "word",
        unknown_token=None,
        standardize: str | None = None,
    ):
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}; got level={level!r}.")
        if standardize not in STANDARDIZERS:
            raise ValueError(
                f"standardize must be one of {STANDARDIZERS}; got {standardize!r}."
            )
        if standardize is not None and level != "word":
            raise ValueError(
                f"standardize={standardize!r} needs level='word'; got {level!r}."
            )
        tokens = list(tokens)
        if not tokens:
            raise ValueError("A vocabulary needs at least one token; got none.")
        duplicates = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if duplicates:
            raise ValueError(f"Tokens appear more than once: {duplicates[:5]}.")
        if unknown_token is not None and unknown_token not in tokens:
            raise ValueError(
                f"unknown_token={unknown_token!r} is not one of the tokens."
            )
        self.tokens = tokens
        self.level = level
        self.unknown_token = unknown_token
        self.standardize = standardize
        self._ids = {token: index for index, token in enumerate(tokens)}

    @classmethod
    def from_tokens(
        cls,
        stream: Iterable[str],
        level: str = "word",
        unknown_token=None,
        max_tokens: int | None = None,
        standardize: str | None = None,
    ) -> "Vocabulary":
        """The vocabulary of a token stream, most frequent first (ties by first
        appearance), so ids are stable for a given corpus. `max_tokens` keeps the
        most frequent ones, the unknown token counted among them and always kept."""
        counts = collections.Counter(stream)
        if unknown_token is not None:
            counts.setdefault(unknown_token, 0)
        ordered = sorted(counts, key=lambda token: -counts[token])
        if max_tokens is not None and len(ordered) > max_tokens:
            if max_tokens < 1 + (unknown_token is not None):
                raise ValueError(f"max_tokens={max_tokens} leaves no room for a word.")
            kept = [t for t in ordered if t != unknown_token]
            kept = kept[: max_tokens - (unknown_token is not None)]
            ordered = kept + ([unknown_token] if unknown_token is not None else [])
        return cls(
            ordered, level=level, unknown_token=unknown_token, standardize=standardize
        )

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        unknown_token: str = "[UNK]",
        max_tokens: int | None = None,
        standardize: str | None = "lower_and_split_punctuation",
    ) -> "Vocabulary":
        """The word vocabulary of `texts`, split as `split` splits them (like
        Keras's `TextVectorization.adapt`): the most frequent words first, then the
        unknown token."""
        stream = (token for text in texts for token in words(text, standardize))
        return cls.from_tokens(
            stream,
            unknown_token=unknown_token,
            max_tokens=max_tokens,
            standardize=standardize,
        )

    def __len__(self) -> int:
        return len(self.tokens)

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and self.get_config() == other.get_config()

    def split(self, text: str) -> list[str]:
        """Text -> tokens (whitespace-separated words, or characters)."""
        return list(text) if self.level == "char" else words(text, self.standardize)

    def encode(self, text: str) -> list[int]:
        """Text -> ids; symbols outside the vocabulary map to `unknown_token` or
        raise ValueError naming them."""
        return self.ids_of(self.split(text))

    def ids_of(self, tokens: Iterable[str]) -> list[int]:
        """Tokens -> ids, as `encode`."""
        tokens = list(tokens)
        unknown = sorted({t for t in tokens if t not in self._ids})
        if unknown and self.unknown_token is None:
            raise ValueError(
                f"{len(unknown)} symbol(s) not in the vocabulary of "
                f"{len(self)} {self.level} tokens: "
                f"{', '.join(map(repr, unknown[:10]))}."
            )
        fallback = self._ids.get(self.unknown_token)
        return [self._ids.get(token, fallback) for token in tokens]

    def decode(self, ids: Iterable[int]) -> str:
        """Ids -> text."""
        tokens = [self.tokens[int(i)] for i in ids]
        return " ".join(tokens) if self.level == "word" else "".join(tokens)

    def get_config(self) -> dict:
        return {
            "tokens": self.tokens,
            "level": self.level,
            "unknown_token": self.unknown_token,
            "standardize": self.standardize,
        }

    @classmethod
    def from_config(cls, config: dict) -> "Vocabulary":
        return cls(**config)


def words(text: str, standardize: str | None = None) -> list[str]:
    """Whitespace-separated words, standardised first as `Vocabulary` describes."""
    if standardize is not None:
        # NUL is a space here: TensorFlow's lower-casing stops at it.
        text = PUNCTUATION.sub(r" \1 ", text.replace("\0", " ").lower())
    return text.split()

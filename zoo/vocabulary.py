"""Word and character vocabularies: text <-> token ids, saved inside the model config.

Plain Python rather than `keras.layers.StringLookup`: string tensors exist only on
the TensorFlow backend, and the zoo must tokenise prompts on JAX hosts too; a
vocabulary of a few thousand entries is a dict lookup.
"""

import collections
from collections.abc import Iterable, Sequence

LEVELS = ("word", "char")


class Vocabulary:
    """An ordered list of tokens; a token's id is its position.

    Word level splits on whitespace and joins with one space; character level maps
    every character (newlines included) to one token. With `unknown_token` set (and
    in the list), symbols outside the vocabulary map to it; without one they raise.

    Args:
        tokens: the tokens, each once, in id order.
        level: "word" or "char".
        unknown_token: the token that stands for anything else (PTB's "<unk>"), or
            None.
    """

    def __init__(self, tokens: Sequence[str], level: str = "word", unknown_token=None):
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}; got level={level!r}.")
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
        self._ids = {token: index for index, token in enumerate(tokens)}

    @classmethod
    def from_tokens(
        cls, stream: Iterable[str], level: str = "word", unknown_token=None
    ) -> "Vocabulary":
        """The vocabulary of a token stream, most frequent first (ties by first
        appearance), so ids are stable for a given corpus."""
        counts = collections.Counter(stream)
        if unknown_token is not None:
            counts.setdefault(unknown_token, 0)
        ordered = sorted(counts, key=lambda token: -counts[token])
        return cls(ordered, level=level, unknown_token=unknown_token)

    def __len__(self) -> int:
        return len(self.tokens)

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and self.get_config() == other.get_config()

    def split(self, text: str) -> list[str]:
        """Text -> tokens (whitespace-separated words, or characters)."""
        return text.split() if self.level == "word" else list(text)

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
        }

    @classmethod
    def from_config(cls, config: dict) -> "Vocabulary":
        return cls(**config)

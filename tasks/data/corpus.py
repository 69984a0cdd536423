"""Text corpora for language modelling: files -> token streams -> a vocabulary.

Formats: a directory in the PTB layout (`ptb.train.txt`, `ptb.valid.txt`,
`ptb.test.txt`, or `train.txt`, `valid.txt`, `test.txt`), one plain-text file
cut into train / validation / test by position (first 90%, next 5%, last 5%), or
`tfds:NAME`, a TensorFlow Datasets text dataset (`tasks.data.tfds_corpora`).
Word level follows PTB: whitespace-separated words, every line ends with `<eos>`,
and words outside the training vocabulary become `<unk>`. Character level keeps
every character, newlines included.
"""

import dataclasses
from importlib import resources
from pathlib import Path

from zoo.vocabulary import Vocabulary

END_OF_SENTENCE = "<eos>"
UNKNOWN = "<unk>"
SPLITS = ("train", "valid", "test")
SINGLE_FILE_FRACTIONS = (0.9, 0.05, 0.05)
TFDS_PREFIX = "tfds:"


@dataclasses.dataclass
class Corpus:
    """Token id streams of the three splits and the vocabulary that maps them."""

    train: list[int]
    valid: list[int]
    test: list[int]
    vocabulary: Vocabulary


def shipped_corpus_path(name: str = "tiny_shakespeare") -> Path:
    """The path of a corpus that ships inside rnn-zoo."""
    path = resources.files("tasks.data") / "corpora" / f"{name}.txt"
    return Path(str(path))


def read_text(path) -> str:
    """The text of a file; a missing or empty file raises ValueError naming it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Corpus file {str(path)!r} does not exist.")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"Corpus file {str(path)!r} is empty.")
    return text


def tokenize(text: str, level: str) -> list[str]:
    """PTB words (one `<eos>` per line) or characters."""
    if level == "char":
        return list(text)
    if level != "word":
        raise ValueError(f"level must be 'word' or 'char'; got level={level!r}.")
    return [
        token
        for line in text.splitlines()
        for token in [*line.split(), END_OF_SENTENCE]
    ]


def split_texts(path) -> dict[str, str]:
    """The text of each split: from a PTB-layout directory, cut from one file, or
    from a TFDS dataset named `tfds:NAME` (`tasks.data.tfds_corpora`)."""
    if str(path).startswith(TFDS_PREFIX):
        # Imported here: TensorFlow Datasets is slow to import and rarely needed.
        from tasks.data.tfds_corpora import split_texts_from_tfds

        return split_texts_from_tfds(str(path))
    path = Path(path)
    if path.is_dir():
        for pattern in ("ptb.{}.txt", "{}.txt"):
            files = {split: path / pattern.format(split) for split in SPLITS}
            if all(f.is_file() for f in files.values()):
                return {split: read_text(f) for split, f in files.items()}
        raise ValueError(
            f"Directory {str(path)!r} has neither ptb.train.txt/ptb.valid.txt/"
            "ptb.test.txt nor train.txt/valid.txt/test.txt."
        )
    text = read_text(path)
    train_end = int(len(text) * SINGLE_FILE_FRACTIONS[0])
    valid_end = train_end + int(len(text) * SINGLE_FILE_FRACTIONS[1])
    return {
        "train": text[:train_end],
        "valid": text[train_end:valid_end],
        "test": text[valid_end:],
    }


def load_corpus(path, level: str = "word", vocabulary: Vocabulary | None = None):
    """Reads, tokenises and encodes a corpus (see the module docstring).

    Without `vocabulary`, word level builds it from the training split plus
    `<unk>`; character level from every character of the corpus (so no split has
    an unknown character). With `vocabulary` (a trained model's), its level is used
    and the corpus is encoded with it.
    """
    texts = split_texts(path)
    level = vocabulary.level if vocabulary is not None else level
    streams = {split: tokenize(text, level) for split, text in texts.items()}
    if vocabulary is None:
        if level == "word":
            vocabulary = Vocabulary.from_tokens(
                streams["train"], level="word", unknown_token=UNKNOWN
            )
        else:
            vocabulary = Vocabulary.from_tokens(
                [c for split in SPLITS for c in streams[split]], level="char"
            )
    encoded = {split: vocabulary.ids_of(tokens) for split, tokens in streams.items()}
    return Corpus(**encoded, vocabulary=vocabulary)

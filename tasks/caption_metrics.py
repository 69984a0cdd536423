"""Caption quality: corpus BLEU-1..4 (KerasHub's `Bleu`) and, on the shapes data,
exact-attribute accuracy."""

import re

import keras
import keras_hub

from tasks.data.shapes import COLOURS, KINDS, SIZES
from zoo.vocabulary import words

# "large red circle": one described shape.
SHAPE_PHRASE = re.compile(
    rf"\b({'|'.join(SIZES)}) ({'|'.join(COLOURS)}) ({'|'.join(KINDS)})\b"
)


def bleu_scores(references: list[list[str]], hypotheses: list[str]) -> dict:
    """Corpus BLEU-1..4 of `hypotheses` against every image's `references`, after
    the captioner's own standardisation (lower case, punctuation split off) of
    both, so that "Dog." and "dog ." agree. Papineni et al. 2002, no smoothing."""
    if len(references) != len(hypotheses):
        raise ValueError(
            f"{len(hypotheses)} captions for {len(references)} reference lists."
        )
    references = [[_standardised(text) for text in texts] for texts in references]
    hypotheses = [_standardised(text) for text in hypotheses]
    scores = {}
    for order in range(1, 5):
        metric = keras_hub.metrics.Bleu(max_order=order)
        metric.update_state(references, hypotheses)
        scores[f"bleu_{order}"] = float(metric.result())
    return scores


def _standardised(text: str) -> str:
    return " ".join(words(text, "lower_and_split_punctuation"))


def described_shapes(caption: str) -> list[tuple[str, str, str]]:
    """The (size, colour, kind) phrases of a caption, in order."""
    return [match.groups() for match in SHAPE_PHRASE.finditer(caption)]


def attribute_accuracy(shapes: list[list[tuple]], hypotheses: list[str]) -> float:
    """The fraction of images whose caption names exactly their shapes: every
    size, colour and kind, left to right, none missing and none extra."""
    if not hypotheses:
        raise ValueError("No captions to score.")
    right = sum(
        described_shapes(caption) == [tuple(shape) for shape in truth]
        for truth, caption in zip(shapes, hypotheses, strict=True)
    )
    return right / len(hypotheses)


class ValidationBleu(keras.callbacks.Callback):
    """Adds `val_bleu_1` .. `val_bleu_4` to every epoch's logs: `bleu_scores` of
    the captioner's greedy captions of `split` (a `CaptionedImages`). Put it before
    the callbacks that read them (checkpoints, early stopping, a tuner)."""

    def __init__(self, split):
        super().__init__()
        self.split = split

    def on_epoch_end(self, epoch, logs=None):
        hypotheses = self.model.caption(self.split.images)
        scores = bleu_scores(self.split.captions, hypotheses)
        if logs is not None:
            logs.update({f"val_{key}": value for key, value in scores.items()})

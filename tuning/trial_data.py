"""What a search trains every trial on, per task: the data, the constructor
arguments the data fixes (held apart from the search), the objective, how a
trial's model fits (as the task's own `train` fits it), and `notes` on the data
for the preset file.

    trials = ClassifierTrials(load_splits(), batch_size=32)
    hypermodel = ZooHyperModel("lstm_classifier", trials=trials)
"""

import keras_tuner

from tasks import runs
from tasks.caption_metrics import ValidationBleu
from tasks.captioning import caption_batches
from tasks.language_modeling import fit_windows, split_windows
from tasks.text_classification import length_batches
from zoo.models import Captioner, caption_vocabulary
from zoo.vocabulary import Vocabulary


class LanguageModelTrials:
    """A language model's trials on `corpus` (`tasks.data.corpus.load_corpus`):
    truncated-BPTT windows of each trial's own batch size and sequence length,
    states carried over unless `stateful` is False; the objective is the
    validation perplexity."""

    objective = keras_tuner.Objective("val_perplexity", "min")
    # Constructor arguments the data (and --stateless) set: never searched or held.
    data_arguments = ("vocabulary", "vocabulary_size", "stateful")

    def __init__(self, corpus, stateful: bool = True):
        self.corpus = corpus
        self.fixed = {
            "vocabulary": corpus.vocabulary,
            # Over a preset's own (PTB's 10,000), so any preset tunes on any corpus.
            "vocabulary_size": len(corpus.vocabulary),
            "stateful": stateful,
        }
        # Recorded in the preset, and read back by `rnn-zoo train --preset`.
        self.notes = {"level": corpus.vocabulary.level}

    def fit(self, lm, callbacks=(), **fit_options):
        windows = split_windows(lm, self.corpus)
        return fit_windows(lm, windows, list(callbacks), **fit_options)


class ClassifierTrials:
    """A text classifier's trials on `splits` (`tasks.data.labelled_splits`): the
    vocabulary (`max_tokens` entries) and the label names come from the training
    split; length-bucketed batches; the objective is the validation accuracy."""

    objective = keras_tuner.Objective("val_accuracy", "max")
    data_arguments = ("vocabulary", "vocabulary_size", "labels", "num_classes")

    def __init__(
        self, splits, batch_size: int = 32, max_tokens: int = 20000, seed=None
    ):
        self.splits, self.batch_size, self.seed = splits, batch_size, seed
        vocabulary = Vocabulary.from_texts(splits.train.texts, max_tokens=max_tokens)
        self.fixed = {"vocabulary": vocabulary, "labels": splits.label_names}
        self.notes = {"batch_size": batch_size, "max_tokens": max_tokens}

    def fit(self, classifier, callbacks=(), **fit_options):
        train, valid = length_batches(
            classifier, self.splits, self.batch_size, self.seed
        )
        # Validated by the weight average where the classifier keeps one, as in
        # tasks.text_classification.train.
        callbacks = [*runs.averaged_weights_callbacks(classifier), *callbacks]
        return classifier.fit(
            train,
            validation_data=valid,
            **train.fit_arguments(callbacks),
            **fit_options,
        )


class CaptionerTrials:
    """A captioner's trials on `splits` (`tasks.data.caption_sources`, images of
    `image_shape`): the caption vocabulary of the training captions
    (`max_tokens`), teacher-forcing batches; the objective is the BLEU-4 of greedy
    captions of the validation images after each epoch."""

    objective = keras_tuner.Objective("val_bleu_4", "max")
    data_arguments = ("vocabulary", "image_shape", "input_dim")

    def __init__(
        self,
        splits: dict,
        image_shape,
        batch_size: int = 64,
        max_tokens: int | None = None,
        seed=None,
    ):
        self.splits, self.batch_size, self.seed = splits, batch_size, seed
        captions = [c for captions in splits["train"].captions for c in captions]
        self.fixed = {
            "vocabulary": caption_vocabulary(captions, max_tokens),
            "image_shape": tuple(image_shape),
        }
        self.notes = {"batch_size": batch_size, "image_shape": list(image_shape)}

    def fit(self, captioner: Captioner, callbacks=(), **fit_options):
        train, valid = caption_batches(
            captioner, self.splits, self.batch_size, self.seed
        )
        # First, so the tuner's callbacks after it find val_bleu_4 in the logs.
        callbacks = [ValidationBleu(self.splits["valid"]), *callbacks]
        return captioner.fit(
            train,
            validation_data=valid,
            **train.fit_arguments(callbacks),
            **fit_options,
        )

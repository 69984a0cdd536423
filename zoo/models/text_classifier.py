"""Text classification (many-to-one): a variable-length token sequence in, class
probabilities out."""

import keras
import numpy as np

from zoo.cells import get_cell
from zoo.data.length_buckets import LengthBuckets
from zoo.layers import Bidirectional, Recurrent
from zoo.layers.pooling import POOLINGS, SequencePooling
from zoo.models.task_model import TaskModel, float32_outputs
from zoo.models.text_classifier_space import text_classifier_space
from zoo.registry import register
from zoo.vocabulary import Vocabulary


@keras.saving.register_keras_serializable(package="rnn_zoo")
class TextClassifier(TaskModel):
    """Embedding with masking -> stacked `Recurrent` layers (optionally
    bidirectional) -> pooling -> dropout -> softmax (sigmoid when multi-label).

    ```
    x_t = E[w_t] z_t               (B, T, embedding_dim); id 0 is padding, masked;
                                   z_t ~ Bernoulli(1 - embedding_dropout) / (1 - rate)
                                   in training: whole words dropped
    h = Recurrent_L(...Recurrent_1(x))          (B, T, H), or (B, T, 2H) bidirectional
    s = pool(h)                                 (B, H): the last real step, the mean,
                                                the max, or attention over the steps
    p = softmax(drop(s) V + c)                  (B, num_classes)
    ```

    Padding is right padding with id 0 and is masked everywhere, so extra padding
    never changes a prediction. With a `vocabulary` (a `zoo.vocabulary.Vocabulary`,
    saved with the model) token ids are the vocabulary's ids plus 1, and `encode`,
    `predict_proba` and `predict_labels` take raw strings; `labels` names the
    classes. A text longer than `max_length` tokens is cut to its first
    `max_length`; an empty text (no token) is refused.

    Args:
        vocabulary_size: ids the embedding takes, padding included (default:
            len(vocabulary) + 1).
        num_classes: classes (or independent labels with `multi_label`); default
            len(labels), else 2.
        embedding_dim: default hidden_dim.
        hidden_dim: units of every recurrent layer (each direction).
        num_layers: recurrent layers stacked.
        cell: a name from `zoo.cells.CELLS`.
        bidirectional: wrap every recurrent layer in `zoo.layers.Bidirectional`.
        pooling: "last", "mean", "max" or "attention".
        dropout: rate before the output layer. recurrent_dropout: in every cell.
        embedding_dropout: the rate at which whole words (their embedding vectors)
            are dropped in training.
        multi_label: sigmoid outputs and binary cross-entropy.
        vocabulary, labels: text in, label names out.
        max_length: tokens kept of a text (default: all).
        cell_options: further keyword arguments of every cell.
        learning_rate, global_clipnorm: `compile()`'s Adam.
        weight_averaging: None, or the momentum m of an exponential moving
            average of the weights that `compile()`'s Adam keeps (Polyak
            averaging, Keras's `use_ema`): after each step, w_avg <- m w_avg +
            (1 - m) w. `tasks.text_classification.train` validates, keeps and
            saves the averaged weights (`keras.callbacks.SwapEMAWeights`).
    """

    # hp -> constructor arguments: the family's Keras Tuner search (`tuning`).
    search_space = staticmethod(text_classifier_space)

    def __init__(
        self,
        vocabulary_size: int | None = None,
        num_classes: int | None = None,
        embedding_dim: int | None = None,
        hidden_dim: int = 64,
        num_layers: int = 1,
        cell: str = "lstm",
        bidirectional: bool = False,
        pooling: str = "last",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        embedding_dropout: float = 0.0,
        multi_label: bool = False,
        vocabulary=None,
        labels=None,
        max_length: int | None = None,
        cell_options: dict | None = None,
        learning_rate: float = 1e-3,
        global_clipnorm: float | None = 5.0,
        weight_averaging: float | None = None,
        **kwargs,
    ):
        if isinstance(vocabulary, dict):
            vocabulary = Vocabulary.from_config(vocabulary)
        if vocabulary_size is None:
            if vocabulary is None:
                raise ValueError(
                    "A text classifier needs vocabulary_size=... or vocabulary=...; "
                    "got neither."
                )
            vocabulary_size = len(vocabulary) + 1  # id 0 is padding
        labels = list(labels) if labels is not None else None
        if num_classes is None:
            num_classes = len(labels) if labels else 2
        if labels is not None and len(labels) != num_classes:
            raise ValueError(
                f"{len(labels)} labels for num_classes={num_classes}; they must match."
            )
        if max_length is not None and max_length < 1:
            raise ValueError(f"max_length must be positive; got {max_length}.")
        if pooling not in ("last", *POOLINGS):
            raise ValueError(
                f"pooling must be one of {('last', *POOLINGS)}; got {pooling!r}."
            )
        check_weight_averaging(weight_averaging)
        embedding_dim = embedding_dim or hidden_dim

        # === Layers ===
        embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, mask_zero=True, name="embedding"
        )
        recurrent_layers = []
        for index in range(num_layers):
            sequences = pooling != "last" or index < num_layers - 1
            layer = Recurrent(
                get_cell(
                    cell,
                    hidden_dim,
                    recurrent_dropout=recurrent_dropout,
                    **(cell_options or {}),
                ),
                return_sequences=sequences,
                name=f"recurrent_{index}",
            )
            if bidirectional:
                layer = Bidirectional(layer, name=f"bidirectional_{index}")
            recurrent_layers.append(layer)

        # === Functional model ===
        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        x = embedding(token_ids)  # (B, T, E), masked where token_ids == 0
        if embedding_dropout:
            x = keras.layers.Dropout(
                embedding_dropout, noise_shape=(None, None, 1), name="word_dropout"
            )(x)
        for layer in recurrent_layers:
            x = layer(x)  # (B, T, H) or (B, H) after the last with "last" pooling
        if pooling != "last":
            x = SequencePooling(pooling, name="pooling")(x)  # (B, H)
        x = keras.layers.Dropout(dropout, name="dropout")(x)
        activation = "sigmoid" if multi_label else "softmax"
        outputs = keras.layers.Dense(num_classes, name="logits")(x)
        outputs = float32_outputs(outputs)
        outputs = keras.layers.Activation(activation, name="probabilities")(outputs)
        super().__init__(inputs=token_ids, outputs=outputs, **kwargs)

        # === Config ===
        self.vocabulary_size = vocabulary_size
        self.num_classes = num_classes
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.embedding_dropout = embedding_dropout
        self.multi_label = multi_label
        self.vocabulary = vocabulary
        self.labels = labels
        self.max_length = max_length
        self.cell_options = dict(cell_options or {})
        self.learning_rate = learning_rate
        self.global_clipnorm = global_clipnorm
        self.weight_averaging = weight_averaging

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """With no arguments: Adam with global-norm clipping, cross-entropy and
        accuracy."""
        if optimizer is None:
            averaging = self.weight_averaging
            optimizer = keras.optimizers.Adam(
                self.learning_rate,
                global_clipnorm=self.global_clipnorm,
                use_ema=averaging is not None,
                ema_momentum=averaging or 0.99,  # 0.99, Keras's default: unused
            )
        if loss is None:
            loss = (
                keras.losses.BinaryCrossentropy()
                if self.multi_label
                else keras.losses.SparseCategoricalCrossentropy()
            )
        if metrics is None:
            metrics = [
                keras.metrics.BinaryAccuracy(name="accuracy")
                if self.multi_label
                else keras.metrics.SparseCategoricalAccuracy(name="accuracy")
            ]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    # === Text ===

    def token_ids(self, texts) -> list[list[int]]:
        """Texts -> the model's token ids of each (vocabulary ids + 1, at most
        `max_length`); empty texts are refused."""
        if self.vocabulary is None:
            raise ValueError(
                f"Model {self.name!r} has no vocabulary: pass token ids, or build it "
                "with vocabulary=zoo.vocabulary.Vocabulary(...)."
            )
        if isinstance(texts, str):
            raise ValueError(f"Expected a list of texts; got one string {texts!r}.")
        if len(texts) == 0:
            raise ValueError("Expected at least one text; got none.")
        rows = [
            [i + 1 for i in self.vocabulary.encode(text)][: self.max_length]
            for text in texts
        ]
        empty = [index for index, row in enumerate(rows) if not row]
        if empty:
            raise ValueError(
                f"Text(s) at position {', '.join(map(str, empty[:10]))} have no "
                "tokens; an empty text cannot be classified."
            )
        return rows

    def encode(self, texts) -> np.ndarray:
        """Texts -> token ids (B, T), right-padded with 0."""
        rows = self.token_ids(texts)
        ids = np.zeros((len(rows), max(map(len, rows), default=0)), dtype="int32")
        for index, row in enumerate(rows):
            ids[index, : len(row)] = row
        return ids

    def predict_proba(self, texts, batch_size: int = 32, verbose=0) -> np.ndarray:
        """Texts -> class probabilities (B, num_classes), predicted in batches of
        similar length (`zoo.data.length_buckets`)."""
        batches = LengthBuckets(self.token_ids(texts), batch_size=batch_size)
        return batches.in_input_order(self.predict(batches, verbose=verbose))

    def predict_labels(self, texts, batch_size: int = 32) -> list:
        """Texts -> the most probable label name (or index) of each."""
        best = np.argmax(self.predict_proba(texts, batch_size), axis=-1)
        return [self.labels[i] if self.labels else int(i) for i in best]

    def get_config(self):
        return {
            "name": self.name,
            "vocabulary_size": self.vocabulary_size,
            "num_classes": self.num_classes,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "embedding_dropout": self.embedding_dropout,
            "multi_label": self.multi_label,
            "vocabulary": self.vocabulary.get_config() if self.vocabulary else None,
            "labels": self.labels,
            "max_length": self.max_length,
            "cell_options": self.cell_options,
            "learning_rate": self.learning_rate,
            "global_clipnorm": self.global_clipnorm,
            "weight_averaging": self.weight_averaging,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def check_weight_averaging(momentum: float | None) -> None:
    """`weight_averaging` is None or a momentum strictly between 0 and 1."""
    if momentum is not None and not 0 < momentum < 1:
        raise ValueError(
            "weight_averaging is the momentum of a moving average, between 0 and "
            f"1 (e.g. 0.999), or None; got {momentum!r}."
        )


for _name, _cell, _bidirectional in (
    ("lstm", "lstm", False),
    ("bilstm", "lstm", True),
    ("gru", "gru", False),
    ("peephole", "peephole_lstm", False),
    ("elman", "elman", False),
    ("jordan", "jordan", False),
):
    register(
        f"{_name}_classifier",
        TextClassifier,
        description=(
            f"Text classifier ({'bidirectional ' if _bidirectional else ''}"
            f"{_cell} layers, pooling, softmax)"
        ),
        cell=_cell,
        bidirectional=_bidirectional,
    )

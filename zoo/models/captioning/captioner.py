"""Image captioning (one-to-many): an image in, a word sequence out."""

import keras
import numpy as np

from zoo.models.captioning.caption_decoder import CaptionDecoder
from zoo.models.captioning.captioner_space import captioner_space
from zoo.models.captioning.image_encoder import feature_encoder, image_encoder
from zoo.models.task_model import TaskModel, float32_outputs
from zoo.registry import register
from zoo.vocabulary import Vocabulary

PAD, START, END, UNKNOWN = "<pad>", "<start>", "<end>", "[UNK]"


def caption_vocabulary(captions, max_tokens: int | None = None) -> Vocabulary:
    """The word vocabulary of `captions` (lower-cased, punctuation split off, as
    `Vocabulary.from_texts`) with <pad> = 0, <start> = 1, <end> = 2 first, then
    the words by frequency and [UNK]; `max_tokens` counts every entry. The
    standardised text never contains the special tokens ("<" is split off)."""
    if max_tokens is not None and max_tokens < 5:
        raise ValueError(
            f"max_tokens must be at least 5 (<pad>, <start>, <end>, [UNK] and a "
            f"word); got {max_tokens}."
        )
    words = Vocabulary.from_texts(
        captions, UNKNOWN, None if max_tokens is None else max_tokens - 3
    )
    return Vocabulary(
        [PAD, START, END, *words.tokens],
        unknown_token=UNKNOWN,
        standardize=words.standardize,
    )


@keras.saving.register_keras_serializable(package="rnn_zoo")
class Captioner(TaskModel):
    """Image encoder -> image vector v -> recurrent decoder with the image injected
    (init, pre, par or merge; `CaptionDecoder`) -> next-word logits.

    ```
    v = encoder(image)                       (B, image_dim): a small CNN, a
                                             keras.applications backbone, or a
                                             dense layer over precomputed features
    logits = decoder(<start> w_1 .. w_n, v)  (B, T, V): logits_t predicts w_{t+1}
                                             (and <end> after w_n)
    ```

    Inputs: {"image": pixels (B, H, W, C) in 0-255, or "features": (B, input_dim)
    with `input_dim` set, and "token_ids": (B, T), 0-padded}. Trained with teacher
    forcing on shifted captions (`caption_pairs`), the loss masked on padding;
    optionally with scheduled sampling. `caption(images)` decodes greedily or with
    beam search (`zoo.generation`).

    Args:
        vocabulary: a `Vocabulary` from `caption_vocabulary` (saved with the model).
        image_shape: (H, W, C) of the images the encoder takes.
        input_dim: the size of precomputed feature vectors; when set the model
            takes "features" instead of "image".
        backbone, backbone_weights, backbone_options: a keras.applications
            network, a local weights file and further constructor arguments (see
            `image_encoder`); nothing is downloaded.
        image_dim: the size of the image vector v.
        embedding_dim (default hidden_dim), hidden_dim, num_layers, cell: the
            decoder; `cell` is a name from `zoo.cells.CELLS`.
        injection: "init", "pre", "par" or "merge".
        dropout: rate before the output layer.
        scheduled_sampling: None (teacher forcing), or "linear", "exponential",
            "inverse_sigmoid"; sampling_k, sampling_slope, sampling_minimum: its
            parameters (`teacher_forcing_probability`).
        max_caption_length: words `caption` generates at most (before <end>).
        learning_rate, global_clipnorm: `compile()`'s Adam.
    """

    # hp -> constructor arguments: the family's Keras Tuner search (`tuning`).
    search_space = staticmethod(captioner_space)

    def __init__(
        self,
        vocabulary=None,
        image_shape=(32, 32, 3),
        input_dim: int | None = None,
        backbone: str | None = None,
        backbone_weights: str | None = None,
        backbone_options: dict | None = None,
        image_dim: int = 128,
        embedding_dim: int | None = None,
        hidden_dim: int = 256,
        num_layers: int = 1,
        cell: str = "lstm",
        injection: str = "init",
        dropout: float = 0.0,
        cell_options: dict | None = None,
        scheduled_sampling: str | None = None,
        sampling_k: float | None = None,
        sampling_slope: float = 1e-4,
        sampling_minimum: float = 0.0,
        max_caption_length: int = 20,
        learning_rate: float = 1e-3,
        global_clipnorm: float | None = 5.0,
        **kwargs,
    ):
        if isinstance(vocabulary, dict):
            vocabulary = Vocabulary.from_config(vocabulary)
        _check_vocabulary(vocabulary)
        if max_caption_length < 1:
            raise ValueError(
                f"max_caption_length must be positive; got {max_caption_length}."
            )
        image_shape = tuple(image_shape)
        if input_dim is not None and backbone is not None:
            raise ValueError(
                "A captioner takes images (with an optional backbone) or feature "
                f"vectors; got input_dim={input_dim} and backbone={backbone!r}."
            )
        embedding_dim = embedding_dim or hidden_dim

        # === Layers ===
        if input_dim is None:
            encoder = image_encoder(
                image_shape, image_dim, backbone, backbone_weights, backbone_options
            )
            image = keras.Input(shape=image_shape, name="image")
        else:
            encoder = feature_encoder(input_dim, image_dim)
            image = keras.Input(shape=(input_dim,), name="features")
        decoder = CaptionDecoder(
            len(vocabulary),
            embedding_dim,
            hidden_dim,
            num_layers=num_layers,
            cell=cell,
            injection=injection,
            dropout=dropout,
            cell_options=cell_options,
            scheduled_sampling=scheduled_sampling,
            sampling_k=sampling_k,
            sampling_slope=sampling_slope,
            sampling_minimum=sampling_minimum,
            name="decoder",
        )

        # === Functional model ===
        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        image_vector = encoder(image)  # (B, image_dim)
        logits = decoder(token_ids, image_vector)  # (B, T, V), masked on padding
        logits = float32_outputs(logits)
        super().__init__(
            inputs={image.name: image, "token_ids": token_ids},
            outputs=logits,
            **kwargs,
        )

        # === Config ===
        self.vocabulary = vocabulary
        self.image_shape = image_shape
        self.input_dim = input_dim
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.backbone_options = dict(backbone_options or {})
        self.image_dim = image_dim
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.injection = injection
        self.dropout = dropout
        self.cell_options = dict(cell_options or {})
        self.scheduled_sampling = scheduled_sampling
        self.sampling_k = sampling_k
        self.sampling_slope = sampling_slope
        self.sampling_minimum = sampling_minimum
        self.max_caption_length = max_caption_length
        self.learning_rate = learning_rate
        self.global_clipnorm = global_clipnorm

        # === Parts that generation reuses ===
        self.image_input = image.name
        self.encoder = encoder
        self.decoder = decoder

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """With no arguments: Adam with global-norm clipping, and cross-entropy and
        accuracy over the caption words (padding masked)."""
        if optimizer is None:
            optimizer = keras.optimizers.Adam(
                self.learning_rate, global_clipnorm=self.global_clipnorm
            )
        if loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if metrics is None:
            metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    # === Text ===

    def caption_ids(self, captions) -> list[list[int]]:
        """Captions -> <start> ids <end>, one list per caption; empty ones refused."""
        if isinstance(captions, str):
            raise ValueError(
                f"Expected a list of captions; got one string {captions!r}."
            )
        rows = [self.vocabulary.encode(caption) for caption in captions]
        empty = [index for index, row in enumerate(rows) if not row]
        if empty:
            shown = ", ".join(f"{i}: {captions[i]!r}" for i in empty[:5])
            raise ValueError(f"Caption(s) without words, by position: {shown}.")
        start, end = self.vocabulary.ids_of([START, END])
        return [[start, *row, end] for row in rows]

    def caption_pairs(self, captions) -> tuple[np.ndarray, np.ndarray]:
        """Captions -> teacher-forcing (inputs, targets), both (B, T) int32,
        0-padded: inputs are <start> w_1 .. w_n, targets w_1 .. w_n <end>."""
        rows = self.caption_ids(captions)
        length = max(len(row) for row in rows) - 1
        inputs = np.zeros((len(rows), length), dtype="int32")
        targets = np.zeros((len(rows), length), dtype="int32")
        for index, row in enumerate(rows):
            inputs[index, : len(row) - 1] = row[:-1]
            targets[index, : len(row) - 1] = row[1:]
        return inputs, targets

    def decode(self, token_ids) -> str:
        """Generated ids -> text, up to the first <end> (specials dropped)."""
        words = []
        for token in (self.vocabulary.tokens[int(i)] for i in token_ids):
            if token == END:
                break
            if token not in (PAD, START):
                words.append(token)
        return " ".join(words)

    # === Generation ===

    def caption(
        self,
        images,
        sampler="greedy",
        max_length: int | None = None,
        batch_size: int = 64,
        **sampler_options,
    ) -> list[str]:
        """Images (B, H, W, C) in 0-255 at the model's `image_shape` (or feature
        vectors (B, input_dim)) -> one caption each (`tasks.captioning.
        caption_files` reads and resizes image files of any size). `sampler`:
        "greedy", "beam" (`num_beams`, `length_penalty`) or another
        `zoo.generation` sampler; `max_length`: words at most (default
        `max_caption_length`)."""
        from zoo.generation.caption import caption

        return caption(self, images, sampler, max_length, batch_size, **sampler_options)

    def get_config(self):
        return {
            "name": self.name,
            "vocabulary": self.vocabulary.get_config(),
            "image_shape": list(self.image_shape),
            "input_dim": self.input_dim,
            "backbone": self.backbone,
            "backbone_weights": self.backbone_weights,
            "backbone_options": self.backbone_options,
            "image_dim": self.image_dim,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "injection": self.injection,
            "dropout": self.dropout,
            "cell_options": self.cell_options,
            "scheduled_sampling": self.scheduled_sampling,
            "sampling_k": self.sampling_k,
            "sampling_slope": self.sampling_slope,
            "sampling_minimum": self.sampling_minimum,
            "max_caption_length": self.max_caption_length,
            "learning_rate": self.learning_rate,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config):
        # The backbone's weights come back with the saved model's own weights; its
        # original file need not exist any more.
        return cls(**{**config, "backbone_weights": None})


def _check_vocabulary(vocabulary) -> None:
    if not isinstance(vocabulary, Vocabulary):
        raise ValueError(
            "A captioner needs vocabulary=zoo.models.caption_vocabulary(captions); "
            f"got {type(vocabulary).__name__}."
        )
    if vocabulary.tokens[:3] != [PAD, START, END]:
        raise ValueError(
            f"A captioner's vocabulary starts with {PAD}, {START}, {END} "
            f"(caption_vocabulary builds one); got {vocabulary.tokens[:3]}."
        )


for _cell in ("lstm", "gru", "peephole_lstm", "elman"):
    register(
        f"{_cell.removesuffix('_lstm')}_captioner",
        Captioner,
        description=f"Image captioner (CNN encoder, {_cell} decoder, image injected)",
        cell=_cell,
    )

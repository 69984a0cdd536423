"""Recurrent language models: tokens in, next-token logits out, with their training
recipe (optimizer, schedule, clipping, truncated BPTT) and generation."""

import keras
from keras import ops

from zoo.cells import get_cell
from zoo.layers import Recurrent
from zoo.layers.states import ResetStatesEachEpoch
from zoo.models.language_model_space import language_model_space
from zoo.models.task_model import TaskModel, float32_outputs
from zoo.registry import register
from zoo.vocabulary import Vocabulary

OPTIMIZERS = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}
LSTM_FAMILY = ("lstm", "peephole_lstm")


@keras.saving.register_keras_serializable(package="rnn_zoo")
class LanguageModel(TaskModel):
    """Embedding -> stacked `Recurrent` layers -> logits over the vocabulary.

    ```
    x_t = E[w_t]                                   (B, T, embedding_dim)
    h^l = Recurrent_l(drop(h^{l-1}))               (B, T, hidden_dim), h^0 = x
    logits = drop(h^L) V + c   (tied: V = E^T)     (B, T, vocabulary_size)
    ```

    Dropout sits where Zaremba et al. (2014) put it: on the non-recurrent
    connections (the embedding output, between layers, before the output layer).
    `variational_dropout=True` draws one of those masks per sequence instead of per
    step, and `recurrent_dropout` drops h_{t-1} with one mask per sequence: together,
    Gal & Ghahramani's (2016) variational LSTM. `tie_weights=True` uses the embedding
    matrix as the output matrix (Press & Wolf 2017; Inan et al. 2017), which needs
    `embedding_dim == hidden_dim`; the tied output has no bias, as in
    `keras.layers.ReversibleEmbedding`.

    The training recipe lives in the configuration too, so a preset is a whole
    experiment: `compile()` with no arguments builds `optimizer` at `learning_rate`
    with `global_clipnorm`, the loss and perplexity; `recipe_callbacks()` gives the
    per-epoch learning-rate decay (`learning_rate * learning_rate_decay **
    max(0, epoch - decay_after_epochs)`, epochs counted from 1) and, when
    `stateful`, the state reset at each epoch of truncated BPTT.

    Zaremba et al. train on the cross-entropy summed over the T steps of a window
    and averaged over the batch (`sum_loss_over_time=True`), whose gradient is T
    times that of the per-token mean. For SGD the same updates come from the mean
    loss with the learning rate times T and the clipping norm divided by T:
    `lr * clip(T g, c) = (lr T) * clip(g, c / T)`. `compile()` and
    `recipe_callbacks()` do exactly that (`learning_rate_scale`), so losses and
    perplexities stay per token; the callbacks assume the optimizer `compile()`
    built (or its reloaded copy). It holds for plain SGD on the cross-entropy; a
    weight penalty added to the loss (a regularizer) would weigh T times more than
    in the time-summed objective.

    References:
        Zaremba, Sutskever & Vinyals, "Recurrent neural network regularization",
        2014. https://arxiv.org/abs/1409.2329
        Gal & Ghahramani, "A theoretically grounded application of dropout in
        recurrent neural networks", NeurIPS 2016. https://arxiv.org/abs/1512.05287
        Press & Wolf, "Using the output embedding to improve language models", EACL
        2017. https://arxiv.org/abs/1608.05859

    Args:
        vocabulary_size: V. Optional when `vocabulary` is given.
        embedding_dim: size of the token embeddings (default: hidden_dim).
        hidden_dim: units of every recurrent layer.
        num_layers: recurrent layers stacked.
        cell: a name from `zoo.cells.CELLS`.
        dropout: rate on the embedding output, between layers and before the output.
        recurrent_dropout: variational rate on h_{t-1} inside every cell.
        variational_dropout: one `dropout` mask per sequence instead of per step.
        tie_weights: share the embedding and output matrices.
        init_scale: if set, every weight starts uniform in [-init_scale, init_scale]
            (Zaremba et al.; the LSTM forget bias then starts there too); otherwise
            Keras's initializers.
        stateful: carry the recurrent states across batches (truncated BPTT over
            `batch_size` contiguous streams); fixes the batch size of the model.
        batch_size, sequence_length: the training batch (B streams) and window (T).
        vocabulary: a `zoo.vocabulary.Vocabulary` (or its config) so the model reads
            and writes text; saved with the model.
        cell_options: further keyword arguments of every cell.
        optimizer: "sgd" or "adam". learning_rate, learning_rate_decay,
        decay_after_epochs, global_clipnorm, epochs: the recipe (see above).
        sum_loss_over_time: train as on the loss summed over the window (SGD only;
            see above).
    """

    # hp -> constructor arguments: the family's Keras Tuner search (`tuning`).
    search_space = staticmethod(language_model_space)
    trains_unmasked = True  # training windows carry no mask (`ChosenXlaTraining`)

    def __init__(
        self,
        vocabulary_size: int | None = None,
        embedding_dim: int | None = None,
        hidden_dim: int = 200,
        num_layers: int = 2,
        cell: str = "lstm",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        variational_dropout: bool = False,
        tie_weights: bool = False,
        init_scale: float | None = None,
        stateful: bool = False,
        batch_size: int = 20,
        sequence_length: int = 35,
        vocabulary=None,
        cell_options: dict | None = None,
        optimizer: str = "sgd",
        learning_rate: float = 1.0,
        learning_rate_decay: float = 1.0,
        decay_after_epochs: int = 0,
        global_clipnorm: float | None = 5.0,
        epochs: int = 13,
        sum_loss_over_time: bool = False,
        **kwargs,
    ):
        if isinstance(vocabulary, dict):
            vocabulary = Vocabulary.from_config(vocabulary)
        vocabulary_size = _check_vocabulary_size(vocabulary_size, vocabulary)
        embedding_dim = embedding_dim or hidden_dim
        if tie_weights and embedding_dim != hidden_dim:
            raise ValueError(
                "tie_weights=True needs embedding_dim == hidden_dim; got "
                f"embedding_dim={embedding_dim}, hidden_dim={hidden_dim}."
            )
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {sorted(OPTIMIZERS)}; got {optimizer!r}."
            )
        if sum_loss_over_time and optimizer != "sgd":
            raise ValueError(
                "sum_loss_over_time=True is implemented for SGD (a scaled learning "
                f"rate and clipping norm); got optimizer={optimizer!r}. Pass "
                "sum_loss_over_time=False to train with another optimizer."
            )
        for name, value in (
            ("batch_size", batch_size),
            ("sequence_length", sequence_length),
            ("epochs", epochs),
            ("num_layers", num_layers),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")

        # === Layers ===
        initializer = (
            (lambda: keras.initializers.RandomUniform(-init_scale, init_scale))
            if init_scale
            else None
        )
        cell_arguments = {"recurrent_dropout": recurrent_dropout}
        if initializer:
            cell_arguments |= {
                "kernel_initializer": initializer(),
                "recurrent_initializer": initializer(),
                "bias_initializer": initializer(),
            }
            if cell in LSTM_FAMILY:
                cell_arguments["unit_forget_bias"] = False
        cell_arguments |= cell_options or {}
        # ReversibleEmbedding(x, reverse=True) is x @ E^T: the tied output layer.
        embedding_class = (
            keras.layers.ReversibleEmbedding if tie_weights else keras.layers.Embedding
        )
        embedding = embedding_class(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer=initializer() if initializer else "uniform",
            name="embedding",
        )
        recurrent_layers = [
            Recurrent(
                get_cell(cell, hidden_dim, **cell_arguments),
                return_sequences=True,
                stateful=stateful,
                name=f"recurrent_{index}",
            )
            for index in range(num_layers)
        ]
        output_layer = (
            None
            if tie_weights
            else keras.layers.Dense(
                vocabulary_size,
                kernel_initializer=initializer() if initializer else "glorot_uniform",
                bias_initializer=initializer() if initializer else "zeros",
                name="logits",
            )
        )
        noise_shape = (None, 1, None) if variational_dropout else None
        dropouts = [
            keras.layers.Dropout(dropout, noise_shape=noise_shape, name=f"dropout_{i}")
            for i in range(num_layers + 1)
        ]

        # === Functional model ===
        token_ids = keras.Input(
            shape=(None,),
            batch_size=batch_size if stateful else None,
            dtype="int32",
            name="token_ids",
        )
        x = embedding(token_ids)  # (B, T, E)
        for drop, layer in zip(dropouts, recurrent_layers, strict=False):
            x = layer(drop(x))  # (B, T, H)
        x = dropouts[-1](x)
        logits = embedding(x, reverse=True) if tie_weights else output_layer(x)
        logits = float32_outputs(logits)
        super().__init__(inputs=token_ids, outputs=logits, **kwargs)  # (B, T, V)

        # === Config ===
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.variational_dropout = variational_dropout
        self.tie_weights = tie_weights
        self.init_scale = init_scale
        self.stateful = stateful
        self.batch_size = batch_size
        self.sequence_length = sequence_length
        self.vocabulary = vocabulary
        self.cell_options = dict(cell_options or {})
        self.optimizer_name = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.decay_after_epochs = decay_after_epochs
        self.global_clipnorm = global_clipnorm
        self.epochs = epochs
        self.sum_loss_over_time = sum_loss_over_time

        # === Parts that generation reuses ===
        self.embedding = embedding
        self.recurrent_layers = recurrent_layers
        self.output_layer = output_layer

    # === Training recipe ===

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """With no arguments: the recipe's optimizer with global-norm clipping,
        cross-entropy on logits, and perplexity."""
        if optimizer is None:
            clipnorm = self.global_clipnorm
            if clipnorm is not None:
                clipnorm /= self.learning_rate_scale
            optimizer = OPTIMIZERS[self.optimizer_name](
                learning_rate=self.learning_rate * self.learning_rate_scale,
                global_clipnorm=clipnorm,
            )
        if loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if metrics is None:
            from keras_hub.metrics import Perplexity

            metrics = [Perplexity(from_logits=True, name="perplexity")]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    @property
    def learning_rate_scale(self) -> int:
        """What the recipe's learning rates are multiplied by in the optimizer: T
        when training as on the time-summed loss, else 1 (see the class docstring)."""
        return self.sequence_length if self.sum_loss_over_time else 1

    def learning_rate_at(self, epoch: int) -> float:
        """The recipe's learning rate in epoch `epoch` (counted from 0, as Keras),
        as the paper states it (for the time-summed loss when `sum_loss_over_time`)."""
        decays = max(0, epoch + 1 - self.decay_after_epochs)
        return self.learning_rate * self.learning_rate_decay**decays

    def recipe_callbacks(self) -> list[keras.callbacks.Callback]:
        """The callbacks `fit` needs to follow the recipe: the learning-rate decay
        and, for a stateful model, zero states at each epoch and evaluation."""
        callbacks = [
            keras.callbacks.LearningRateScheduler(
                lambda epoch, _: self.learning_rate_at(epoch) * self.learning_rate_scale
            )
        ]
        if self.stateful:
            callbacks.append(ResetStatesEachEpoch())
        return callbacks

    # === Text ===

    def encode(self, text: str) -> list[int]:
        """Text -> token ids with the model's vocabulary."""
        return self._require_vocabulary().encode(text)

    def decode(self, token_ids) -> str:
        """Token ids -> text with the model's vocabulary."""
        return self._require_vocabulary().decode(ops.convert_to_numpy(token_ids))

    def _require_vocabulary(self) -> Vocabulary:
        if self.vocabulary is None:
            raise ValueError(
                f"Model {self.name!r} has no vocabulary: pass token ids, or build it "
                "with vocabulary=zoo.vocabulary.Vocabulary(...)."
            )
        return self.vocabulary

    # === Generation ===

    def generate(
        self,
        prompt,
        max_length: int,
        sampler="greedy",
        seed: int | None = None,
        stop_token_ids=None,
        **sampler_options,
    ):
        """Continues `prompt` to `max_length` tokens (prompt included). In a batch,
        `max_length` counts the longest prompt, and every row gets the same number
        of new tokens.

        `prompt`: text (with a vocabulary), a list of token ids, or a batch of them
        (lists of ids, or texts). The prompt is read once; every new token is one
        recurrent step. `sampler`: "greedy", "random", "top_k", "top_p", "beam",
        or a `keras_hub.samplers.Sampler`; `sampler_options` are its arguments
        (`temperature`, `k`, `p`, `num_beams`, `length_penalty`). `seed` makes
        sampling reproducible. Generation stops early once every row has produced
        one of `stop_token_ids`; tokens after it are dropped.

        Returns what it was given: text (or a list of texts), or token ids.
        """
        from zoo.generation import generate

        return generate(
            self,
            prompt,
            max_length,
            sampler=sampler,
            seed=seed,
            stop_token_ids=stop_token_ids,
            **sampler_options,
        )

    def get_config(self):
        return {
            "name": self.name,
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "variational_dropout": self.variational_dropout,
            "tie_weights": self.tie_weights,
            "init_scale": self.init_scale,
            "stateful": self.stateful,
            "batch_size": self.batch_size,
            "sequence_length": self.sequence_length,
            "vocabulary": self.vocabulary.get_config() if self.vocabulary else None,
            "cell_options": self.cell_options,
            "optimizer": self.optimizer_name,
            "learning_rate": self.learning_rate,
            "learning_rate_decay": self.learning_rate_decay,
            "decay_after_epochs": self.decay_after_epochs,
            "global_clipnorm": self.global_clipnorm,
            "epochs": self.epochs,
            "sum_loss_over_time": self.sum_loss_over_time,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_vocabulary_size(vocabulary_size, vocabulary) -> int:
    if vocabulary is not None and not isinstance(vocabulary, Vocabulary):
        raise ValueError(
            "vocabulary must be a zoo.vocabulary.Vocabulary or its config; got "
            f"{type(vocabulary).__name__}."
        )
    if vocabulary_size is None:
        if vocabulary is None:
            raise ValueError(
                "A language model needs vocabulary_size=... or vocabulary=...; got "
                "neither."
            )
        return len(vocabulary)
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, int):
        raise ValueError(
            f"vocabulary_size must be a positive integer; got {vocabulary_size!r}."
        )
    if vocabulary is not None and len(vocabulary) != vocabulary_size:
        raise ValueError(
            f"The vocabulary has {len(vocabulary)} tokens but the model has "
            f"vocabulary_size={vocabulary_size}; they must match."
        )
    return vocabulary_size


for _cell in ("elman", "jordan", "lstm", "peephole_lstm", "gru"):
    register(
        f"{_cell.removesuffix('_lstm')}_lm",
        LanguageModel,
        description=f"Language model (embedding, stacked {_cell} layers, softmax)",
        cell=_cell,
    )

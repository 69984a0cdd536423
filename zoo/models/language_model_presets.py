"""Named language-model configurations: each fixes a whole experiment (model and
training recipe) from its paper."""

from zoo.models.language_model import LanguageModel
from zoo.registry import register

# Zaremba, Sutskever & Vinyals 2014, https://arxiv.org/abs/1409.2329, Section 4.1 and
# their released code: 2-layer LSTMs on PTB (10,000 words), 20 streams, SGD at
# learning rate 1, decayed per epoch after `decay_after_epochs`, global-norm clipping,
# uniform initialisation, dropout on non-recurrent connections. Their loss is summed
# over the window's time steps (tensorflow/models' ptb_word_lm.py: sequence_loss with
# average_across_timesteps=False, then reduce_sum), hence `sum_loss_over_time`.
_PTB = {
    "cell": "lstm",
    "vocabulary_size": 10_000,
    "num_layers": 2,
    "stateful": True,
    "batch_size": 20,
    "optimizer": "sgd",
    "learning_rate": 1.0,
    "sum_loss_over_time": True,
}
PTB_SMALL = _PTB | {
    "hidden_dim": 200,
    "dropout": 0.0,
    "sequence_length": 20,
    "init_scale": 0.1,
    "learning_rate_decay": 0.5,
    "decay_after_epochs": 4,
    "global_clipnorm": 5.0,
    "epochs": 13,
}
PTB_MEDIUM = _PTB | {
    "hidden_dim": 650,
    "dropout": 0.5,
    "sequence_length": 35,
    "init_scale": 0.05,
    "learning_rate_decay": 1 / 1.2,
    "decay_after_epochs": 6,
    "global_clipnorm": 5.0,
    "epochs": 39,
}
PTB_LARGE = _PTB | {
    "hidden_dim": 1500,
    "dropout": 0.65,
    "sequence_length": 35,
    "init_scale": 0.04,
    "learning_rate_decay": 1 / 1.15,
    "decay_after_epochs": 14,
    "global_clipnorm": 10.0,
    "epochs": 55,
}
# Press & Wolf 2017 (https://arxiv.org/abs/1608.05859), Table 2: Zaremba's medium
# model with the input and output embeddings tied.
PTB_MEDIUM_TIED = PTB_MEDIUM | {"tie_weights": True}

# Character-level Tiny Shakespeare (the corpus shipped with rnn-zoo), sized so the
# default `rnn-zoo train lstm_lm` run finishes in minutes on a 2-core CPU: one
# 256-unit LSTM layer, Adam, 64 streams of 100 characters, variational dropout.
SHAKESPEARE_CHAR = {
    "cell": "lstm",
    "embedding_dim": 64,
    "hidden_dim": 256,
    "num_layers": 1,
    "dropout": 0.1,
    "variational_dropout": True,
    "stateful": True,
    "batch_size": 64,
    "sequence_length": 100,
    "optimizer": "adam",
    "learning_rate": 3e-3,
    "learning_rate_decay": 0.7,
    "decay_after_epochs": 3,
    "global_clipnorm": 5.0,
    "epochs": 6,
}

# A larger character model for the quality benchmark (validation loss at or below
# 1.45 nats/char): two 512-unit layers, more dropout, more epochs (tens of minutes on
# a 2-core CPU).
SHAKESPEARE_CHAR_LARGE = SHAKESPEARE_CHAR | {
    "hidden_dim": 512,
    "num_layers": 2,
    "dropout": 0.25,
    "learning_rate": 2e-3,
    "learning_rate_decay": 0.8,
    "decay_after_epochs": 5,
    "epochs": 12,
}

PRESETS = {
    "lstm_lm_ptb_small": (PTB_SMALL, "Zaremba et al. 2014 small PTB LSTM (2x200)"),
    "lstm_lm_ptb_medium": (PTB_MEDIUM, "Zaremba et al. 2014 medium PTB LSTM (2x650)"),
    "lstm_lm_ptb_large": (PTB_LARGE, "Zaremba et al. 2014 large PTB LSTM (2x1500)"),
    "lstm_lm_ptb_medium_tied": (
        PTB_MEDIUM_TIED,
        "Medium PTB LSTM with tied embeddings (Press & Wolf 2017)",
    ),
    "lstm_lm_shakespeare_char": (
        SHAKESPEARE_CHAR,
        "Character-level LSTM for Tiny Shakespeare (the default `rnn-zoo train`)",
    ),
    "lstm_lm_shakespeare_char_large": (
        SHAKESPEARE_CHAR_LARGE,
        "Character-level 2x512 LSTM for Tiny Shakespeare (the quality benchmark)",
    ),
}
# Presets that read characters, not words (`rnn-zoo train` picks the level by them).
CHARACTER_PRESETS = ("lstm_lm_shakespeare_char", "lstm_lm_shakespeare_char_large")

for _name, (_arguments, _description) in PRESETS.items():
    register(_name, LanguageModel, description=_description, **_arguments)

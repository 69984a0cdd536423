"""The language models' hyperparameter search space (`LanguageModel.search_space`)."""

from zoo.cells.search_space import cell_space

# Learning-rate ranges per optimizer: SGD as in Zaremba et al. (1.0), Adam around
# its usual 1e-3. Each is its own hyperparameter (`sgd_learning_rate`, ...): Keras
# Tuner cannot hold one name in two conditional scopes.
LEARNING_RATES = {"sgd": (0.1, 2.0), "adam": (3e-4, 1e-2)}


def language_model_space(hp) -> dict:
    """hp -> `LanguageModel` constructor arguments: the cell and its options
    (`zoo.cells.search_space`), `hidden_dim`, `num_layers`, `dropout`,
    `variational_dropout`, `tie_weights`, `optimizer`, a `learning_rate` whose
    range depends on the optimizer (not searched when the hyperparameters already
    hold a fixed `learning_rate`, a preset's), and `global_clipnorm`."""
    arguments = cell_space(hp)
    arguments["hidden_dim"] = hp.Choice("hidden_dim", [128, 256, 512, 1024])
    arguments["num_layers"] = hp.Int("num_layers", 1, 3)
    arguments["dropout"] = hp.Float("dropout", 0.0, 0.6, step=0.1)
    arguments["variational_dropout"] = hp.Boolean("variational_dropout")
    arguments["tie_weights"] = hp.Boolean("tie_weights")
    optimizer = hp.Choice("optimizer", list(LEARNING_RATES))
    arguments["optimizer"] = optimizer
    if "learning_rate" in hp.values:
        arguments["learning_rate"] = hp.values["learning_rate"]
    else:
        for name, (low, high) in LEARNING_RATES.items():
            with hp.conditional_scope("optimizer", [name]):
                if optimizer == name:
                    arguments["learning_rate"] = hp.Float(
                        f"{name}_learning_rate", low, high, sampling="log"
                    )
    arguments["global_clipnorm"] = hp.Choice("global_clipnorm", [1.0, 5.0, 10.0])
    return arguments

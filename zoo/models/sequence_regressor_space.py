"""The sequence regressors' hyperparameter search space
(`SequenceRegressor.search_space`)."""

from zoo.cells.search_space import cell_space


def sequence_regressor_space(hp) -> dict:
    """hp -> `SequenceRegressor` constructor arguments: the cell and its options
    (`zoo.cells.search_space`), `hidden_dim`, `num_layers` and `dropout`."""
    arguments = cell_space(hp)
    arguments["hidden_dim"] = hp.Choice("hidden_dim", [16, 32, 64, 128])
    arguments["num_layers"] = hp.Int("num_layers", 1, 2)
    arguments["dropout"] = hp.Float("dropout", 0.0, 0.5, step=0.1)
    return arguments

"""The text classifiers' hyperparameter search space (`TextClassifier.search_space`)."""

from zoo.cells.search_space import cell_space
from zoo.layers.pooling import POOLINGS


def text_classifier_space(hp) -> dict:
    """hp -> `TextClassifier` constructor arguments: the cell and its options
    (`zoo.cells.search_space`), `bidirectional`, `embedding_dim`, `hidden_dim`,
    `num_layers`, `pooling`, `dropout`, `embedding_dropout` and Adam's
    `learning_rate`."""
    arguments = cell_space(hp)
    arguments["bidirectional"] = hp.Boolean("bidirectional")
    arguments["embedding_dim"] = hp.Choice("embedding_dim", [32, 64, 128, 300])
    arguments["hidden_dim"] = hp.Choice("hidden_dim", [32, 64, 128, 256])
    arguments["num_layers"] = hp.Int("num_layers", 1, 2)
    arguments["pooling"] = hp.Choice("pooling", ["last", *POOLINGS])
    arguments["dropout"] = hp.Float("dropout", 0.0, 0.5, step=0.1)
    arguments["embedding_dropout"] = hp.Float("embedding_dropout", 0.0, 0.3, step=0.1)
    arguments["learning_rate"] = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    return arguments

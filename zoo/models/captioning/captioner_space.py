"""The captioners' hyperparameter search space (`Captioner.search_space`)."""

from zoo.cells.search_space import cell_space
from zoo.models.captioning.caption_decoder import INJECTIONS

# Each schedule's parameter (Bengio et al. 2015's curves): its hyperparameter, the
# constructor argument it sets and its range. The linear schedule's decrease per
# step, the exponential's k < 1, the inverse sigmoid's k. Keras Tuner cannot hold
# one name in two conditional scopes, hence two names for k.
SAMPLING_RANGES = {
    "linear": ("sampling_slope", "sampling_slope", 1e-5, 1e-3),
    "exponential": ("exponential_k", "sampling_k", 0.99, 0.9999),
    "inverse_sigmoid": ("inverse_sigmoid_k", "sampling_k", 10.0, 2000.0),
}


def captioner_space(hp) -> dict:
    """hp -> `Captioner` constructor arguments: the decoder's cell and its
    options (`zoo.cells.search_space`), `injection`, `image_dim`,
    `embedding_dim`, `hidden_dim`, `dropout`, Adam's `learning_rate`, and
    `scheduled_sampling` ("off" or a schedule) with, for a schedule only, its
    parameter and `sampling_minimum` (each taken as it is when `hp` already holds
    it)."""
    arguments = cell_space(hp)
    arguments["injection"] = hp.Choice("injection", list(INJECTIONS))
    arguments["image_dim"] = hp.Choice("image_dim", [64, 128, 256])
    arguments["embedding_dim"] = hp.Choice("embedding_dim", [32, 64, 128])
    arguments["hidden_dim"] = hp.Choice("hidden_dim", [64, 128, 256, 512])
    arguments["dropout"] = hp.Float("dropout", 0.0, 0.5, step=0.1)
    arguments["learning_rate"] = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    schedule = hp.Choice("scheduled_sampling", ["off", *SAMPLING_RANGES])
    arguments["scheduled_sampling"] = None if schedule == "off" else schedule
    # A sampling argument the hyperparameters already hold (fixed by the caller)
    # is taken as it is, not searched.
    held = hp.values
    for name, (parameter, argument, low, high) in SAMPLING_RANGES.items():
        with hp.conditional_scope("scheduled_sampling", [name]):
            if schedule == name:
                arguments[argument] = (
                    held[argument]
                    if argument in held
                    else hp.Float(parameter, low, high, sampling="log")
                )
    with hp.conditional_scope("scheduled_sampling", list(SAMPLING_RANGES)):
        if schedule != "off":
            arguments["sampling_minimum"] = (
                held["sampling_minimum"]
                if "sampling_minimum" in held
                else hp.Float("sampling_minimum", 0.0, 0.5, step=0.25)
            )
    return arguments

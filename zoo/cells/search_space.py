"""The cells as a hyperparameter search: which cell, and the options that exist
only for it.

`hp` is a Keras Tuner `HyperParameters` (any object with its `Choice`,
`Boolean` and `conditional_scope` works; zoo does not import keras_tuner). Each
option lives in a conditional scope on "cell", so a search only proposes the
peephole options to peephole LSTMs, and a trial's table lists only the options of
its own cell.
"""

from zoo.cells import CELLS

# cell_clip 0 stands for "no clipping" (None): hyperparameter values are numbers.
CELL_CLIPS = [0.0, 3.0, 10.0]


def cell_space(hp) -> dict:
    """hp -> {"cell": name, "cell_options": {...}} (empty for a cell without
    options), as the models store them:

    - peephole_lstm: `use_peepholes` (True/False), `cell_clip` (none, 3, 10);
    - gru: `reset_after` (True/False: where the reset gate sits);
    - elman: `activation` (tanh or relu, the IRNN of Le et al. 2015);
    - lstm, jordan: none.
    """
    cell = hp.Choice("cell", list(CELLS))
    options = {}
    with hp.conditional_scope("cell", ["peephole_lstm"]):
        if cell == "peephole_lstm":
            options["use_peepholes"] = hp.Boolean("use_peepholes", default=True)
            options["cell_clip"] = hp.Choice("cell_clip", CELL_CLIPS) or None
    with hp.conditional_scope("cell", ["gru"]):
        if cell == "gru":
            options["reset_after"] = hp.Boolean("reset_after", default=True)
    with hp.conditional_scope("cell", ["elman"]):
        if cell == "elman":
            options["activation"] = hp.Choice("activation", ["tanh", "relu"])
    return {"cell": cell, "cell_options": options}

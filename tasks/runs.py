"""The run folder every task trains into, and the callbacks that fill it.

A run folder holds `model.keras`, `run.json` (what was asked), `checkpoints/
epoch_NN.keras` (one per epoch), `backup/` (Keras's BackupAndRestore: an
interrupted run resumes from its last finished epoch with `resume=True`, and a
finished one trains on to a larger `epochs`), `history.csv` and TensorBoard `logs/`.
"""

import csv
import json
from pathlib import Path

import keras

from tasks.data.corpus import TFDS_PREFIX

# Options a resumed run may change: neither changes the model or its checkpoints.
RESUMABLE_CHANGES = ("epochs", "jit_compile")


def prepare_output(
    output, resume: bool, asked: dict, marker="backup", may_change=RESUMABLE_CHANGES
) -> Path:
    """The run folder `output`. Refuses to start over a run (a folder holding
    `marker`) unless resuming, and to resume a run with other options than it
    was started with (`asked`, the options as `run.json` records them; those in
    `may_change` may differ). Checks only: the folder is made by
    `make_run_folder`."""
    output = Path(output)
    if not (output / marker).exists():
        return output
    if not resume:
        raise ValueError(
            f"{str(output)!r} already holds a run; pass resume=True (--resume) to "
            "continue it where it stopped, or choose another output folder."
        )
    started = read_run(output)
    changed = [
        f"{key}: {started.get(key)!r} -> {value!r}"
        for key, value in asked.items()
        if key not in may_change and started.get(key) != value
    ]
    if changed:
        raise ValueError(
            f"The run in {str(output)!r} was started with other options; resume it "
            f"with the same ones ({'; '.join(changed)})."
        )
    return output


def absolute(path) -> str | None:
    """A data path as `run.json` records it: absolute, so the run can be evaluated
    from any folder (`tfds:` names and None as they are)."""
    if path is None:
        return None
    path = str(path)
    return path if path.startswith(TFDS_PREFIX) else str(Path(path).resolve())


def make_run_folder(output: Path, run: dict) -> None:
    """Creates the folder and writes `run.json`."""
    (output / "checkpoints").mkdir(parents=True, exist_ok=True)
    write_json(output / "run.json", run)


def run_callbacks(output: Path, resume: bool) -> list:
    """Backup (resume), a checkpoint per epoch, the CSV history and TensorBoard."""
    return [
        # Kept after the run ends, so `resume` also extends a finished run.
        keras.callbacks.BackupAndRestore(
            str(output / "backup"), delete_checkpoint=False
        ),
        keras.callbacks.ModelCheckpoint(
            str(output / "checkpoints" / "epoch_{epoch:02d}.keras")
        ),
        keras.callbacks.CSVLogger(str(output / "history.csv"), append=resume),
        keras.callbacks.TensorBoard(str(output / "logs")),
    ]


def load_model(run_dir, expected: type = keras.Model, what: str = "a model"):
    """The trained model of a run folder, refused unless an `expected` (`what`)."""
    path = Path(run_dir) / "model.keras"
    if not path.is_file():
        raise ValueError(
            f"{str(run_dir)!r} is not a finished run folder: it has no model.keras."
        )
    model = keras.models.load_model(path)
    if not isinstance(model, expected):
        raise ValueError(
            f"{str(run_dir)!r} holds a {type(model).__name__}, not {what}."
        )
    return model


def averaged_weights_callbacks(model: keras.Model) -> list:
    """For a model whose optimizer averages its weights (`use_ema`, also inside
    mixed_float16's LossScaleOptimizer): the average is swapped in for validation
    and, at each epoch's end, for the callbacks after these (put
    `keep_best_callbacks` there, so the best epoch is chosen and saved by its
    averaged weights); the callbacks before them (`run_callbacks`: the backup and
    the per-epoch checkpoints) keep the raw weights and the average apart, so a
    resumed run goes on with both.

    What the model holds when `fit` returns: the average after the last epoch;
    after an early stop, the raw weights (Keras's SwapEMAWeights finalizes only at
    the last epoch). Load the best epoch's weights file in either case; it holds
    the average as the model's weights and, in the optimizer's average, that
    epoch's raw weights."""
    optimizer = getattr(model.optimizer, "inner_optimizer", model.optimizer)
    if not getattr(optimizer, "use_ema", False):
        return []
    return [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)]


def keep_best_callbacks(
    output: Path, monitor: str, mode: str, resume: bool, patience: int | None
) -> list:
    """`best.weights.h5`, the weights of the best epoch by `monitor` ("min" or
    "max" `mode`), and early stopping after `patience` epochs without a better one
    (None: never). On resume the epochs before count: only a better epoch
    replaces their best weights, and early stopping counts from their best."""
    best_so_far = best_in_history(output, monitor, mode) if resume else None
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            str(output / "best.weights.h5"),
            monitor=monitor,
            mode=mode,
            save_best_only=True,
            save_weights_only=True,
            initial_value_threshold=best_so_far,
        )
    ]
    if patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor,
                mode=mode,
                patience=patience,
                baseline=best_so_far,
                verbose=1,
            )
        )
    return callbacks


def best_in_history(output: Path, key: str, mode: str) -> float | None:
    """The best (`mode` "min" or "max") `key` in a run's history.csv, if any."""
    path = output / "history.csv"
    if not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as file:
        values = [float(row[key]) for row in csv.DictReader(file)]
    return (min if mode == "min" else max)(values, default=None)


def read_run(run_dir) -> dict:
    """The `run.json` of a run folder."""
    return json.loads((Path(run_dir) / "run.json").read_text(encoding="utf-8"))


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=1), encoding="utf-8")

"""A search end to end: a registered model and its task's data -> Keras Tuner
trials -> a summary table, a plot of the trial scores and the best configuration
as a preset file, in one folder.

The folder holds `search/` (Keras Tuner's trials and oracle: an interrupted
search resumes with `resume=True`), `run.json` (what was asked), `trials.csv`
(one row per finished trial: score, seconds, resident memory, hyperparameters),
`trial_scores.png` and `best_preset.json`, which `zoo.build` and
`rnn-zoo train MODEL --preset` take.
"""

from pathlib import Path

import zoo
from tasks import captioning, runs, training
from tasks.captioning import check_captioner
from tasks.data.corpus import load_corpus, shipped_corpus_path
from tasks.data.labelled_splits import load_splits
from tasks.language_modeling import default_level
from tasks.text_classification import check_classifier
from tuning.hypermodel import ZooHyperModel
from tuning.options import DATA_OPTIONS
from tuning.report import plot_trials, summary_table
from tuning.trial_data import CaptionerTrials, ClassifierTrials, LanguageModelTrials
from tuning.tuners import check_search, make_tuner, read_records
from zoo.models import Captioner, LanguageModel, TextClassifier
from zoo.preset_files import save_preset

# The trials of each task (`tuning.trial_data`).
TRIALS = {
    LanguageModel: LanguageModelTrials,
    TextClassifier: ClassifierTrials,
    Captioner: CaptionerTrials,
}


def tune(
    model: str,
    data=None,
    tuner: str = "random",
    max_trials: int = 10,
    epochs: int = 3,
    output=None,
    resume: bool = False,
    strategy: str = "default",
    precision: str = "float32",
    jit_compile: bool | str = "auto",
    seed: int | None = None,
    fixed: dict | None = None,
    free=(),
    batch_size: int | None = None,
    **data_options,
) -> Path:
    """Searches `model`'s hyperparameters on its task's data and returns the
    folder of the search (default `runs/tune/MODEL`).

    `model` is a registered language model, text classifier or captioner, its
    space its family's `search_space`; `fixed` and `free` as in
    `tuning.ZooHyperModel`. `tuner` is "random", "bayesian" or "hyperband"
    (`tuning.tuners.make_tuner`): `max_trials` trials of `epochs` epochs (for
    Hyperband: at most `epochs`). The objective fits the task: validation
    perplexity, accuracy, or the BLEU-4 of greedy validation captions.

    `data` and `data_options` are the task's, as its `train` takes them:
    language models `level`, `stateless` (their batch size is the model's
    `batch_size`, which `fixed` may set); classifiers `valid_data`,
    `text_column`, `label_column`, `max_tokens` (`batch_size` default 32);
    captioners `images`, `image_size`, `max_tokens` (`batch_size` default 64).
    Only training and validation data are read. `strategy`, `precision`,
    `jit_compile` and `seed` as in `tasks.language_modeling.train`. Every check
    on the arguments runs before the data is read.
    """
    check_search(tuner, max_trials, epochs)
    hypermodel = ZooHyperModel(
        model,
        fixed=fixed,
        free=free,
        precision=precision,
        jit_compile=jit_compile,
        seed=seed,
    )
    task = _task_of(model)
    _check_task_options(model, task, hypermodel.fixed, batch_size, data_options)
    output = Path(output or f"runs/tune/{model}")
    asked = {
        "model": model,
        "data": runs.absolute(data),
        **{key: _recorded(key, value) for key, value in data_options.items()},
        "batch_size": batch_size,
        "tuner": tuner,
        "max_trials": max_trials,
        "epochs": epochs,
        "strategy": strategy,
        "precision": precision,
        "jit_compile": jit_compile,
        "seed": seed,
        "fixed": hypermodel.fixed,
        "free": sorted(free),
    }
    output = runs.prepare_output(
        output, resume, asked, "search", ("max_trials", "jit_compile")
    )
    distribution = training.get_strategy(strategy)
    stateful = task is LanguageModel and not data_options.get("stateless", False)
    training.check_replicas(distribution.num_replicas_in_sync, stateful, precision)
    hypermodel.trials = _trials(task, model, data, batch_size, seed, data_options)

    search = make_tuner(
        tuner,
        hypermodel,
        hypermodel.trials.objective,
        max_trials,
        epochs,
        output,
        strategy=None if strategy == "default" else distribution,
        seed=seed,
        overwrite=False,
    )
    output.mkdir(parents=True, exist_ok=True)
    runs.write_json(
        output / "run.json", {**asked, "replicas": distribution.num_replicas_in_sync}
    )
    search.search(epochs=epochs, verbose=1)
    return report(search, hypermodel, output, asked)


def report(search, hypermodel: ZooHyperModel, output: Path, asked: dict) -> Path:
    """Prints the trials' table and writes `trial_scores.png` and
    `best_preset.json` (the best trial's constructor arguments)."""
    objective = search.oracle.objective
    trials = [t for t in search.oracle.trials.values() if t.score is not None]
    if not trials:
        raise ValueError(
            f"No trial of the search in {str(output)!r} finished with a score; "
            "see the errors above."
        )
    records = {row["trial"]: row for row in read_records(output / "trials.csv")}
    print(summary_table(trials, objective, records))
    plot_trials(trials, objective, output / "trial_scores.png")
    (best,) = search.oracle.get_best_trials(1)
    path = save_preset(
        output / "best_preset.json",
        hypermodel.model_name,
        hypermodel.arguments(best.hyperparameters),
        notes={
            **hypermodel.trials.notes,
            "objective": objective.name,
            "direction": objective.direction,
            "score": best.score,
            "trial": best.trial_id,
            "searched": asked,
        },
    )
    print(
        f"best: trial {best.trial_id}, {objective.name} {best.score:.4f}; preset "
        f"written to {path} (zoo.build({str(path)!r}, ...), rnn-zoo train "
        f"{hypermodel.model_name} --preset {path})"
    )
    return output


def _check_task_options(model, task, fixed, batch_size, data_options) -> None:
    """Refuses data options `task` does not take, fixed arguments the data sets,
    and the task's own bad arguments (as its `train` would)."""
    accepted = DATA_OPTIONS[task.__name__]
    unknown = sorted(set(data_options) - set(accepted))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} do(es) not apply to {model!r}, a "
            f"{task.__name__}; it takes {', '.join(accepted)}."
        )
    from_data = sorted(set(fixed) & set(TRIALS[task].data_arguments))
    if from_data:
        raise ValueError(
            f"{', '.join(from_data)} is set from the data (or --stateless); do not "
            "fix it."
        )
    if task is LanguageModel and batch_size is not None:
        raise ValueError(
            "A language model's batch size is its batch_size argument: pass "
            "fixed={'batch_size': N} (--set batch_size=N)."
        )
    if task is TextClassifier:
        check_classifier(fixed)
    if task is Captioner:
        check_captioner(model, fixed, data_options.get("max_tokens"))


def _task_of(model: str) -> type:
    cls = zoo.get(model).cls
    for task in TRIALS:
        if issubclass(cls, task):
            return task
    raise ValueError(
        f"{model!r} ({cls.__name__}) has no task data to tune on: build a "
        "tuning.ZooHyperModel and a tuner (tuning.make_tuner) and call "
        "tuner.search(x, y, validation_data=...) in Python."
    )


def _recorded(key: str, value):
    return runs.absolute(value) if key in ("valid_data", "images") else value


def _trials(task, model, data, batch_size, seed, options):
    """The task's data, read and checked, as a `tuning.trial_data` object."""
    if task is LanguageModel:
        level = options.get("level") or default_level(data, model)
        corpus = load_corpus(data or shipped_corpus_path(), level=level)
        return LanguageModelTrials(corpus, stateful=not options.get("stateless"))
    if task is TextClassifier:
        columns = {
            k: options[k] for k in ("text_column", "label_column") if k in options
        }
        splits = load_splits(data, options.get("valid_data"), **columns)
        vocabulary = (
            {"max_tokens": options["max_tokens"]} if "max_tokens" in options else {}
        )
        return ClassifierTrials(splits, batch_size or 32, seed=seed, **vocabulary)
    image_size = options.get("image_size") or captioning.default_image_size(data)
    splits = captioning.load_splits(
        data, options.get("images"), image_size, splits=("train", "valid")
    )
    return CaptionerTrials(
        splits,
        (image_size, image_size, 3),
        batch_size or 64,
        options.get("max_tokens"),
        seed,
    )

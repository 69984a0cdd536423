"""`rnn-zoo tune`, and the `rnn-zoo` console script: every verb of `tasks.cli`
plus this one."""

import argparse
import json
import sys

from tasks import cli
from tuning.options import DATA_OPTIONS, TUNERS

# tune's flags -> `tuning.tune`'s data options (passed on only when given).
ALL_DATA_OPTIONS = sorted(set().union(*DATA_OPTIONS.values()))


def _tune(arguments) -> int:
    from tuning.search import tune

    options = {
        name: getattr(arguments, name)
        for name in ALL_DATA_OPTIONS
        if getattr(arguments, name) not in (None, False)
    }
    for column in ("text_column", "label_column"):
        if column in options:
            options[column] = cli.column(options[column])
    tune(
        arguments.model,
        arguments.data,
        tuner=arguments.tuner,
        max_trials=arguments.max_trials,
        epochs=arguments.epochs,
        output=arguments.output,
        resume=arguments.resume,
        strategy=arguments.strategy,
        precision=arguments.precision,
        jit_compile=arguments.jit,
        seed=arguments.seed,
        fixed=dict(arguments.set or []),
        free=arguments.free or (),
        batch_size=arguments.batch_size,
        **options,
    )
    return 0


def _assignment(text: str) -> tuple[str, object]:
    """NAME=VALUE -> (name, value): VALUE read as JSON (numbers, true, false,
    null, {...}), else as a string."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def add_tune_verb(verbs) -> None:
    tune = verbs.add_parser(
        "tune",
        help="search a model's hyperparameters with Keras Tuner; the best "
        "configuration becomes a preset file",
    )
    tune.add_argument("model", help="a registered model, e.g. lstm_classifier")
    tune.add_argument(
        "--tuner", default="random", choices=TUNERS, help="(default: random)"
    )
    tune.add_argument(
        "--max-trials",
        type=cli.positive_int,
        default=10,
        help="configurations to try (default: 10)",
    )
    tune.add_argument(
        "--epochs",
        type=cli.positive_int,
        default=3,
        help="epochs per trial; Hyperband: at most (default: 3)",
    )
    tune.add_argument(
        "--set",
        action="append",
        type=_assignment,
        metavar="NAME=VALUE",
        help="hold a constructor argument at VALUE (JSON, else a string) instead "
        "of searching it, e.g. --set hidden_dim=64; repeatable",
    )
    tune.add_argument(
        "--free",
        action="append",
        metavar="NAME",
        help="search an argument that MODEL's registration fixes, e.g. --free cell "
        "(every cell, each with its own options); repeatable",
    )
    tune.add_argument(
        "--batch-size",
        type=cli.positive_int,
        help="classifiers (default: 32) and captioners (default: 64); a language "
        "model's is its batch_size argument (--set batch_size=N)",
    )
    tune.add_argument("--output", help="search folder (default: runs/tune/MODEL)")
    tune.add_argument(
        "--resume", action="store_true", help="continue an interrupted search"
    )
    cli.add_data_arguments(tune)
    cli.add_training_arguments(tune)
    tune.set_defaults(run=_tune)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, extra_verbs=[add_tune_verb])


if __name__ == "__main__":
    sys.exit(main())

"""The `rnn-zoo` command line."""

import argparse
import sys


def _list_models(_arguments) -> int:
    import zoo

    names = zoo.list_models()
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {zoo.get(name).description}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-zoo", description="Recurrent neural network model zoo for Keras 3."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser(
        "list", help="list every registered model and preset"
    ).set_defaults(run=_list_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = make_parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())

"""The `rnn-zoo` command line."""

import argparse
import sys

from tasks.options import PRECISIONS, STRATEGIES


def _list_models(_arguments) -> int:
    import zoo

    names = zoo.list_models()
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {zoo.get(name).description}")
    return 0


def _train(arguments) -> int:
    from tasks import language_modeling

    overrides = _given(
        batch_size=arguments.batch_size,
        sequence_length=arguments.sequence_length,
        hidden_dim=arguments.hidden_dim,
    )
    language_modeling.train(
        arguments.model,
        data=arguments.data,
        preset=arguments.preset,
        epochs=arguments.epochs,
        output=arguments.output or f"runs/{arguments.preset or arguments.model}",
        resume=arguments.resume,
        level=arguments.level,
        strategy=arguments.strategy,
        stateless=arguments.stateless,
        precision=arguments.precision,
        jit_compile=arguments.jit,
        seed=arguments.seed,
        **overrides,
    )
    return 0


def _generate(arguments) -> int:
    from tasks import language_modeling

    lm = language_modeling.load_run(arguments.run_dir)
    options = _given(
        temperature=arguments.temperature,
        k=arguments.k,
        p=arguments.p,
        num_beams=arguments.num_beams,
    )
    prompt_length = len(lm.encode(arguments.prompt))
    print(
        lm.generate(
            arguments.prompt,
            prompt_length + arguments.length,
            sampler=arguments.sampler,
            seed=arguments.seed,
            **options,
        )
    )
    return 0


def _evaluate(arguments) -> int:
    from tasks import language_modeling

    perplexity = language_modeling.evaluate(arguments.run_dir, arguments.data)
    print(f"perplexity: {perplexity:.2f}")
    return 0


def _export(arguments) -> int:
    from tasks import language_modeling
    from tasks.export import export_language_model

    lm = language_modeling.load_run(arguments.run_dir)
    path = export_language_model(lm, arguments.out_dir)
    print(
        f"SavedModel written to {path} (signatures: serving_default, score, step, "
        "generate)"
    )
    return 0


def _given(**options) -> dict:
    """The options the user set (argparse leaves the others None)."""
    return {key: value for key, value in options.items() if value is not None}


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-zoo", description="Recurrent neural network model zoo for Keras 3."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser(
        "list", help="list every registered model and preset"
    ).set_defaults(run=_list_models)

    train = verbs.add_parser("train", help="train a language model")
    train.add_argument("model", help="a registered language model, e.g. lstm_lm")
    train.add_argument(
        "--data",
        help="a text file, a PTB-layout folder or tfds:NAME, a TensorFlow Datasets "
        "text dataset such as tfds:local_text_corpus/tiny_shakespeare (offline) or "
        "tfds:tiny_shakespeare (downloads) (default: Tiny Shakespeare, shipped with "
        "rnn-zoo)",
    )
    train.add_argument("--preset", help="a registered preset, e.g. lstm_lm_ptb_small")
    train.add_argument("--epochs", type=_positive_int)
    train.add_argument("--output", help="run folder (default: runs/MODEL)")
    train.add_argument(
        "--resume", action="store_true", help="continue an interrupted run"
    )
    train.add_argument("--level", choices=["word", "char"])
    train.add_argument("--batch-size", type=_positive_int)
    train.add_argument("--sequence-length", type=_positive_int)
    train.add_argument("--hidden-dim", type=_positive_int)
    train.add_argument(
        "--strategy",
        default="default",
        choices=STRATEGIES,
        help="tf.distribute strategy: one device (default), every local GPU or "
        "logical CPU (mirrored), the machines of TF_CONFIG (multi_worker), a TPU",
    )
    train.add_argument(
        "--stateless",
        action="store_true",
        help="start every window from zero states instead of carrying them "
        "(truncated BPTT); needed on several replicas",
    )
    train.add_argument(
        "--precision",
        default="float32",
        choices=PRECISIONS,
        help="Keras dtype policy: mixed policies compute in 16 bits",
    )
    train.add_argument(
        "--jit", action="store_true", help="compile the training step with XLA"
    )
    train.add_argument(
        "--seed", type=int, help="fix the initial weights and dropout masks"
    )
    train.set_defaults(run=_train)

    generate = verbs.add_parser("generate", help="continue a prompt with a run's model")
    generate.add_argument("run_dir")
    generate.add_argument("--prompt", required=True)
    generate.add_argument("--length", type=_positive_int, default=200)
    generate.add_argument(
        "--sampler",
        default="top_k",
        choices=["greedy", "random", "top_k", "top_p", "beam"],
    )
    generate.add_argument("--temperature", type=float)
    generate.add_argument("--k", type=_positive_int)
    generate.add_argument("--p", type=float)
    generate.add_argument("--num-beams", type=_positive_int)
    generate.add_argument("--seed", type=int)
    generate.set_defaults(run=_generate)

    evaluate = verbs.add_parser("evaluate", help="perplexity of a run's model on data")
    evaluate.add_argument("run_dir")
    evaluate.add_argument("--data", required=True)
    evaluate.set_defaults(run=_evaluate)

    export = verbs.add_parser(
        "export", help="a run's model as a TensorFlow SavedModel that serves raw text"
    )
    export.add_argument("run_dir")
    export.add_argument("out_dir", help="the SavedModel goes to OUT_DIR/1/")
    export.set_defaults(run=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = make_parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except ValueError as error:
        print(f"rnn-zoo {arguments.verb}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

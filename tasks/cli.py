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


# Options that only one kind of model takes (argparse dest -> flag).
LANGUAGE_MODEL_OPTIONS = {
    "level": "--level",
    "sequence_length": "--sequence-length",
    "stateless": "--stateless",
}
CLASSIFIER_OPTIONS = {
    "valid_data": "--valid-data",
    "test_data": "--test-data",
    "holdout": "--holdout",
    "text_column": "--text-column",
    "label_column": "--label-column",
    "max_length": "--max-length",
    "pooling": "--pooling",
    "weight_averaging": "--weight-averaging",
}
CAPTIONER_OPTIONS = {
    "images": "--images",
    "image_size": "--image-size",
    "injection": "--injection",
    "scheduled_sampling": "--scheduled-sampling",
    "sampling_k": "--sampling-k",
    "sampling_slope": "--sampling-slope",
    "sampling_minimum": "--sampling-minimum",
}
# Classifiers and captioners both fit a vocabulary and stop early.
VOCABULARY_AND_PATIENCE = {"max_tokens": "--max-tokens", "patience": "--patience"}


def _train(arguments) -> int:
    import zoo
    from zoo.models import Captioner, TextClassifier

    cls = zoo.get(arguments.model).cls
    if issubclass(cls, TextClassifier):
        _refuse(
            arguments,
            LANGUAGE_MODEL_OPTIONS | CAPTIONER_OPTIONS,
            f"{arguments.model!r}, a text classifier",
        )
        return _train_classifier(arguments)
    if issubclass(cls, Captioner):
        _refuse(
            arguments,
            LANGUAGE_MODEL_OPTIONS | CLASSIFIER_OPTIONS,
            f"{arguments.model!r}, a captioner",
        )
        return _train_captioner(arguments)
    _refuse(
        arguments,
        CLASSIFIER_OPTIONS | CAPTIONER_OPTIONS | VOCABULARY_AND_PATIENCE,
        f"{arguments.model!r}, a language model",
    )
    return _train_language_model(arguments)


def _refuse(arguments, options: dict, what: str) -> None:
    """Rejects options that `what` (a model) does not take, before anything is
    loaded."""
    given = [
        flag
        for dest, flag in options.items()
        if getattr(arguments, dest) not in (None, False)
    ]
    if given:
        raise ValueError(f"{', '.join(given)} do(es) not apply to {what}.")


def _train_classifier(arguments) -> int:
    from tasks import text_classification

    options = _vocabulary_model_options(arguments) | _given(
        max_length=arguments.max_length,
        pooling=arguments.pooling,
        weight_averaging=arguments.weight_averaging,
        holdout=arguments.holdout,
        text_column=column(arguments.text_column),
        label_column=column(arguments.label_column),
    )
    text_classification.train(
        arguments.model,
        valid_data=arguments.valid_data,
        test_data=arguments.test_data,
        preset=arguments.preset,
        **_run_options(arguments),
        **options,
    )
    return 0


def _train_captioner(arguments) -> int:
    from tasks import captioning

    options = _vocabulary_model_options(arguments) | _given(
        image_size=arguments.image_size,
        injection=arguments.injection,
        scheduled_sampling=arguments.scheduled_sampling,
        sampling_k=arguments.sampling_k,
        sampling_slope=arguments.sampling_slope,
        sampling_minimum=arguments.sampling_minimum,
    )
    captioning.train(
        arguments.model,
        images=arguments.images,
        preset=arguments.preset,
        **_run_options(arguments),
        **options,
    )
    return 0


def _vocabulary_model_options(arguments) -> dict:
    """The options classifiers and captioners share: the training loop, the
    model size, the vocabulary, and --patience (0, never stop early, as None)."""
    options = _given(
        epochs=arguments.epochs,
        batch_size=arguments.batch_size,
        hidden_dim=arguments.hidden_dim,
        learning_rate=arguments.learning_rate,
        max_tokens=arguments.max_tokens,
    )
    if arguments.patience is not None:
        options["patience"] = arguments.patience or None
    return options


def _run_options(arguments) -> dict:
    """The options every task's `train` takes from the command line; the run
    folder defaults to runs/MODEL, or runs/PRESET for a registered preset."""
    import zoo

    named = arguments.preset if arguments.preset in zoo.list_models() else None
    return {
        "data": arguments.data,
        "output": arguments.output or f"runs/{named or arguments.model}",
        "resume": arguments.resume,
        "strategy": arguments.strategy,
        "precision": arguments.precision,
        "jit_compile": arguments.jit,
        "seed": arguments.seed,
    }


def _train_language_model(arguments) -> int:
    from tasks import language_modeling

    overrides = _given(
        batch_size=arguments.batch_size,
        sequence_length=arguments.sequence_length,
        hidden_dim=arguments.hidden_dim,
        learning_rate=arguments.learning_rate,
    )
    language_modeling.train(
        arguments.model,
        preset=arguments.preset,
        epochs=arguments.epochs,
        level=arguments.level,
        stateless=arguments.stateless,
        **_run_options(arguments),
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
    from tasks import captioning, language_modeling, runs, text_classification
    from zoo.models import Captioner, TextClassifier

    model = runs.load_model(arguments.run_dir)
    if isinstance(model, Captioner):
        report = captioning.evaluate(
            model,
            arguments.run_dir,
            arguments.data,
            arguments.images,
            **_decoding(arguments),
        )
        captioning.print_report(report)
        print(f"written: {arguments.run_dir}/evaluation.json, captions_*.tsv")
        return 0
    _refuse(
        arguments,
        {
            "images": "--images",
            "num_beams": "--num-beams",
            "length_penalty": "--length-penalty",
            "max_length": "--max-length",
        },
        f"{type(model).__name__} runs (captioners only)",
    )
    if isinstance(model, TextClassifier):
        report = text_classification.evaluate(
            model,
            arguments.run_dir,
            arguments.data,
            column(arguments.text_column),
            column(arguments.label_column),
        )
        text_classification.print_report(report)
        print(f"written: {arguments.run_dir}/evaluation.json, confusion_matrix.png")
        return 0
    if arguments.data is None:
        raise ValueError("evaluate needs --data for a language model.")
    perplexity = language_modeling.evaluate(arguments.run_dir, arguments.data)
    print(f"perplexity: {perplexity:.2f}")
    return 0


def _predict(arguments) -> int:
    import numpy as np

    from tasks import text_classification

    classifier = text_classification.load_run(arguments.run_dir)
    texts = arguments.texts
    if texts == ["-"]:
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    probabilities = classifier.predict_proba(texts)
    for text, row in zip(texts, probabilities, strict=True):
        best = int(np.argmax(row))
        scores = "  ".join(
            f"{name}={p:.3f}" for name, p in zip(classifier.labels, row, strict=True)
        )
        print(f"{classifier.labels[best]}\t{scores}\t{text}")
    return 0


def _caption(arguments) -> int:
    from tasks import captioning

    captioner = captioning.load_run(arguments.run_dir)
    captions = captioning.caption_files(
        captioner, arguments.images, **_decoding(arguments)
    )
    for path, caption in zip(arguments.images, captions, strict=True):
        print(f"{caption}\t{path}")
    return 0


def _decoding(arguments) -> dict:
    """`Captioner.caption`'s decoding options from --num-beams, --length-penalty
    and --max-length."""
    options = _given(max_length=arguments.max_length)
    if arguments.num_beams and arguments.num_beams > 1:
        options |= {"sampler": "beam", "num_beams": arguments.num_beams}
        options |= _given(length_penalty=arguments.length_penalty)
    elif arguments.length_penalty is not None:
        raise ValueError("--length-penalty needs beam search: --num-beams 2 or more.")
    return options


def _export(arguments) -> int:
    from tasks import runs
    from tasks.export import export_language_model
    from tasks.export_captioner import export_captioner
    from tasks.export_classifier import export_text_classifier
    from zoo.models import Captioner, TextClassifier

    model = runs.load_model(arguments.run_dir)
    if not isinstance(model, Captioner) and (
        arguments.num_beams is not None or arguments.length_penalty is not None
    ):
        raise ValueError("--num-beams and --length-penalty apply to captioners.")
    if isinstance(model, Captioner):
        options = _given(
            num_beams=arguments.num_beams, length_penalty=arguments.length_penalty
        )
        path = export_captioner(model, arguments.out_dir, **options)
        signatures = "serving_default, caption"
    elif isinstance(model, TextClassifier):
        path = export_text_classifier(model, arguments.out_dir)
        signatures = "serving_default, classify"
    else:
        path = export_language_model(model, arguments.out_dir)
        signatures = "serving_default, score, step, generate"
    print(f"SavedModel written to {path} (signatures: {signatures})")
    return 0


def _given(**options) -> dict:
    """The options the user set (argparse leaves the others None)."""
    return {key: value for key, value in options.items() if value is not None}


def column(text: str | None) -> str | int | None:
    """A table column: a name, or a position (digits) in a file without header."""
    return int(text) if text is not None and text.isdigit() else text


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _holdout_fraction(text: str) -> float:
    from tasks.data.labelled_splits import check_holdout

    value = float(text)
    try:
        check_holdout(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text}")
    return value


def make_parser(extra_verbs=()) -> argparse.ArgumentParser:
    """The parser of every verb; `extra_verbs` are functions that each add a verb
    to the subparsers (the `tuning` package adds `tune`, since tasks does not
    import tuning)."""
    parser = argparse.ArgumentParser(
        prog="rnn-zoo", description="Recurrent neural network model zoo for Keras 3."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser(
        "list", help="list every registered model and preset"
    ).set_defaults(run=_list_models)

    train = verbs.add_parser(
        "train", help="train a language model, a classifier or a captioner"
    )
    train.add_argument(
        "model",
        help="a registered model, e.g. lstm_lm, bilstm_classifier or lstm_captioner",
    )
    add_data_arguments(train)
    train.add_argument(
        "--preset",
        help="a registered preset, e.g. lstm_lm_ptb_small, or a preset file that "
        "rnn-zoo tune wrote (its arguments; the other flags override them)",
    )
    train.add_argument("--epochs", type=positive_int)
    train.add_argument("--output", help="run folder (default: runs/MODEL)")
    train.add_argument(
        "--resume", action="store_true", help="continue an interrupted run"
    )
    train.add_argument("--batch-size", type=positive_int)
    train.add_argument("--sequence-length", type=positive_int)
    train.add_argument("--hidden-dim", type=positive_int)
    train.add_argument("--learning-rate", type=float)
    classifier = train.add_argument_group("classifiers")
    classifier.add_argument(
        "--test-data", help="test file or folder (default: --holdout of --data)"
    )
    classifier.add_argument(
        "--holdout",
        type=_holdout_fraction,
        metavar="FRACTION",
        help="the part of --data cut for the test split when --test-data is not "
        "given, then the part of the rest cut for validation when --valid-data is "
        "not given (default: 0.1)",
    )
    classifier.add_argument(
        "--max-length", type=positive_int, help="tokens kept of a text (default: all)"
    )
    classifier.add_argument("--pooling", choices=["last", "mean", "max", "attention"])
    classifier.add_argument(
        "--weight-averaging",
        type=float,
        metavar="MOMENTUM",
        help="validate, keep and save a moving average of the weights with this "
        "momentum, e.g. 0.999 (default: the weights as trained)",
    )
    classifier.add_argument(
        "--patience",
        type=_non_negative_int,
        help="stop after this many epochs without a better validation accuracy "
        "(classifiers) or loss (captioners), keeping the best weights; 0: never "
        "stop early (default: 3)",
    )
    captioner = train.add_argument_group("captioners")
    captioner.add_argument(
        "--injection",
        choices=["init", "pre", "par", "merge"],
        help="where the image goes in: the initial state, the first input, every "
        "input, or beside the decoder output (default: init)",
    )
    captioner.add_argument(
        "--scheduled-sampling",
        choices=["linear", "exponential", "inverse_sigmoid"],
        help="feed the decoder its own sampled word with a probability that grows "
        "along this schedule (Bengio et al. 2015) (default: teacher forcing only)",
    )
    captioner.add_argument(
        "--sampling-k",
        type=float,
        help="the schedule's k (defaults: linear 1, exponential 0.9995, inverse "
        "sigmoid 500)",
    )
    captioner.add_argument(
        "--sampling-slope",
        type=float,
        help="the linear schedule's decrease per training step (default: 1e-4)",
    )
    captioner.add_argument(
        "--sampling-minimum",
        type=float,
        help="the lowest probability of feeding the true word (default: 0)",
    )
    add_training_arguments(train)
    train.set_defaults(run=_train)

    generate = verbs.add_parser("generate", help="continue a prompt with a run's model")
    generate.add_argument("run_dir")
    generate.add_argument("--prompt", required=True)
    generate.add_argument("--length", type=positive_int, default=200)
    generate.add_argument(
        "--sampler",
        default="top_k",
        choices=["greedy", "random", "top_k", "top_p", "beam"],
    )
    generate.add_argument("--temperature", type=float)
    generate.add_argument("--k", type=positive_int)
    generate.add_argument("--p", type=float)
    generate.add_argument("--num-beams", type=positive_int)
    generate.add_argument("--seed", type=int)
    generate.set_defaults(run=_generate)

    evaluate = verbs.add_parser(
        "evaluate",
        help="a language model's perplexity on --data, a classifier's accuracy, "
        "macro F1, per-class table and confusion matrix, or a captioner's BLEU-1..4 "
        "(on --data, default: the run's test split)",
    )
    evaluate.add_argument("run_dir")
    evaluate.add_argument("--data")
    evaluate.add_argument("--images", help="captioners: the image folder of --data")
    _add_decoding_arguments(evaluate)
    evaluate.add_argument("--text-column", help="classifiers (default: the run's)")
    evaluate.add_argument("--label-column", help="classifiers (default: the run's)")
    evaluate.set_defaults(run=_evaluate)

    predict = verbs.add_parser(
        "predict", help="a classifier's label and class probabilities for texts"
    )
    predict.add_argument("run_dir")
    predict.add_argument(
        "texts", nargs="+", help="texts to classify; - reads one per line from stdin"
    )
    predict.set_defaults(run=_predict)

    caption = verbs.add_parser("caption", help="a captioner's caption for image files")
    caption.add_argument("run_dir")
    caption.add_argument("images", nargs="+", help="image files (JPEG, PNG, ...)")
    _add_decoding_arguments(caption)
    caption.set_defaults(run=_caption)

    export = verbs.add_parser(
        "export",
        help="a run's model as a TensorFlow SavedModel that serves raw text or images",
    )
    export.add_argument("run_dir")
    export.add_argument("out_dir", help="the SavedModel goes to OUT_DIR/1/")
    export.add_argument(
        "--num-beams",
        type=positive_int,
        help="captioners: beam search of this width in the graph (default: 1, greedy)",
    )
    export.add_argument(
        "--length-penalty", type=float, help="captioners' beam search (default: 0.6)"
    )
    export.set_defaults(run=_export)
    for add_verb in extra_verbs:
        add_verb(verbs)
    return parser


def add_data_arguments(parser) -> None:
    """--data and how to read it, for every kind of model (train and tune)."""
    parser.add_argument(
        "--data",
        help="language models: a text file, a PTB-layout folder or tfds:NAME, a "
        "TensorFlow Datasets text dataset such as "
        "tfds:local_text_corpus/tiny_shakespeare (offline) or tfds:tiny_shakespeare "
        "(downloads) (default: Tiny Shakespeare, shipped with rnn-zoo). "
        "Classifiers: a CSV/TSV file, a folder with a sub-folder of .txt files per "
        "class, or tfds:NAME such as tfds:imdb_reviews, tfds:glue/sst2, "
        "tfds:ag_news_subset (download) or tfds:local_labelled_texts/"
        "sentiment_sentences (offline) (default: the UCI sentiment sentences, "
        "shipped with rnn-zoo). Captioners: a folder in the Flickr8k/Flickr30k "
        "layout (a *.token.txt captions file, optional split lists) or "
        "tfds:coco_captions (downloads) (default: the generated shapes dataset)",
    )
    parser.add_argument("--level", choices=["word", "char"], help="language models")
    texts = parser.add_argument_group("classifier data")
    texts.add_argument(
        "--valid-data",
        help="validation file or folder (default: cut from --data, after the test cut)",
    )
    texts.add_argument(
        "--text-column",
        help="the text column's name (header row) or position from 0 (no header) "
        "(default: text)",
    )
    texts.add_argument(
        "--label-column",
        help="the label column's name or position, as --text-column (default: label)",
    )
    texts.add_argument(
        "--max-tokens",
        type=positive_int,
        help="vocabulary size, [UNK] included: the most frequent training words "
        "(default: 20000)",
    )
    images = parser.add_argument_group("captioner data")
    images.add_argument(
        "--images", help="the image folder of --data (default: --data itself)"
    )
    images.add_argument(
        "--image-size",
        type=positive_int,
        help="images are resized to this many pixels squared (default: 48 for the "
        "shapes data, 128 otherwise)",
    )


def add_training_arguments(parser) -> None:
    """Where and how the training runs, for every kind of model (train and tune)."""
    parser.add_argument(
        "--strategy",
        default="default",
        choices=STRATEGIES,
        help="tf.distribute strategy: one device (default), every local GPU or "
        "logical CPU (mirrored), the machines of TF_CONFIG (multi_worker), a TPU",
    )
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="start every window from zero states instead of carrying them "
        "(truncated BPTT); needed on several replicas",
    )
    parser.add_argument(
        "--precision",
        default="float32",
        choices=PRECISIONS,
        help="Keras dtype policy: mixed policies compute in 16 bits",
    )
    parser.add_argument(
        "--jit",
        action=argparse.BooleanOptionalAction,
        default="auto",
        help="compile the whole training step with XLA, or not (--no-jit); by "
        "default language models and sequence regressors of the LSTM family up to "
        "200 units use it on a CPU, where it was measured faster (their backward "
        "pass's loops compile with XLA either way)",
    )
    parser.add_argument(
        "--seed", type=int, help="fix the initial weights and dropout masks"
    )


def _add_decoding_arguments(parser) -> None:
    """Captioners' decoding: greedy, or beam search with --num-beams."""
    parser.add_argument(
        "--num-beams",
        type=positive_int,
        help="captioners: beam search of this width (default: 1, greedy)",
    )
    parser.add_argument(
        "--length-penalty",
        type=float,
        help="captioners' beam search: the GNMT length penalty's exponent "
        "(default: 0.6)",
    )
    parser.add_argument(
        "--max-length",
        type=positive_int,
        help="captioners: words per caption at most (default: the model's)",
    )


def main(argv: list[str] | None = None, extra_verbs=()) -> int:
    arguments = make_parser(extra_verbs).parse_args(argv)
    try:
        return arguments.run(arguments)
    except ValueError as error:
        print(f"rnn-zoo {arguments.verb}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Classifier quality and training time, through `tasks.text_classification.train`
(what `rnn-zoo train *_classifier` runs), on this machine's CPU (TensorFlow).

    # GLUE SST-2: train on train.tsv (its phrases), pick the epoch on 5% of it,
    # report dev.tsv accuracy.
    python benchmarks/text_classification.py sst2 --data ../shared/data/sst2 \\
        --models bilstm_classifier
    # The UCI sentiment sentences shipped with rnn-zoo: stratified 10-fold
    # cross-validation, every fold's validation split cut from its training part.
    python benchmarks/text_classification.py sentiment_cv --folds 10

Prints one table row per model: accuracy (mean and standard deviation over folds),
macro F1, epochs trained and wall time.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.model_selection import StratifiedKFold  # noqa: E402

from tasks import text_classification  # noqa: E402
from tasks.data.labelled_splits import shipped_sentiment_sentences  # noqa: E402
from tasks.options import PRECISIONS  # noqa: E402

ALL_MODELS = [
    "lstm_classifier",
    "bilstm_classifier",
    "gru_classifier",
    "peephole_classifier",
    "elman_classifier",
    "jordan_classifier",
]


def _train(model, folder, log, arguments, **data) -> dict:
    """One `train` call -> its evaluation, epochs and wall seconds."""
    start = time.perf_counter()
    with open(log, "a") as file, redirect_stdout(file):
        text_classification.train(
            model,
            output=folder,
            epochs=arguments.epochs,
            batch_size=arguments.batch_size,
            patience=arguments.patience,
            seed=arguments.seed,
            hidden_dim=arguments.hidden_dim,
            embedding_dim=arguments.embedding_dim,
            dropout=arguments.dropout,
            embedding_dropout=arguments.embedding_dropout,
            pooling=arguments.pooling,
            learning_rate=arguments.learning_rate,
            max_tokens=arguments.max_tokens,
            weight_averaging=arguments.weight_averaging,
            precision=arguments.precision,
            **data,
        )
    seconds = time.perf_counter() - start
    evaluation = json.loads((Path(folder) / "evaluation.json").read_text())
    epochs = len((Path(folder) / "history.csv").read_text().splitlines()) - 1
    return {**evaluation, "seconds": seconds, "epochs": epochs}


def sst2(model, work, arguments) -> list[dict]:
    data = Path(arguments.data)
    return [
        _train(
            model,
            work / model,
            work / "train.log",
            arguments,
            data=data / "train.tsv",
            test_data=data / "dev.tsv",
            text_column="sentence",
            label_column="label",
            holdout=0.05,
        )
    ]


def sentiment_cv(model, work, arguments) -> list[dict]:
    sentences = shipped_sentiment_sentences()
    folds = StratifiedKFold(arguments.folds, shuffle=True, random_state=0)
    results = []
    for index, (train, test) in enumerate(
        folds.split(sentences.texts, sentences.labels)
    ):
        files = {}
        for name, rows in (("train", train), ("test", test)):
            files[name] = work / f"fold{index}_{name}.tsv"
            files[name].write_text(
                "text\tlabel\n"
                + "".join(
                    f"{sentences.texts[i]}\t{sentences.labels[i]}\n" for i in rows
                )
            )
        results.append(
            _train(
                model,
                work / f"{model}_fold{index}",
                work / "train.log",
                arguments,
                data=files["train"],
                test_data=files["test"],
            )
        )
        print(f"  {model} fold {index}: {results[-1]['accuracy']:.4f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task", choices=["sst2", "sentiment_cv"])
    parser.add_argument("--data", default="../shared/data/sst2")
    parser.add_argument("--models", nargs="+", default=ALL_MODELS)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--hidden-dim", type=int, default=128)
    parser.add_argument("--embedding-dim", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--embedding-dropout", type=float, default=0.0)
    parser.add_argument("--max-tokens", type=int, default=20000)
    parser.add_argument("--pooling", default="max")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--weight-averaging", type=float, help="e.g. 0.999")
    parser.add_argument("--precision", default="float32", choices=PRECISIONS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", help="folder for runs and logs (default: temporary)")
    arguments = parser.parse_args()
    work = Path(arguments.work or tempfile.mkdtemp(prefix="rnn_zoo_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{arguments}\nruns and the training log under {work}", flush=True)
    run = sst2 if arguments.task == "sst2" else sentiment_cv
    rows = []
    for model in arguments.models:
        results = run(model, work, arguments)
        accuracies = [r["accuracy"] for r in results]
        spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        rows.append(
            f"| {model} | {statistics.mean(accuracies):.4f} ± {spread:.4f} | "
            f"{statistics.mean(r['macro_f1'] for r in results):.4f} | "
            f"{'/'.join(str(r['epochs']) for r in results)} | "
            f"{sum(r['seconds'] for r in results):.0f} |"
        )
        print(rows[-1], flush=True)
    print("\n| model | accuracy (mean ± sd) | macro F1 | epochs | wall s |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

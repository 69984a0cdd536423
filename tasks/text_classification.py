"""Text classification end to end: labelled texts -> a word vocabulary fitted on
the training texts -> a classifier trained on length-bucketed batches -> test
accuracy, macro F1, a per-class table and a confusion matrix, in one run folder.

The run folder (`tasks.runs`) also holds `best.weights.h5` (the best validation
accuracy's weights, which `model.keras` ends with), `learning_curve.png`
(accuracy per epoch), `evaluation.json` (the test figures) and
`confusion_matrix.png`. The
vocabulary and the label names are inside `model.keras`.
"""

from pathlib import Path

import keras
import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

import zoo
from tasks import runs, training
from tasks.data.labelled_splits import load_splits, read_labelled
from tasks.data.labelled_texts import LabelledTexts, label_ids
from tasks.model_choice import model_to_build
from tasks.plots import plot_confusion_matrix, plot_learning_curve
from zoo.data.length_buckets import LengthBuckets
from zoo.models import TextClassifier
from zoo.models.text_classifier import check_weight_averaging
from zoo.preset_files import is_preset_file
from zoo.vocabulary import Vocabulary


def train(
    model: str = "lstm_classifier",
    data=None,
    valid_data=None,
    test_data=None,
    text_column: str | int = "text",
    label_column: str | int = "label",
    epochs: int = 10,
    batch_size: int = 32,
    output="runs/lstm_classifier",
    resume: bool = False,
    strategy: str = "default",
    precision: str = "float32",
    jit_compile: bool | str = "auto",
    seed: int | None = None,
    max_tokens: int = 20000,
    holdout: float = 0.1,
    patience: int | None = 3,
    preset: str | None = None,
    **overrides,
) -> Path:
    """Trains a text classifier and returns its run folder.

    `model` names a registered classifier (`lstm_classifier`, `bilstm_classifier`,
    ...); `preset` a preset file of it (`rnn-zoo tune` writes one) whose
    arguments it takes, `overrides` over them. `data` is a CSV/TSV file, a
    folder of class folders or `tfds:NAME`
    (default: the UCI sentiment sentences shipped with rnn-zoo); `valid_data`
    and `test_data` are files or folders for those splits, which are otherwise
    cut from the training data: the test split `holdout` of it, the validation
    split `holdout` of the rest (`tasks.data.labelled_splits`). The vocabulary
    has `max_tokens` entries: the most frequent training words and `[UNK]`.
    Training stops when validation accuracy has not improved for `patience`
    epochs (None: never) and keeps the best epoch's weights (`best.weights.h5`;
    a resumed run compares with the epochs before it too). `strategy`,
    `precision`, `jit_compile` and `seed` as in `tasks.language_modeling.train`;
    `overrides` are model arguments (`hidden_dim`, `pooling`, `max_length`, ...).
    Every check on the arguments and the data runs before the model is built.
    """
    name = model_to_build(model, preset, TextClassifier, "a text classifier")
    check_classifier(overrides)
    if epochs < 1 or batch_size < 1:
        raise ValueError(
            f"epochs and batch_size must be positive; got {epochs}, {batch_size}."
        )
    data_options = {
        "data": runs.absolute(data),
        "valid_data": runs.absolute(valid_data),
        "test_data": runs.absolute(test_data),
        "text_column": text_column,
        "label_column": label_column,
        "holdout": holdout,
    }
    asked = {
        "model": model,
        "preset": runs.absolute(preset) if is_preset_file(preset) else preset,
        **data_options,
        "max_tokens": max_tokens,
        "options": overrides,
        "epochs": epochs,
        "batch_size": batch_size,
        "patience": patience,
        "strategy": strategy,
        "precision": precision,
        "jit_compile": jit_compile,
        "seed": seed,
    }
    output = runs.prepare_output(output, resume, asked)
    distribution = training.get_strategy(strategy)
    splits = load_splits(**data_options)
    vocabulary = Vocabulary.from_texts(splits.train.texts, max_tokens=max_tokens)

    if seed is not None:
        keras.utils.set_random_seed(seed)
    with training.precision(precision), distribution.scope():
        classifier = zoo.build(
            name, vocabulary=vocabulary, labels=splits.label_names, **overrides
        )
        training.compile_for_training(classifier, distribution, jit_compile)
    train_batches, valid_batches = length_batches(classifier, splits, batch_size, seed)
    runs.make_run_folder(
        output,
        {
            **asked,
            "classes": splits.label_names,
            "examples": {
                split: len(getattr(splits, split).texts)
                for split in ("train", "valid", "test")
            },
            "vocabulary_size": len(vocabulary),
            "replicas": distribution.num_replicas_in_sync,
        },
    )
    callbacks = [
        *runs.run_callbacks(output, resume),
        *runs.averaged_weights_callbacks(classifier),
        *runs.keep_best_callbacks(output, "val_accuracy", "max", resume, patience),
    ]
    classifier.fit(
        train_batches,
        epochs=epochs,
        validation_data=valid_batches,
        **train_batches.fit_arguments(callbacks),
    )
    classifier.load_weights(output / "best.weights.h5")
    classifier.save(output / "model.keras")
    plot_learning_curve(
        output / "history.csv",
        output / "learning_curve.png",
        metric="accuracy",
        log_scale=False,
    )
    report = evaluate_texts(classifier, splits.test, output)
    print_report(report)
    return output


def length_batches(
    classifier: TextClassifier, splits, batch_size: int, seed: int | None
) -> tuple[LengthBuckets, LengthBuckets]:
    """The training (shuffled each epoch) and validation batches of `splits`,
    bucketed by length."""
    return tuple(
        LengthBuckets(
            classifier.token_ids(getattr(splits, split).texts),
            splits.ids(split),
            batch_size=batch_size,
            shuffle=split == "train",
            seed=seed or 0,
        )
        for split in ("train", "valid")
    )


def load_run(run_dir) -> TextClassifier:
    """The trained classifier of a run folder."""
    return runs.load_model(run_dir, TextClassifier, "a text classifier")


def evaluate(
    classifier: TextClassifier,
    run_dir,
    data=None,
    text_column=None,
    label_column=None,
) -> dict:
    """The test figures of a run's classifier (`load_run(run_dir)`; see
    `evaluate_texts`) on `data` (a file or folder; columns default to the run's),
    or on the run's own test split when `data` is None. Writes them into the run
    folder."""
    run = runs.read_run(run_dir)
    text_column = run["text_column"] if text_column is None else text_column
    label_column = run["label_column"] if label_column is None else label_column
    if data is None:
        keys = ("data", "valid_data", "test_data", "holdout")
        options = {k: run[k] for k in keys}
        test = load_splits(
            **options, text_column=text_column, label_column=label_column
        ).test
    else:
        test = read_labelled(data, text_column, label_column)
    return evaluate_texts(classifier, test, Path(run_dir))


def evaluate_texts(
    classifier: TextClassifier, test: LabelledTexts, folder: Path
) -> dict:
    """Accuracy, macro F1, per-class precision / recall / F1 / support and the
    confusion matrix (rows: true class) of `classifier` on `test`; written to
    `folder/evaluation.json` and `folder/confusion_matrix.png`."""
    names = classifier.labels
    true = np.array(label_ids(test.labels, names))
    predicted = np.argmax(classifier.predict_proba(test.texts), axis=-1)
    classes = list(range(len(names)))
    precision, recall, f1, support = precision_recall_fscore_support(
        true, predicted, labels=classes, zero_division=0
    )
    matrix = confusion_matrix(true, predicted, labels=classes)
    report = {
        "examples": len(true),
        "accuracy": float(np.mean(true == predicted)),
        "macro_f1": float(np.mean(f1)),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(names)
        },
        "confusion_matrix": matrix.tolist(),
    }
    runs.write_json(folder / "evaluation.json", report)
    plot_confusion_matrix(matrix, names, folder / "confusion_matrix.png")
    return report


def print_report(report: dict) -> None:
    """The per-class table, accuracy and macro F1."""
    width = max(12, *map(len, report["per_class"]))
    print(f"{'class':<{width}} precision  recall      f1  support")
    for name, row in report["per_class"].items():
        print(
            f"{name:<{width}} {row['precision']:9.3f} {row['recall']:7.3f} "
            f"{row['f1']:7.3f} {row['support']:8d}"
        )
    print(f"accuracy: {report['accuracy']:.4f} ({report['examples']} texts)")
    print(f"macro F1: {report['macro_f1']:.4f}")


def check_classifier(overrides: dict) -> None:
    check_weight_averaging(overrides.get("weight_averaging"))
    if overrides.get("multi_label"):
        raise ValueError(
            "Training from labelled files takes one label per text; build a "
            "multi_label TextClassifier in Python and fit it on multi-hot labels."
        )

"""Image captioning end to end: captioned images -> a caption vocabulary fitted on
the training captions -> a captioner trained with teacher forcing (optionally
scheduled sampling) -> BLEU-1..4 (and exact-attribute accuracy on the shapes
data) on the test split, in one run folder.

The run folder (`tasks.runs`) also holds `best.weights.h5` (the epoch with the
lowest validation loss, which `model.keras` ends with), `learning_curve.png`,
`evaluation.json` and `captions_SPLIT.tsv` (every generated caption beside its
first reference).
"""

import csv
from pathlib import Path

import keras

import zoo
from tasks import runs, training
from tasks.caption_metrics import attribute_accuracy, bleu_scores
from tasks.data.caption_batches import CaptionBatches
from tasks.data.caption_sources import load_captioned_images
from tasks.data.captioned_images import CaptionedImages
from tasks.data.images import load_images
from tasks.model_choice import model_to_build
from tasks.plots import plot_learning_curve
from zoo.models import Captioner, caption_vocabulary
from zoo.models.captioning import INJECTIONS
from zoo.models.captioning.image_encoder import check_backbone
from zoo.models.captioning.scheduled_sampling import check_schedule
from zoo.preset_files import is_preset_file

SHAPES_IMAGE_SIZE, PHOTO_IMAGE_SIZE = 48, 128


def train(
    model: str = "lstm_captioner",
    data=None,
    images=None,
    epochs: int = 10,
    batch_size: int = 64,
    output="runs/lstm_captioner",
    resume: bool = False,
    strategy: str = "default",
    precision: str = "float32",
    jit_compile: bool | str = "auto",
    seed: int | None = None,
    image_size: int | None = None,
    max_tokens: int | None = None,
    patience: int | None = 3,
    preset: str | None = None,
    **overrides,
) -> Path:
    """Trains a captioner and returns its run folder.

    `model` names a registered captioner (`lstm_captioner`, `gru_captioner`, ...);
    `preset` a preset file of it (`rnn-zoo tune` writes one) whose arguments it
    takes, `overrides` over them.
    `data`: None (the generated shapes dataset), a Flickr8k/Flickr30k-layout
    folder with `images` its image folder, or `tfds:coco_captions`
    (`tasks.data.caption_sources`). Images are resized to `image_size` squared
    (default 48 for shapes, 128 otherwise). The vocabulary holds every training
    word, or the `max_tokens` most frequent entries. Training stops when the
    validation loss has not improved for `patience` epochs (None: never) and
    keeps the best epoch's weights. `overrides` are model arguments
    (`injection`, `scheduled_sampling`, `hidden_dim`, ...). `strategy`,
    `precision`, `jit_compile`, `seed` as in `tasks.language_modeling.train`.
    Every check on the arguments and the data runs before the model is built.
    """
    name = model_to_build(model, preset, Captioner, "a captioner")
    check_captioner(name, overrides, max_tokens)
    if epochs < 1 or batch_size < 1:
        raise ValueError(
            f"epochs and batch_size must be positive; got {epochs}, {batch_size}."
        )
    if image_size is None:
        image_size = default_image_size(data)
    data_options = {
        "data": runs.absolute(data),
        "images": runs.absolute(images),
        "image_size": image_size,
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
    train_captions = [c for captions in splits["train"].captions for c in captions]
    vocabulary = caption_vocabulary(train_captions, max_tokens)

    if seed is not None:
        keras.utils.set_random_seed(seed)
    with training.precision(precision), distribution.scope():
        captioner = zoo.build(
            name,
            vocabulary=vocabulary,
            image_shape=(image_size, image_size, 3),
            **overrides,
        )
        training.compile_for_training(captioner, distribution, jit_compile)
    train_batches, valid_batches = caption_batches(captioner, splits, batch_size, seed)
    runs.make_run_folder(
        output,
        {
            **asked,
            "images_per_split": {name: len(split) for name, split in splits.items()},
            "vocabulary_size": len(vocabulary),
            "replicas": distribution.num_replicas_in_sync,
        },
    )
    callbacks = [
        *runs.run_callbacks(output, resume),
        *runs.keep_best_callbacks(output, "val_loss", "min", resume, patience),
    ]
    captioner.fit(
        train_batches,
        epochs=epochs,
        validation_data=valid_batches,
        **train_batches.fit_arguments(callbacks),
    )
    captioner.load_weights(output / "best.weights.h5")
    captioner.save(output / "model.keras")
    plot_learning_curve(
        output / "history.csv", output / "learning_curve.png", metric="loss"
    )
    report = evaluate_splits(captioner, _held_out(splits), output)
    print_report(report)
    return output


def default_image_size(data) -> int:
    """The side images are resized to when not given: 48 for the generated
    shapes (`data` None), 128 for photographs."""
    return SHAPES_IMAGE_SIZE if data is None else PHOTO_IMAGE_SIZE


def caption_batches(
    captioner: Captioner, splits: dict, batch_size: int, seed: int | None
) -> tuple[CaptionBatches, CaptionBatches]:
    """The training (shuffled each epoch) and validation teacher-forcing batches
    of `splits`."""
    return tuple(
        CaptionBatches(
            captioner,
            splits[split],
            batch_size=batch_size,
            shuffle=split == "train",
            seed=seed or 0,
        )
        for split in ("train", "valid")
    )


def load_splits(
    data=None, images=None, image_size=SHAPES_IMAGE_SIZE, splits=None
) -> dict:
    """The splits a run trains and evaluates on, from what run.json records (only
    `splits` when given)."""
    shape = (image_size, image_size, 3)
    return load_captioned_images(data, images, shape, splits=splits)


def _held_out(splits: dict) -> dict:
    """The splits a run is evaluated on: test, and the shapes' unseen split."""
    return {k: v for k, v in splits.items() if k not in ("train", "valid")}


def load_run(run_dir) -> Captioner:
    """The trained captioner of a run folder."""
    return runs.load_model(run_dir, Captioner, "a captioner")


def evaluate(captioner: Captioner, run_dir, data=None, images=None, **decoding) -> dict:
    """`evaluate_splits` on the run's own test splits (and the shapes' unseen
    split), or on every split of `data` when given; `decoding`: `sampler`,
    `num_beams`, `length_penalty`, `max_length` of `Captioner.caption`."""
    run = runs.read_run(run_dir)
    image_size = run["image_size"]
    if data is None:
        held_out = ("test", "unseen")
        splits = load_splits(run["data"], run["images"], image_size, held_out)
    else:
        splits = load_splits(data, images, image_size)
    return evaluate_splits(captioner, splits, Path(run_dir), **decoding)


def evaluate_splits(
    captioner: Captioner,
    splits: dict[str, CaptionedImages],
    folder: Path,
    **decoding,
) -> dict:
    """BLEU-1..4 of every split (and exact-attribute accuracy where the split
    knows its shapes); written to folder/evaluation.json, the captions to
    folder/captions_SPLIT.tsv."""
    report = {"decoding": decoding or {"sampler": "greedy"}}
    for name, split in splits.items():
        hypotheses = captioner.caption(split.images, **decoding)
        scores = {"images": len(split), **bleu_scores(split.captions, hypotheses)}
        if all(split.shapes):
            scores["attribute_accuracy"] = attribute_accuracy(split.shapes, hypotheses)
        report[name] = scores
        path = folder / f"captions_{name}.tsv"
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, delimiter="\t")
            writer.writerow(["index", "caption", "reference"])
            for index, (caption, references) in enumerate(
                zip(hypotheses, split.captions, strict=True)
            ):
                writer.writerow([index, caption, references[0]])
    runs.write_json(folder / "evaluation.json", report)
    return report


def print_report(report: dict) -> None:
    """One line of scores per split."""
    for name, scores in report.items():
        if name == "decoding":
            continue
        figures = "  ".join(
            f"{key}={value:.4f}" for key, value in scores.items() if key != "images"
        )
        print(f"{name} ({scores['images']} images): {figures}")


def caption_files(captioner: Captioner, paths, **decoding) -> list[str]:
    """Image files -> one caption each (resized as training resized them)."""
    if captioner.input_dim is not None:
        raise ValueError(
            f"{captioner.name!r} takes feature vectors of size {captioner.input_dim}, "
            "not image files."
        )
    return captioner.caption(load_images(paths, captioner.image_shape), **decoding)


def check_captioner(name: str, overrides: dict, max_tokens) -> None:
    """The errors of the arguments of `name` (a registered captioner or preset
    file) with `overrides`, before any image is read."""
    for argument in ("vocabulary", "image_shape", "input_dim"):
        if argument in overrides:
            raise ValueError(
                f"{argument} is set from the data; do not pass {argument}=... "
                "(a captioner of precomputed features trains in Python: "
                "Captioner.fit)."
            )
    arguments = {**zoo.get(name).defaults, **overrides}
    injection = arguments.get("injection", "init")
    if injection not in INJECTIONS:
        raise ValueError(f"injection must be one of {INJECTIONS}; got {injection!r}.")
    sampling = {
        key: arguments[key]
        for key in ("sampling_k", "sampling_slope", "sampling_minimum")
        if key in arguments
    }
    schedule = arguments.get("scheduled_sampling")
    if schedule is None and sampling:
        raise ValueError(
            f"{', '.join(sampling)} (--sampling-*) apply only with scheduled "
            "sampling; give a schedule with scheduled_sampling=... "
            "(--scheduled-sampling)."
        )
    if schedule is not None:
        check_schedule(
            schedule,
            sampling.get("sampling_k"),
            sampling.get("sampling_slope", 1e-4),
            sampling.get("sampling_minimum", 0.0),
        )
    if arguments.get("backbone") is not None:
        check_backbone(arguments["backbone"], arguments.get("backbone_options"))
    if max_tokens is not None and max_tokens < 5:
        raise ValueError(
            f"max_tokens must be at least 5 (<pad>, <start>, <end>, [UNK] and a "
            f"word); got {max_tokens}."
        )

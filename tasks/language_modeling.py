"""Language modelling end to end: corpus -> truncated-BPTT fit -> test perplexity,
a sample, and a saved model in one run folder.

The run folder (`tasks.runs`) also holds `vocabulary.json`, `learning_curve.png`
and `results.json` (test perplexity and the sample).
"""

from pathlib import Path

import keras

import zoo
from tasks import runs, training
from tasks.data.batching import tbptt_windows
from tasks.data.corpus import load_corpus, shipped_corpus_path
from tasks.model_choice import model_to_build
from tasks.plots import plot_learning_curve
from zoo.layers import reset_states
from zoo.models import LanguageModel
from zoo.models.language_model_presets import CHARACTER_PRESETS
from zoo.preset_files import is_preset_file, preset_notes

DEFAULT_PRESET = "lstm_lm_shakespeare_char"


def train(
    model: str = "lstm_lm",
    data=None,
    preset: str | None = None,
    epochs: int | None = None,
    output="runs/lstm_lm",
    resume: bool = False,
    level: str | None = None,
    sample_length: int = 300,
    strategy: str = "default",
    stateless: bool = False,
    precision: str = "float32",
    jit_compile: bool | str = "auto",
    seed: int | None = None,
    **overrides,
) -> Path:
    """Trains a language model and returns its run folder.

    `model` names a registered language model (`lstm_lm`, `gru_lm`, ...);
    `preset` a registered preset whose recipe it takes, or a preset file
    (`rnn-zoo tune` writes one) (default: the character-level Tiny Shakespeare
    preset when no data is given and `model` is lstm_lm). `data` is a
    corpus path (see `tasks.data.corpus`), default the shipped Tiny Shakespeare.
    `level` ("word" or "char") defaults to `default_level(data, preset)`.
    `overrides` replace model/recipe arguments.

    `strategy` is a name from `tasks.training.STRATEGIES`; the model trains on
    truncated-BPTT windows whose states carry over from batch to batch, except
    with `stateless` (every window starts from zero states), which several
    replicas need. `precision` is a `tasks.training.PRECISIONS` policy;
    `jit_compile` True or False forces XLA on or off, "auto" lets the model
    choose (`tasks.training.compile_for_training`). `seed` fixes the initial weights
    and the dropout masks (`keras.utils.set_random_seed`). Every check on the
    arguments and the data runs before the model is built.
    """
    preset = _resolve_preset(model, preset, data)
    if level is None:
        level = default_level(data, preset)
    if data is None:
        data = shipped_corpus_path()
    name = preset or model
    asked = {
        "model": name,
        "data": str(data),
        "level": level,
        "strategy": strategy,
        "stateless": stateless,
        "precision": precision,
        "jit_compile": jit_compile,
        "seed": seed,
        "options": overrides,
    }
    output = runs.prepare_output(output, resume, asked)
    distribution = training.get_strategy(strategy)
    corpus = load_corpus(data, level=level)

    if seed is not None:
        keras.utils.set_random_seed(seed)
    with training.precision(precision), distribution.scope():
        lm = zoo.build(
            name, vocabulary=corpus.vocabulary, **overrides, stateful=not stateless
        )
        training.compile_for_training(lm, distribution, jit_compile)
    windows = split_windows(lm, corpus)
    epochs = epochs or lm.epochs

    runs.make_run_folder(
        output, {**asked, "replicas": distribution.num_replicas_in_sync}
    )
    runs.write_json(output / "vocabulary.json", corpus.vocabulary.get_config())
    fit_windows(lm, windows, runs.run_callbacks(output, resume), epochs=epochs)
    lm.save(output / "model.keras")
    plot_learning_curve(output / "history.csv", output / "learning_curve.png")

    test_perplexity = evaluate_windows(lm, *windows["test"])
    print(f"test perplexity: {test_perplexity:.2f}")
    prompt = corpus.vocabulary.decode(corpus.test[:8])
    sample = lm.generate(
        prompt, len(corpus.test[:8]) + sample_length, sampler="top_k", k=5, seed=0
    )
    print(f"sample:\n{sample}")
    runs.write_json(
        output / "results.json",
        {"test_perplexity": test_perplexity, "epochs": epochs, "sample": sample},
    )
    return output


def default_level(data, model: str | None) -> str:
    """The level a preset file's search used (`rnn-zoo tune` records it); else
    "char" for the shipped Tiny Shakespeare (`data` None) and the character
    presets, and "word" otherwise."""
    if is_preset_file(model) and "level" in preset_notes(model):
        return preset_notes(model)["level"]
    return "char" if data is None or model in CHARACTER_PRESETS else "word"


def split_windows(lm: LanguageModel, corpus) -> dict:
    """Every split of `corpus` as the (inputs, targets) truncated-BPTT windows of
    `lm`'s batch size and sequence length."""
    return {
        split: tbptt_windows(getattr(corpus, split), lm.batch_size, lm.sequence_length)
        for split in ("train", "valid", "test")
    }


def fit_windows(lm: LanguageModel, windows: dict, callbacks, **fit_options):
    """`lm.fit` on the training windows in order (states carry over), validated on
    the validation windows, with the recipe's callbacks before `callbacks`;
    `fit_options`: `epochs`, `initial_epoch`, `verbose`."""
    (inputs, targets), validation = windows["train"], windows["valid"]
    return lm.fit(
        inputs,
        targets,
        batch_size=lm.batch_size,
        shuffle=False,
        validation_data=validation,
        callbacks=[*lm.recipe_callbacks(), *callbacks],
        **fit_options,
    )


def evaluate_windows(lm: LanguageModel, inputs, targets) -> float:
    """Perplexity over TBPTT windows, states carried from window to window."""
    reset_states(lm)
    results = lm.evaluate(
        inputs, targets, batch_size=lm.batch_size, return_dict=True, verbose=0
    )
    return float(results["perplexity"])


def load_run(run_dir) -> LanguageModel:
    """The trained language model of a run folder."""
    return runs.load_model(run_dir, LanguageModel, "a language model")


def evaluate(run_dir, data) -> float:
    """Perplexity of a run's model on `data`: the test split of a corpus folder or
    TFDS dataset, or the whole of a single file, encoded with the model's
    vocabulary."""
    lm = load_run(run_dir)
    corpus = load_corpus(data, vocabulary=lm.vocabulary)
    whole_file = Path(data).is_file()
    stream = corpus.train + corpus.valid + corpus.test if whole_file else corpus.test
    inputs, targets = tbptt_windows(stream, lm.batch_size, lm.sequence_length)
    return evaluate_windows(lm, inputs, targets)


def _resolve_preset(model: str, preset: str | None, data) -> str | None:
    if model_to_build(model, preset, LanguageModel, "a language model") != model:
        return preset
    if data is None and model == "lstm_lm":
        return DEFAULT_PRESET
    return None

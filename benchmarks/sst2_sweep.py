"""Which classifier settings reach what dev accuracy on GLUE SST-2: every
configuration trains on train.tsv and reports dev.tsv accuracy after each epoch
(an exploration of settings, not the benchmark protocol: the dev split is looked at
every epoch). Backend-agnostic (it runs on JAX GPU hosts without TensorFlow).

    KERAS_BACKEND=jax python benchmarks/sst2_sweep.py --data ../shared/data/sst2
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import zoo  # noqa: E402
from tasks.data.labelled_splits import stratified_cut  # noqa: E402
from tasks.data.labelled_texts import label_ids, label_names, read_table  # noqa: E402
from tasks.runs import averaged_weights_callbacks  # noqa: E402
from zoo.data.length_buckets import LengthBuckets  # noqa: E402
from zoo.vocabulary import Vocabulary  # noqa: E402

BASE = dict(
    name="bilstm_classifier", embedding_dim=128, hidden_dim=128, pooling="max",
    dropout=0.5, learning_rate=1e-3, batch_size=64,
)  # fmt: skip
# The recipe of BENCHMARKS.md: 10,000 vocabulary entries, embedding 300, 300 units
# per direction, weight averaging 0.999.
RECIPE_10K = dict(max_tokens=10000, embedding_dim=300, hidden_dim=300, ema=0.999)
# Changes to that recipe, and the seeds each ran with.
RECIPE_CHANGES = {
    # What `rnn-zoo train` trains on when it cuts its validation split (5%,
    # stratified, seed 0) from train.tsv.
    "95% of train.tsv": (dict(holdout=0.05), range(5)),
    # Variational dropout on each cell's input (`dropout`) and on h_{t-1}
    # (`recurrent_dropout`).
    "recurrent dropout 0.25": (dict(recurrent_dropout=0.25), range(3)),
    "input dropout 0.3": (dict(cell_options={"dropout": 0.3}), range(3)),
    "input dropout 0.3, recurrent dropout 0.25": (
        dict(recurrent_dropout=0.25, cell_options={"dropout": 0.3}),
        range(3),
    ),
}
CONFIGURATIONS = {
    "base": {},
    "last pooling": dict(pooling="last"),
    "mean pooling": dict(pooling="mean"),
    "attention pooling": dict(pooling="attention"),
    "word dropout 0.2": dict(embedding_dropout=0.2),
    "2 layers": dict(num_layers=2),
    "300/300": dict(embedding_dim=300, hidden_dim=300),
    "lr 3e-4": dict(learning_rate=3e-4),
    "batch 256": dict(batch_size=256),
    "gru": dict(cell="gru"),
    "300/300, seed 1": dict(embedding_dim=300, hidden_dim=300, seed=1),
    "300/300, seed 2": dict(embedding_dim=300, hidden_dim=300, seed=2),
    "300/512": dict(embedding_dim=300, hidden_dim=512),
    "512/512": dict(embedding_dim=512, hidden_dim=512),
    "300/300, gru": dict(embedding_dim=300, hidden_dim=300, cell="gru"),
    "300/300, word dropout 0.1": dict(
        embedding_dim=300, hidden_dim=300, embedding_dropout=0.1
    ),
    # Weight averaging: Adam's exponential moving average of the weights
    # (use_ema), swapped in for every evaluation (keras.callbacks.SwapEMAWeights).
    "base, EMA 0.999": dict(ema=0.999),
    "300/300, EMA 0.999": dict(embedding_dim=300, hidden_dim=300, ema=0.999),
    "300/300, EMA 0.999, seed 1": dict(
        embedding_dim=300, hidden_dim=300, ema=0.999, seed=1
    ),
    "300/300, EMA 0.9995, seed 2": dict(
        embedding_dim=300, hidden_dim=300, ema=0.9995, seed=2
    ),
    "gru 300/300, EMA 0.999": dict(
        embedding_dim=300, hidden_dim=300, cell="gru", ema=0.999
    ),
    # A vocabulary of 10,000 entries, so that [UNK] occurs (and is trained) in
    # train.tsv: the rarest training words map to it, as dev's unseen words will.
    **{
        f"10k, 300/300, EMA 0.999, seed {seed}": RECIPE_10K | {"seed": seed}
        for seed in range(10)
    },
    **{
        f"10k, 300/300, seed {seed}": dict(
            max_tokens=10000, embedding_dim=300, hidden_dim=300, seed=seed
        )
        for seed in range(2)
    },
    "10k, 300/300, EMA 0.9995": dict(
        max_tokens=10000, embedding_dim=300, hidden_dim=300, ema=0.9995
    ),
    "10k, gru 300/300, EMA 0.999": dict(
        max_tokens=10000, embedding_dim=300, hidden_dim=300, cell="gru", ema=0.999
    ),
    "10k, EMA 0.999": dict(max_tokens=10000, ema=0.999),
    # The learning rate decayed to zero over the run
    # (keras.optimizers.schedules.CosineDecay), with and without EMA.
    **{
        f"10k, 300/300, cosine{', EMA 0.999' if ema else ''}, seed {seed}": dict(
            max_tokens=10000,
            embedding_dim=300,
            hidden_dim=300,
            cosine=True,
            seed=seed,
            **({"ema": ema} if ema else {}),
        )
        for ema in (None, 0.999)
        for seed in range(3)
    },
    **{
        f"10k, 300/300, EMA 0.999, {title}, seed {seed}": RECIPE_10K
        | {"seed": seed}
        | change
        for title, (change, seeds) in RECIPE_CHANGES.items()
        for seed in seeds
    },
}


class DevAccuracy(keras.callbacks.Callback):
    """Prints a JSON line after every epoch: the dev accuracy of the model's weights
    after each epoch so far, the seconds since the fit began and, with
    `print_probabilities`, this epoch's dev probabilities of class 1 (for ensembles of
    runs). A run cut short still leaves the epochs it finished."""

    def __init__(self, title, texts, ids, print_probabilities):
        super().__init__()
        self.title, self.texts, self.ids = title, texts, ids
        self.print_probabilities, self.accuracies = print_probabilities, []
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        probabilities = self.model.predict_proba(self.texts, 256)
        accuracy = np.mean(np.argmax(probabilities, axis=-1) == self.ids)
        self.accuracies.append(round(float(accuracy), 4))
        result = {
            "configuration": self.title,
            "seconds": round(time.perf_counter() - self.start),
            "dev_accuracy_per_epoch": self.accuracies,
        }
        if self.print_probabilities:
            positive = probabilities[:, 1]
            result["dev_probabilities"] = [round(float(p), 4) for p in positive]
        print(json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data/sst2")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="configuration names")
    parser.add_argument(
        "--probabilities", action="store_true",
        help="also print each epoch's dev probabilities of class 1",
    )  # fmt: skip
    arguments = parser.parse_args()
    data = Path(arguments.data)
    train = read_table(data / "train.tsv", "sentence", "label")
    dev = read_table(data / "dev.tsv", "sentence", "label")
    names = label_names(train.labels)
    for title, change in CONFIGURATIONS.items():
        if arguments.only and title not in arguments.only:
            continue
        options = {**BASE, **change}
        batch_size = options.pop("batch_size")
        ema, cosine = options.pop("ema", None), options.pop("cosine", False)
        if not cosine:
            options["weight_averaging"] = ema
        kept = train
        if "holdout" in options:
            kept, _ = stratified_cut(train, options.pop("holdout"), 0, "valid")
        vocabulary = Vocabulary.from_texts(
            kept.texts, max_tokens=options.pop("max_tokens", 20000)
        )
        seed = options.pop("seed", 0)
        keras.utils.set_random_seed(seed)
        model = zoo.build(
            options.pop("name"), vocabulary=vocabulary, labels=names, **options
        )
        batches = LengthBuckets(
            model.token_ids(kept.texts),
            label_ids(kept.labels, names),
            batch_size=batch_size,
            shuffle=True,
            seed=seed,
        )
        if not cosine:
            model.compile()
        else:
            averaging = {} if ema is None else dict(use_ema=True, ema_momentum=ema)
            model.compile(
                optimizer=keras.optimizers.Adam(
                    keras.optimizers.schedules.CosineDecay(
                        model.learning_rate,
                        decay_steps=arguments.epochs * len(batches),
                    ),
                    global_clipnorm=model.global_clipnorm,
                    **averaging,
                )
            )
        dev_accuracy = DevAccuracy(
            title,
            dev.texts,
            np.array(label_ids(dev.labels, names)),
            arguments.probabilities,
        )
        # As rnn-zoo train fits: dev accuracy measured on the average, if any.
        callbacks = [*averaged_weights_callbacks(model), dev_accuracy]
        model.fit(
            batches,
            epochs=arguments.epochs,
            verbose=0,
            **batches.fit_arguments(callbacks),
        )


if __name__ == "__main__":
    main()

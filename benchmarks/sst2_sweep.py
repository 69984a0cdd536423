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
from tasks.data.labelled_texts import label_ids, label_names, read_table  # noqa: E402
from zoo.data.length_buckets import LengthBuckets  # noqa: E402
from zoo.vocabulary import Vocabulary  # noqa: E402

BASE = dict(
    name="bilstm_classifier", embedding_dim=128, hidden_dim=128, pooling="max",
    dropout=0.5, learning_rate=1e-3, batch_size=64,
)  # fmt: skip
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
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data/sst2")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="configuration names")
    arguments = parser.parse_args()
    data = Path(arguments.data)
    train = read_table(data / "train.tsv", "sentence", "label")
    dev = read_table(data / "dev.tsv", "sentence", "label")
    names = label_names(train.labels)
    vocabulary = Vocabulary.from_texts(train.texts, max_tokens=20000)
    for title, change in CONFIGURATIONS.items():
        if arguments.only and title not in arguments.only:
            continue
        options = {**BASE, **change}
        batch_size = options.pop("batch_size")
        keras.utils.set_random_seed(options.pop("seed", 0))
        model = zoo.build(
            options.pop("name"), vocabulary=vocabulary, labels=names, **options
        )
        model.compile()
        batches = LengthBuckets(
            model.token_ids(train.texts),
            label_ids(train.labels, names),
            batch_size=batch_size,
            shuffle=True,
        )
        dev_ids = np.array(label_ids(dev.labels, names))
        accuracies, start = [], time.perf_counter()
        for _ in range(arguments.epochs):
            model.fit(batches, epochs=1, verbose=0)
            predicted = np.argmax(model.predict_proba(dev.texts, 256), axis=-1)
            accuracies.append(round(float(np.mean(predicted == dev_ids)), 4))
        seconds = time.perf_counter() - start
        print(json.dumps({"configuration": title, "dev_accuracy_per_epoch": accuracies,
                          "seconds": round(seconds)}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

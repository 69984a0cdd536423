"""Captioner quality on the generated shapes data, through `tasks.captioning.train`
(what `rnn-zoo train *_captioner` runs), on this machine's CPU (TensorFlow):
every injection with every cell, with and without scheduled sampling.

    python benchmarks/captioning.py                       # the whole grid
    python benchmarks/captioning.py --cells lstm --injections init par
    python benchmarks/captioning.py --training scheduled_sampling

Prints one table row per run: test BLEU-1 / BLEU-4, exact-attribute accuracy,
the same on the split of colour-shape combinations never seen in training, and
wall time (training and evaluation). Greedy decoding.
"""

import argparse
import json
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks import captioning  # noqa: E402
from zoo.models.captioning import INJECTIONS  # noqa: E402

CELLS = ("lstm", "gru", "peephole", "elman")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", nargs="*", default=list(CELLS))
    parser.add_argument("--injections", nargs="*", default=list(INJECTIONS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden-dim", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sampling-slope",
        type=float,
        default=1e-3,
        help="the linear schedule's slope (3 epochs are 564 steps)",
    )
    parser.add_argument("--sampling-minimum", type=float, default=0.5)
    parser.add_argument(
        "--training",
        nargs="*",
        choices=["teacher_forcing", "scheduled_sampling"],
        default=["teacher_forcing", "scheduled_sampling"],
    )
    arguments = parser.parse_args()
    schedules = {
        "teacher forcing": {},
        "scheduled sampling": {
            "scheduled_sampling": "linear",
            "sampling_slope": arguments.sampling_slope,
            "sampling_minimum": arguments.sampling_minimum,
        },
    }
    schedules = {
        title: options
        for title, options in schedules.items()
        if title.replace(" ", "_") in arguments.training
    }
    print(
        "| cell | injection | training | test BLEU-1 | test BLEU-4 | test attributes "
        "| unseen BLEU-4 | unseen attributes | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for cell in arguments.cells:
            for injection in arguments.injections:
                for title, sampling in schedules.items():
                    output = Path(folder) / f"{cell}_{injection}_{len(sampling)}"
                    start = time.perf_counter()
                    with open(Path(folder) / "log.txt", "a") as log:
                        with redirect_stdout(log):
                            captioning.train(
                                f"{cell}_captioner",
                                output=output,
                                epochs=arguments.epochs,
                                seed=arguments.seed,
                                hidden_dim=arguments.hidden_dim,
                                injection=injection,
                                **sampling,
                            )
                    seconds = time.perf_counter() - start
                    report = json.loads((output / "evaluation.json").read_text())
                    test, unseen = report["test"], report["unseen"]
                    print(
                        f"| {cell} | {injection} | {title} | {test['bleu_1']:.3f} "
                        f"| {test['bleu_4']:.3f} | {test['attribute_accuracy']:.3f} "
                        f"| {unseen['bleu_4']:.3f} "
                        f"| {unseen['attribute_accuracy']:.3f} | {seconds:.0f} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()

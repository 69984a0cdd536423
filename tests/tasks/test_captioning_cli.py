"""`rnn-zoo train / evaluate / caption / export` for captioners, through the
installed console script: a small model learns the shapes data to BLEU-4 >= 0.5,
the evaluation figures are the model's own, image files caption as arrays do, the
exported `caption` signature serves the same captions in a fresh TensorFlow-only
process, and bad input fails before any training."""

import io
import json
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from tasks.caption_metrics import bleu_scores
from tasks.captioning import caption_files, load_run
from tasks.data.shapes import make_shapes
from tests.tasks.console import rnn_zoo, rnn_zoo_here

# The CI-sized recipe: 3 epochs of the default shapes data (3000 images, 4
# captions each) at 128 units, about a minute on 2 CPU cores.
RECIPE = ["--epochs", 3, "--hidden-dim", 128, "--seed", 0]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "shapes"
    result = rnn_zoo("train", "lstm_captioner", "--output", folder, *RECIPE)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test (300 images): bleu_1=" in result.stdout
    return folder


@pytest.fixture(scope="module")
def new_images(tmp_path_factory):
    """Shapes images the run never saw: as arrays and as PNG files of the model's
    size, and as files of other sizes (a 60x80 PNG, a 72x40 JPEG) that must be
    resized as the model's own images were."""
    images = make_shapes({"new": 6}, seed=12)["new"].images
    folder = tmp_path_factory.mktemp("images")
    paths = []
    for index, image in enumerate(images):
        paths.append(folder / f"image_{index}.png")
        Image.fromarray(image).save(paths[-1])
    other_sizes = [folder / "wide.png", folder / "tall.jpg"]
    Image.fromarray(images[0]).resize((80, 60)).save(other_sizes[0])
    Image.fromarray(images[1]).resize((40, 72)).save(other_sizes[1], quality=90)
    return images, paths, other_sizes


@pytest.mark.slow
def test_a_small_captioner_learns_the_shapes_data(run_dir, record_result):
    evaluation = json.loads((run_dir / "evaluation.json").read_text())
    record_result(
        f"shapes captioner, 3 epochs: test BLEU-4 {evaluation['test']['bleu_4']:.3f}"
    )
    assert evaluation["test"]["bleu_4"] >= 0.5
    assert evaluation["test"]["images"] == 300
    assert set(evaluation) == {"decoding", "test", "unseen"}
    # Every shape right in a third of the images (0.447 when this was written).
    assert evaluation["test"]["attribute_accuracy"] >= 0.3


@pytest.mark.slow
def test_evaluation_figures_are_the_models_own(run_dir):
    """BLEU recomputed from the written captions and the regenerated references;
    `rnn-zoo evaluate` gives the same figures again."""
    written = json.loads((run_dir / "evaluation.json").read_text())
    test = make_shapes()["test"]  # the run's data: the default seed and sizes
    lines = (run_dir / "captions_test.tsv").read_text().splitlines()[1:]
    captions = [line.split("\t")[1] for line in lines]
    assert captions == load_run(run_dir).caption(test.images)
    assert bleu_scores(test.captions, captions)["bleu_4"] == pytest.approx(
        written["test"]["bleu_4"], abs=1e-6
    )
    result = rnn_zoo("evaluate", run_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    again = json.loads((run_dir / "evaluation.json").read_text())
    assert again == written


@pytest.mark.slow
def test_caption_verb_captions_files_as_arrays(run_dir, new_images):
    images, paths, _ = new_images
    captioner = load_run(run_dir)
    for options, decoding in (
        ([], {}),
        (["--num-beams", 3], {"sampler": "beam", "num_beams": 3}),
    ):
        result = rnn_zoo("caption", run_dir, *paths, *options)
        assert result.returncode == 0, result.stderr[-3000:]
        lines = result.stdout.strip().splitlines()[-len(paths) :]
        assert [line.split("\t")[1] for line in lines] == list(map(str, paths))
        expected = captioner.caption(images, **decoding)
        assert [line.split("\t")[0] for line in lines] == expected


# Runs in a fresh interpreter: tensorflow only.
FRESH_PROCESS = """
import json, sys
import tensorflow as tf

model = tf.saved_model.load(sys.argv[1])
files = [open(path, "rb").read() for path in json.loads(sys.argv[2])]
out = model.signatures["caption"](image_bytes=tf.constant(files))
print(json.dumps({
    "captions": [t.decode() for t in out["caption"].numpy()],
    "modules": sorted(m for m in ("zoo", "tasks", "tuning") if m in sys.modules),
}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("num_beams", [1, 3])
def test_exported_caption_serves_the_models_captions(
    run_dir, new_images, tmp_path, num_beams
):
    """The served captions equal the Python ones, for images of the model's size
    and for others that both sides resize."""
    images, paths, other_sizes = new_images
    paths = [*paths, *other_sizes]
    result = rnn_zoo("export", run_dir, tmp_path / "served", "--num-beams", num_beams)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "signatures: serving_default, caption" in result.stdout
    served = subprocess.run(
        [
            sys.executable, "-c", FRESH_PROCESS, str(tmp_path / "served" / "1"),
            json.dumps(list(map(str, paths))),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert served.returncode == 0, served.stderr[-3000:]
    served = json.loads(served.stdout.strip().splitlines()[-1])
    assert served["modules"] == []
    decoding = {"sampler": "beam", "num_beams": num_beams} if num_beams > 1 else {}
    captioner = load_run(run_dir)
    assert served["captions"] == caption_files(captioner, paths, **decoding)
    assert served["captions"][: len(images)] == captioner.caption(images, **decoding)


@pytest.mark.slow
def test_an_unreadable_image_is_named(run_dir, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    result = rnn_zoo_here("caption", run_dir, broken)
    assert result.returncode == 2
    assert "broken.png' cannot be read as JPEG, PNG" in result.stderr
    missing = rnn_zoo_here("caption", run_dir, tmp_path / "missing.jpg")
    assert missing.returncode == 2 and "missing.jpg' does not exist" in missing.stderr


def _png(path, seed):
    image = np.random.default_rng(seed).integers(0, 255, (20, 30, 3), dtype="uint8")
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no captions file", "has no captions file (*.token.txt"),
        ("missing image", "1 captioned image(s) are not in"),
        ("bad line", "expected IMAGE#N<TAB>caption"),
        ("one split list", "has split lists but not *devImages.txt, *testImages.txt"),
        ("sampling without a schedule", "sampling_slope (--sampling-*) apply only"),
        ("classifier flag", "--pooling do(es) not apply to 'lstm_captioner'"),
    ],
)
def test_bad_caption_data_fails_before_training(tmp_path, case, message):
    for index in range(12):
        _png(tmp_path / f"{index}.png", index)
    lines = [f"{index}.png#0\ta shape number {index}" for index in range(12)]
    if case == "missing image":
        lines.append("13.png#0\tan image that is not there")
    if case == "bad line":
        lines.append("12.png a caption without a tab")
    if case != "no captions file":
        (tmp_path / "captions.token.txt").write_text("\n".join(lines) + "\n")
    if case == "one split list":
        (tmp_path / "Flickr_8k.trainImages.txt").write_text("0.png\n1.png\n")
    extra = {
        "classifier flag": ["--pooling", "max"],
        "sampling without a schedule": ["--sampling-slope", "0.01"],
    }.get(case, [])
    result = rnn_zoo_here(
        "train", "lstm_captioner", "--data", tmp_path, "--output", tmp_path / "run",
        *extra,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert message in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_flickr_layout_folder_trains_resumes_and_evaluates(tmp_path):
    """Images and a token file without split lists: cut 80/10/10. One epoch, then
    a resumed second one continues the scheduled-sampling step count."""
    for index in range(20):
        _png(tmp_path / f"{index}.png", index)
    lines = [
        f"{index}.png#{n}\tA Picture, number {index % 3}."
        for index in range(20)
        for n in range(2)
    ]
    (tmp_path / "Flickr8k.token.txt").write_text("\n".join(lines) + "\n")
    common = [
        "train", "gru_captioner", "--data", tmp_path, "--output", tmp_path / "run",
        "--image-size", 32, "--hidden-dim", 8, "--batch-size", 8,
        "--injection", "merge", "--scheduled-sampling", "inverse_sigmoid",
    ]  # fmt: skip
    result = rnn_zoo(*common, "--epochs", 1)
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["images_per_split"] == {"train": 16, "valid": 2, "test": 2}
    evaluation = json.loads((tmp_path / "run" / "evaluation.json").read_text())
    assert set(evaluation) == {"decoding", "test"}
    assert "attribute_accuracy" not in evaluation["test"]

    resumed = rnn_zoo(*common, "--epochs", 2, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Epoch 2/2" in resumed.stdout and "Epoch 1/2" not in resumed.stdout
    # 16 images x 2 captions in batches of 8: 4 steps an epoch.
    last = keras.saving.load_model(tmp_path / "run" / "checkpoints" / "epoch_02.keras")
    assert int(keras.ops.convert_to_numpy(last.decoder.training_step)) == 8

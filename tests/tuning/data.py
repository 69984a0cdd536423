"""Tiny data of each task, written as users give it, for searches of a few
seconds per trial."""

import io

import numpy as np
from PIL import Image

from tasks.data.shapes import make_shapes


def write_corpus(path) -> str:
    """A character corpus of 3,000 characters, cut 90/5/5."""
    rng = np.random.default_rng(0)
    words = ["the cat", "a dog", "sat on", "the mat", "ran off"]
    text = " ".join(words[i] for i in rng.integers(0, len(words), 600))[:3000]
    path.write_text(text)
    return str(path)


def write_labelled_csv(path) -> str:
    """240 texts whose label is the first word's sentiment."""
    rng = np.random.default_rng(0)
    rows = ["text,label"]
    for index in range(240):
        label = ("good", "bad")[index % 2]
        filler = " ".join(rng.choice(["film", "plot", "cast", "it", "was"], 4))
        rows.append(f"{'great' if label == 'good' else 'awful'} {filler},{label}")
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def write_captioned_images(folder, count: int = 40) -> str:
    """`count` shapes images as PNG files with their captions in the Flickr8k
    layout (no split lists: cut 80/10/10)."""
    folder.mkdir(parents=True, exist_ok=True)
    split = make_shapes({"train": count}, image_size=24)["train"]
    lines = []
    for index, (image, captions) in enumerate(
        zip(split.images, split.captions, strict=True)
    ):
        buffer = io.BytesIO()
        Image.fromarray(image.astype("uint8")).save(buffer, format="PNG")
        (folder / f"{index}.png").write_bytes(buffer.getvalue())
        lines += [f"{index}.png#{n}\t{caption}" for n, caption in enumerate(captions)]
    (folder / "Flickr8k.token.txt").write_text("\n".join(lines) + "\n")
    return str(folder)

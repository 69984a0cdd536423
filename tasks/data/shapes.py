"""The shapes captioning dataset: generated images of one to three coloured shapes,
each with several paraphrased captions; deterministic given a seed.

An image holds 1-3 shapes side by side (left to right in equal slots, jittered up
and down), each a (size, colour, kind) drawn from SIZES x COLOURS x KINDS. Its
captions name the shapes left to right in every template of TEMPLATES:

    "there is a large red circle and a small blue square"

The "unseen" split holds only images with at least one colour-kind combination of
UNSEEN_COMBINATIONS, which no other split contains: a test of composition.
"""

import numpy as np

from tasks.data.captioned_images import CaptionedImages

SIZES = {"small": 0.17, "large": 0.3}  # radius as a fraction of a slot's width
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 190, 60),
    "blue": (50, 90, 230),
    "yellow": (230, 210, 40),
}
KINDS = ("circle", "square", "triangle")
UNSEEN_COMBINATIONS = (("red", "triangle"), ("green", "circle"), ("blue", "square"))
TEMPLATES = (
    "{shapes}",
    "there is {shapes}",
    "a picture of {shapes}",
    "{shapes} on a black background",
)


def make_shapes(
    sizes: dict[str, int] | None = None, image_size: int = 48, seed: int = 0
) -> dict[str, CaptionedImages]:
    """The splits by name (default train 3000, valid 300, test 300, unseen 300
    images), drawn from one seeded generator."""
    sizes = sizes or {"train": 3000, "valid": 300, "test": 300, "unseen": 300}
    for name, count in sizes.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"Split {name!r} needs a size >= 0; got {count!r}.")
    if image_size < 24:
        raise ValueError(f"image_size must be at least 24 pixels; got {image_size}.")
    rng = np.random.default_rng(seed)
    return {
        name: _split(rng, count, image_size, unseen=name == "unseen")
        for name, count in sizes.items()
    }


def describe(shapes) -> str:
    """[(size, colour, kind), ...] -> "a large red circle and a small blue square"."""
    parts = [f"a {size} {colour} {kind}" for size, colour, kind in shapes]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _split(rng, count, image_size, unseen) -> CaptionedImages:
    images, captions, all_shapes = [], [], []
    while len(images) < count:
        shapes = [
            (rng.choice(list(SIZES)), rng.choice(list(COLOURS)), rng.choice(KINDS))
            for _ in range(rng.integers(1, 4))
        ]
        has_unseen = any((c, k) in UNSEEN_COMBINATIONS for _, c, k in shapes)
        if has_unseen != unseen:
            continue
        shapes = [(str(s), str(c), str(k)) for s, c, k in shapes]
        images.append(_draw(rng, shapes, image_size))
        description = describe(shapes)
        captions.append([t.format(shapes=description) for t in TEMPLATES])
        all_shapes.append(shapes)
    stacked = np.stack(images) if images else np.zeros((0, image_size, image_size, 3))
    return CaptionedImages(stacked.astype("uint8"), captions, all_shapes)


def _draw(rng, shapes, image_size) -> np.ndarray:
    """The shapes in equal slots left to right on black, with colour noise."""
    image = np.zeros((image_size, image_size, 3), dtype="float32")
    slot = image_size / len(shapes)
    rows, columns = np.mgrid[0:image_size, 0:image_size] + 0.5
    for index, (size, colour, kind) in enumerate(shapes):
        radius = SIZES[size] * min(slot, image_size / 2) * 1.4
        centre_x = slot * (index + 0.5) + rng.uniform(-0.1, 0.1) * slot
        centre_y = rng.uniform(radius + 1, image_size - radius - 1)
        dx, dy = columns - centre_x, rows - centre_y
        if kind == "circle":
            inside = dx**2 + dy**2 <= radius**2
        elif kind == "square":
            inside = (np.abs(dx) <= radius * 0.85) & (np.abs(dy) <= radius * 0.85)
        else:  # triangle, apex up
            inside = (
                (dy <= radius) & (dy >= -radius) & (np.abs(dx) <= (dy + radius) / 2)
            )
        shade = np.array(COLOURS[colour]) + rng.uniform(-20, 20, 3)
        image[inside] = shade
    noise = rng.normal(0, 8, image.shape)
    return np.clip(image + noise, 0, 255)

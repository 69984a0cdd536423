"""Captioned images from three sources, as train / valid / test splits of
`tasks.data.captioned_images.CaptionedImages`:

- None: the generated shapes dataset (`tasks.data.shapes`), with its "unseen"
  split of colour-shape combinations never seen in training.
- A folder in the Flickr8k / Flickr30k layout: a captions token file
  (`*.token.txt` or `*.token`, lines `IMAGE#N<TAB>caption`; Flickr8k's
  lemmatised `*lemma*` file is skipped) and the images, in the folder itself or
  in `images` (a folder). The split lists `*trainImages.txt`, `*devImages.txt`,
  `*testImages.txt` are used when present (all three); otherwise the images are
  cut 80/10/10 (seeded).
- `tfds:NAME`: a TFDS dataset in coco_captions' layout (`tasks.data.tfds_captions`):
  `tfds:coco_captions` downloads, so it needs the network the first time;
  `tfds:local_captioned_images/shapes` is offline.
"""

from pathlib import Path

import numpy as np

from tasks.data.captioned_images import CaptionedImages
from tasks.data.corpus import TFDS_PREFIX
from tasks.data.images import load_images
from tasks.data.shapes import make_shapes

SPLIT_FILES = {"train": "trainImages", "valid": "devImages", "test": "testImages"}


def load_captioned_images(
    data=None, images=None, image_shape=(48, 48, 3), seed: int = 0, splits=None
) -> dict[str, CaptionedImages]:
    """The splits of `data` (see the module docstring), images at `image_shape`;
    only those named in `splits` when given (the images of the others are not
    read). Every check (files, captions, images) runs before any image is
    decoded."""
    if data is None:
        if images is not None:
            raise ValueError("images=... needs data=..., a captions file's folder.")
        if tuple(image_shape[:2]) != (image_shape[0], image_shape[0]):
            raise ValueError(f"The shapes images are square; got {image_shape}.")
        found = make_shapes(image_size=image_shape[0], seed=seed)
    elif str(data).startswith(TFDS_PREFIX):
        # TensorFlow Datasets is imported only when asked for (a slow import).
        from tasks.data.tfds_captions import read_tfds_captions

        found = read_tfds_captions(str(data), image_shape)
    else:
        return _flickr_layout(Path(data), images, image_shape, seed, splits)
    return {k: v for k, v in found.items() if splits is None or k in splits}


def _flickr_layout(folder: Path, images, image_shape, seed, wanted_splits):
    if not folder.is_dir():
        raise ValueError(f"Caption data {str(folder)!r} is not a folder.")
    token_files = sorted(
        path
        for path in [*folder.glob("*.token.txt"), *folder.glob("*.token")]
        if "lemma" not in path.name
    )
    if not token_files:
        raise ValueError(
            f"{str(folder)!r} has no captions file (*.token.txt or *.token, lines "
            "IMAGE#N<TAB>caption), as in the Flickr8k/Flickr30k layout."
        )
    if len(token_files) > 1:
        raise ValueError(
            f"{str(folder)!r} has {len(token_files)} captions files "
            f"({', '.join(p.name for p in token_files)}); keep one."
        )
    captions = read_token_file(token_files[0])
    image_folder = Path(images) if images is not None else folder
    if not image_folder.is_dir():
        raise ValueError(f"Image folder {str(image_folder)!r} does not exist.")
    missing = [name for name in captions if not (image_folder / name).is_file()]
    splits = _split_names(folder, list(captions), seed)
    if wanted_splits is not None:
        splits = {k: v for k, v in splits.items() if k in wanted_splits}
    wanted = {name for names in splits.values() for name in names}
    missing = [name for name in missing if name in wanted]
    if missing:
        raise ValueError(
            f"{len(missing)} captioned image(s) are not in {str(image_folder)!r}: "
            f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}."
        )
    return {
        split: CaptionedImages(
            load_images([image_folder / n for n in names], image_shape),
            [captions[n] for n in names],
            [[] for _ in names],
        )
        for split, names in splits.items()
    }


def read_token_file(path) -> dict[str, list[str]]:
    """`IMAGE#N<TAB>caption` lines -> {image: [captions]}, in file order."""
    captions: dict[str, list[str]] = {}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        key, separator, caption = line.partition("\t")
        image = key.rsplit("#", 1)[0]
        if not separator or not caption.strip() or not image:
            raise ValueError(
                f"{path}:{number}: expected IMAGE#N<TAB>caption; got {line[:80]!r}."
            )
        captions.setdefault(image, []).append(caption.strip())
    if not captions:
        raise ValueError(f"Captions file {str(path)!r} holds no captions.")
    return captions


def _split_names(folder: Path, names: list[str], seed) -> dict[str, list[str]]:
    """The images of each split: from the split lists, else an 80/10/10 cut."""
    lists = {
        split: sorted(folder.glob(f"*{suffix}.txt"))
        for split, suffix in SPLIT_FILES.items()
    }
    if any(lists.values()):
        missing = [f"*{SPLIT_FILES[k]}.txt" for k, files in lists.items() if not files]
        if missing:
            raise ValueError(
                f"{str(folder)!r} has split lists but not {', '.join(missing)}; "
                "give all three, or none for an 80/10/10 cut."
            )
        known = set(names)
        splits = {}
        for split, files in lists.items():
            listed = files[0].read_text(encoding="utf-8").split()
            unknown = [name for name in listed if name not in known]
            if unknown:
                raise ValueError(
                    f"{files[0]} lists {len(unknown)} image(s) without captions: "
                    f"{', '.join(unknown[:5])}."
                )
            if not listed:
                raise ValueError(f"Split list {files[0]} names no image.")
            splits[split] = listed
        return splits
    if len(names) < 10:
        raise ValueError(
            f"{len(names)} captioned images are too few to cut train, valid and "
            "test splits (80/10/10); give split lists or at least 10 images."
        )
    order = np.random.default_rng(seed).permutation(len(names))
    cut_test, cut_valid = len(names) // 10, 2 * (len(names) // 10)
    shuffled = [names[i] for i in order]
    return {
        "train": shuffled[cut_valid:],
        "valid": shuffled[cut_test:cut_valid],
        "test": shuffled[:cut_test],
    }

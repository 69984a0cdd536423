"""Captioned images from TensorFlow Datasets, in the layout of TFDS's
`coco_captions` (an "image" feature and "captions", a sequence of {"text": ...}):
`tfds:coco_captions` (downloads, so it needs the network once) or any dataset laid
out the same way.

`local_captioned_images/shapes` is a TFDS builder over a small generated shapes
set (`tasks.data.shapes`) in that layout, so the TFDS path works offline too.
"""

import numpy as np
import tensorflow_datasets as tfds

from tasks.data.captioned_images import CaptionedImages
from tasks.data.images import resize
from tasks.data.shapes import make_shapes
from tasks.data.tfds_corpora import prepare

# Our split names -> the TFDS split names they may have.
TFDS_SPLITS = {"train": ("train",), "valid": ("val", "validation"), "test": ("test",)}
LOCAL_SIZES = {"train": 200, "val": 40, "test": 40}


class LocalCaptionedImages(tfds.core.GeneratorBasedBuilder):
    """Generated captioned images in coco_captions' layout."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Shapes (48x48, seed 0): 200 / 40 / 40 images."}
    BUILDER_CONFIGS = [
        tfds.core.BuilderConfig(
            name="shapes", description="The rnn-zoo shapes captioning data."
        )
    ]

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Image(shape=(48, 48, 3)),
                    "captions": tfds.features.Sequence({"text": tfds.features.Text()}),
                }
            ),
            supervised_keys=None,
        )

    def _split_generators(self, dl_manager):
        splits = make_shapes(LOCAL_SIZES, image_size=48, seed=0)
        return {name: self._generate_examples(split) for name, split in splits.items()}

    def _generate_examples(self, split: CaptionedImages):
        for index, (image, captions) in enumerate(
            zip(split.images, split.captions, strict=True)
        ):
            yield index, {"image": image, "captions": {"text": captions}}


def read_tfds_captions(
    data: str, image_shape, data_dir=None
) -> dict[str, CaptionedImages]:
    """The train / valid / test splits of the TFDS dataset named by `tfds:NAME`
    (those it has), images resized to `image_shape`."""
    name = data.split(":", 1)[1]
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(f"No TFDS dataset {name!r} (from {data!r}): {error}") from None
    features = builder.info.features
    if "image" not in features or "captions" not in features:
        raise ValueError(
            f"TFDS dataset {name!r} is not laid out as coco_captions (an 'image' "
            f"feature and 'captions' with 'text'); its features: {list(features)}."
        )
    prepare(builder, name)
    splits = {}
    for split, candidates in TFDS_SPLITS.items():
        found = [c for c in candidates if c in builder.info.splits]
        if not found:
            continue
        images, captions = [], []
        for example in tfds.as_numpy(builder.as_dataset(split=found[0])):
            images.append(resize(example["image"], image_shape).numpy())
            texts = [text.decode("utf-8") for text in example["captions"]["text"]]
            captions.append(texts)
        splits[split] = CaptionedImages(
            np.stack(images), captions, [[] for _ in images]
        )
    if "train" not in splits:
        raise ValueError(f"TFDS dataset {name!r} has no train split.")
    return splits

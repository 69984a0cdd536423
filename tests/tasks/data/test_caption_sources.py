"""Captioned-image sources: the shapes generator, the Flickr layout (split lists
and their errors) and TFDS's coco_captions layout, offline."""

import numpy as np
import pytest
from PIL import Image

from tasks.data.caption_sources import load_captioned_images
from tasks.data.shapes import KINDS, UNSEEN_COMBINATIONS, describe, make_shapes
from tasks.data.tfds_captions import read_tfds_captions


def test_shapes_are_deterministic_and_the_unseen_split_is_apart():
    first = make_shapes({"train": 50, "unseen": 20}, seed=4)
    again = make_shapes({"train": 50, "unseen": 20}, seed=4)
    np.testing.assert_array_equal(first["train"].images, again["train"].images)
    assert first["train"].captions == again["train"].captions
    assert not np.array_equal(
        make_shapes({"train": 50}, seed=5)["train"].images, first["train"].images
    )
    for shapes in first["train"].shapes:
        assert not any((c, k) in UNSEEN_COMBINATIONS for _, c, k in shapes)
    for shapes in first["unseen"].shapes:
        assert any((c, k) in UNSEEN_COMBINATIONS for _, c, k in shapes)
    image, shapes = first["train"].images[0], first["train"].shapes[0]
    assert image.shape == (48, 48, 3) and image.dtype == np.uint8
    assert first["train"].captions[0][1] == f"there is {describe(shapes)}"
    assert describe([("small", "red", KINDS[0]), ("large", "blue", "square")]) == (
        "a small red circle and a large blue square"
    )


def _flickr_folder(folder, count=6, split_lists=True):
    for index in range(count):
        pixels = np.full((10, 14, 3), index * 20, dtype="uint8")
        Image.fromarray(pixels).save(folder / f"{index}.png")
    lines = [
        f"{i}.png#{n}\tCaption {n} of image {i}." for i in range(count) for n in (0, 1)
    ]
    (folder / "Flickr8k.token.txt").write_text("\n".join(lines) + "\n")
    if split_lists:
        for name, indices in (("train", "0 1 2"), ("dev", "3"), ("test", "4 5")):
            names = "\n".join(f"{i}.png" for i in indices.split())
            (folder / f"Flickr_8k.{name}Images.txt").write_text(names + "\n")


def test_a_flickr_folder_with_split_lists(tmp_path):
    _flickr_folder(tmp_path)
    splits = load_captioned_images(tmp_path, image_shape=(8, 8, 3))
    assert {name: len(split) for name, split in splits.items()} == {
        "train": 3, "valid": 1, "test": 2,
    }  # fmt: skip
    assert splits["test"].captions[1] == [
        "Caption 0 of image 5.",
        "Caption 1 of image 5.",
    ]
    np.testing.assert_array_equal(splits["valid"].images[0], np.full((8, 8, 3), 60))
    assert splits["valid"].images.dtype == np.uint8


def test_flickr8ks_lemmatised_captions_are_not_read(tmp_path):
    _flickr_folder(tmp_path)
    (tmp_path / "Flickr8k.lemma.token.txt").write_text("0.png#0\tlemma caption\n")
    splits = load_captioned_images(tmp_path, image_shape=(8, 8, 3))
    assert splits["train"].captions[0][0] == "Caption 0 of image 0."
    (tmp_path / "Flickr30k.token").write_text("0.png#0\tanother file\n")
    with pytest.raises(ValueError, match="has 2 captions files"):
        load_captioned_images(tmp_path)


def test_only_the_splits_asked_for_are_read(tmp_path):
    _flickr_folder(tmp_path)
    (tmp_path / "0.png").write_text("the train split's image is broken")
    splits = load_captioned_images(tmp_path, image_shape=(8, 8, 3), splits=["test"])
    assert list(splits) == ["test"]
    with pytest.raises(ValueError, match="0.png' cannot be read"):
        load_captioned_images(tmp_path, image_shape=(8, 8, 3))


def test_a_split_list_naming_an_image_without_captions_is_refused(tmp_path):
    _flickr_folder(tmp_path)
    (tmp_path / "Flickr_8k.devImages.txt").write_text("3.png\nghost.jpg\n")
    with pytest.raises(ValueError, match="lists 1 image.*without captions: ghost.jpg"):
        load_captioned_images(tmp_path)


def test_too_few_images_to_cut_splits_is_refused(tmp_path):
    _flickr_folder(tmp_path, split_lists=False)
    with pytest.raises(ValueError, match="6 captioned images are too few"):
        load_captioned_images(tmp_path)


def test_tfds_coco_captions_layout_reads_offline(tmp_path):
    splits = read_tfds_captions(
        "tfds:local_captioned_images/shapes", (24, 24, 3), data_dir=tmp_path
    )
    assert {name: len(split) for name, split in splits.items()} == {
        "train": 200, "valid": 40, "test": 40,
    }  # fmt: skip
    expected = make_shapes({"train": 200, "val": 40, "test": 40})["test"]
    assert sorted(splits["test"].captions) == sorted(expected.captions)  # shuffled
    assert splits["test"].images.shape == (40, 24, 24, 3)
    with pytest.raises(ValueError, match="No TFDS dataset 'no_such_captions'"):
        read_tfds_captions("tfds:no_such_captions", (24, 24, 3), data_dir=tmp_path)

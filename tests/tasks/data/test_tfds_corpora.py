"""TensorFlow Datasets: the local builder works offline and gives the splits that
`tasks.data.corpus` gives from the same files; `tfds:NAME` errors name the problem."""

import pytest
import tensorflow_datasets as tfds

from tasks.data import tfds_corpora
from tasks.data.corpus import shipped_corpus_path, split_texts


def test_tiny_shakespeare_loads_offline_as_the_shipped_split(tmp_path):
    texts = tfds_corpora.split_texts_from_tfds(
        "tfds:local_text_corpus/tiny_shakespeare", data_dir=tmp_path
    )
    assert texts == split_texts(shipped_corpus_path())
    # and through tfds.load itself, one example per split as in TFDS's own dataset
    validation = tfds.load(
        "local_text_corpus/tiny_shakespeare", split="validation", data_dir=tmp_path
    )
    (example,) = list(tfds.as_numpy(validation))
    assert example["text"].decode("utf-8") == texts["valid"]


def test_ptb_config_reads_the_manual_folder(tmp_path):
    folder = tmp_path / "ptb"
    folder.mkdir()
    for split in ("train", "valid", "test"):
        (folder / f"ptb.{split}.txt").write_text(f" the {split} text \n")
    tfds.load(
        "local_text_corpus/ptb",
        data_dir=tmp_path / "tfds",
        download_and_prepare_kwargs={
            "download_config": tfds.download.DownloadConfig(manual_dir=str(folder))
        },
    )
    texts = tfds_corpora.split_texts_from_tfds(
        "tfds:local_text_corpus/ptb", data_dir=tmp_path / "tfds"
    )
    assert texts == split_texts(folder)


def test_ptb_config_without_its_folder_says_what_to_pass(tmp_path):
    with pytest.raises(ValueError, match="manual directory"):
        tfds_corpora.split_texts_from_tfds(
            "tfds:local_text_corpus/ptb", data_dir=tmp_path
        )


def test_an_unknown_dataset_is_named(tmp_path):
    with pytest.raises(ValueError, match="No TFDS dataset 'no_such_corpus'"):
        tfds_corpora.split_texts_from_tfds("tfds:no_such_corpus", data_dir=tmp_path)

"""Language-modelling corpora through TensorFlow Datasets.

`LocalTextCorpus` is a TFDS builder over corpora on this machine, so `tfds.load` works
offline: `local_text_corpus/tiny_shakespeare` reads the copy shipped with rnn-zoo,
`local_text_corpus/ptb` reads a PTB folder given as TFDS's manual directory. Each
split is one example, `{"text": the whole split}`, as in TFDS's own
`tiny_shakespeare` (which downloads, and so needs the network the first time).

`split_texts_from_tfds("tfds:NAME")` turns any such dataset into the texts of the
train / valid / test splits that `tasks.data.corpus` encodes; the CLI's
`--data tfds:NAME` comes here.
"""

from pathlib import Path

import tensorflow_datasets as tfds

from tasks.data.corpus import TFDS_PREFIX, shipped_corpus_path, split_texts

# Our split names -> TFDS's.
TFDS_SPLITS = {"train": "train", "valid": "validation", "test": "test"}


class LocalTextCorpus(tfds.core.GeneratorBasedBuilder):
    """Text corpora read from local files, one example per split."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Tiny Shakespeare (shipped) and PTB (manual folder)."}
    BUILDER_CONFIGS = [
        tfds.core.BuilderConfig(
            name="tiny_shakespeare",
            description="Tiny Shakespeare as shipped with rnn-zoo, cut 90/5/5.",
        ),
        tfds.core.BuilderConfig(
            name="ptb",
            description="Penn Treebank (Mikolov's ptb.{train,valid,test}.txt).",
        ),
    ]
    MANUAL_DOWNLOAD_INSTRUCTIONS = (
        "For the ptb config, pass the folder holding ptb.train.txt, ptb.valid.txt "
        "and ptb.test.txt as the manual directory: tfds.load(..., "
        "download_and_prepare_kwargs={'download_config': "
        "tfds.download.DownloadConfig(manual_dir=FOLDER)})."
    )

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict({"text": tfds.features.Text()}),
            supervised_keys=None,
        )

    def _split_generators(self, dl_manager):
        if self.builder_config.name == "tiny_shakespeare":
            texts = split_texts(shipped_corpus_path("tiny_shakespeare"))
        else:
            texts = split_texts(Path(str(dl_manager.manual_dir)))
        return {
            TFDS_SPLITS[split]: self._generate_examples(text)
            for split, text in texts.items()
        }

    def _generate_examples(self, text: str):
        yield 0, {"text": text}


def prepare(builder: tfds.core.DatasetBuilder, name: str) -> None:
    """`builder.download_and_prepare()`, its usual failures as clear errors."""
    try:
        builder.download_and_prepare()
    except AssertionError as error:
        if "Manual directory" not in str(error):
            raise
        raise ValueError(  # TFDS's way of saying a manual folder is missing
            f"TFDS dataset {name!r} is not prepared and needs a manual directory: "
            f"{error}"
        ) from None
    except OSError as error:  # requests' connection errors are OSErrors too
        raise ValueError(
            f"TFDS dataset {name!r} is not prepared in {builder.data_dir!r} and "
            f"could not be downloaded ({type(error).__name__}: {error}). It needs "
            "the network once; or prepare it on a machine that has it and point "
            "TFDS_DATA_DIR at a copy of that folder."
        ) from None


def split_texts_from_tfds(data: str, data_dir=None) -> dict[str, str]:
    """The train / valid / test texts of the TFDS dataset named by `tfds:NAME`
    (every example's `text` of a split, joined by newlines)."""
    name = data[len(TFDS_PREFIX) :]
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(
            f"No TFDS dataset {name!r} (from --data {data!r}): {error}"
        ) from None
    features = builder.info.features
    if "text" not in features:
        raise ValueError(
            f"TFDS dataset {name!r} has no 'text' feature (it has "
            f"{', '.join(features)}); a language-model corpus needs one."
        )
    prepare(builder, name)
    missing = [s for s in TFDS_SPLITS.values() if s not in builder.info.splits]
    if missing:
        raise ValueError(
            f"TFDS dataset {name!r} has no {', '.join(missing)} split (it has "
            f"{', '.join(builder.info.splits)}); a corpus needs train, validation "
            "and test."
        )
    texts = {}
    for split, tfds_split in TFDS_SPLITS.items():
        examples = tfds.as_numpy(builder.as_dataset(split=tfds_split))
        texts[split] = "\n".join(e["text"].decode("utf-8") for e in examples)
    return texts

"""Labelled texts from TensorFlow Datasets: `tfds:imdb_reviews`, `tfds:glue/sst2`,
`tfds:ag_news_subset` (these download, so they need the network once) or any
dataset with one text feature and one class-label feature.

`local_labelled_texts/sentiment_sentences` is a TFDS builder over the sentiment
sentences shipped with rnn-zoo (train / test, 90/10, stratified), so the TFDS path
works offline too.
"""

import tensorflow_datasets as tfds

from tasks.data.labelled_splits import shipped_sentiment_sentences, stratified_cut
from tasks.data.labelled_texts import LabelledTexts, check_texts
from tasks.data.tfds_corpora import prepare

# Our split names -> TFDS's.
TFDS_SPLITS = {"train": "train", "valid": "validation", "test": "test"}
# The text feature of datasets that have several.
TEXT_FEATURES = {"ag_news_subset": "description"}


class LocalLabelledTexts(tfds.core.GeneratorBasedBuilder):
    """Labelled texts read from the files shipped with rnn-zoo."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "The UCI sentiment sentences."}
    BUILDER_CONFIGS = [
        tfds.core.BuilderConfig(
            name="sentiment_sentences",
            description="UCI sentiment sentences (Kotzias et al. 2015, CC BY 4.0).",
        )
    ]

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "text": tfds.features.Text(),
                    "label": tfds.features.ClassLabel(names=["negative", "positive"]),
                }
            ),
            supervised_keys=("text", "label"),
        )

    def _split_generators(self, dl_manager):
        train, test = stratified_cut(shipped_sentiment_sentences(), 0.1, 0, "test")
        return {
            "train": self._generate_examples(train),
            "test": self._generate_examples(test),
        }

    def _generate_examples(self, data: LabelledTexts):
        for index, (text, label) in enumerate(
            zip(data.texts, data.labels, strict=True)
        ):
            yield index, {"text": text, "label": label}


def read_tfds_splits(data: str, data_dir=None) -> dict[str, LabelledTexts]:
    """The labelled splits (train, and validation and test where the dataset has
    them with labels) of the TFDS dataset named by `tfds:NAME`, labels as the
    dataset's class names."""
    name = data.split(":", 1)[1]
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(f"No TFDS dataset {name!r} (from {data!r}): {error}") from None
    text_key, label_key = _text_and_label(name, builder.info.features)
    prepare(builder, name)
    if "train" not in builder.info.splits:
        raise ValueError(f"TFDS dataset {name!r} has no train split.")
    classes = builder.info.features[label_key]
    splits = {}
    for split, tfds_split in TFDS_SPLITS.items():
        if tfds_split not in builder.info.splits:
            continue
        examples = list(tfds.as_numpy(builder.as_dataset(split=tfds_split)))
        if any(e[label_key] < 0 for e in examples):
            continue  # an unlabelled split, as GLUE's test splits
        texts = [e[text_key].decode("utf-8") for e in examples]
        places = [f"{data} {tfds_split} example {i}" for i in range(len(texts))]
        check_texts(texts, places)
        splits[split] = LabelledTexts(
            texts, [classes.int2str(e[label_key]) for e in examples]
        )
    return splits


def _text_and_label(name: str, features) -> tuple[str, str]:
    texts = [k for k, f in features.items() if isinstance(f, tfds.features.Text)]
    labels = [k for k, f in features.items() if isinstance(f, tfds.features.ClassLabel)]
    text = TEXT_FEATURES.get(name, texts[0] if len(texts) == 1 else None)
    if text is None or len(labels) != 1:
        raise ValueError(
            f"TFDS dataset {name!r} needs one text feature and one class-label "
            f"feature; it has text features {texts} and class labels {labels}."
        )
    return text, labels[0]

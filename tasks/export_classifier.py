"""A text classifier as a TensorFlow SavedModel that takes raw strings.

    rnn-zoo export runs/bilstm_classifier exported/sentiment   # exported/sentiment/1/

Signatures `classify` and `serving_default` (the same function): `text` (string
[B]) -> `probabilities` (float32 [B, C]), `label` (string [B], the most probable
class's name) and `label_names` (string [B, C], the class of each probability
column, as TF Serving's Classify API lays out `classes` beside `scores`).

Text is standardised, split and looked up in the graph exactly as
`TextClassifier.token_ids` does in Python (`tasks.export_text`); a text with no
token, or an empty batch, stops the call with an error. Traced without cuDNN, so
the model serves on a CPU.
"""

from pathlib import Path

import keras
import tensorflow as tf

from tasks.export import no_cudnn, version_folder
from tasks.export_text import TextEncoder
from tasks.training import precision
from zoo.layers import Recurrent
from zoo.models import TextClassifier


def export_text_classifier(classifier: TextClassifier, out_dir) -> Path:
    """Writes `classifier` as a SavedModel under out_dir/1/ and returns that
    folder."""
    if classifier.vocabulary is None or classifier.labels is None:
        raise ValueError(
            f"Only a classifier with a vocabulary and labels can be exported for raw "
            f"text; {classifier.name!r} has "
            f"{'no vocabulary' if classifier.vocabulary is None else 'no labels'}."
        )
    path = version_folder(out_dir)
    server = ClassifierServer(classifier)
    signatures = {"serving_default": server.classify, "classify": server.classify}
    tf.saved_model.save(server, str(path), signatures=signatures)
    return path


def recurrent_layers(model: keras.Model) -> list[Recurrent]:
    """The `Recurrent` layers of `model`, inside `Bidirectional` wrappers too."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            found += [layer.forward_layer, layer.backward_layer]
        elif isinstance(layer, Recurrent):
            found.append(layer)
    return found


class ClassifierServer(tf.Module):
    """The `classify` signature (see the module docstring)."""

    def __init__(self, classifier: TextClassifier):
        super().__init__()
        with precision(classifier.dtype_policy.name):
            self.model = TextClassifier.from_config(classifier.get_config())
        self.model.set_weights(classifier.get_weights())
        no_cudnn(recurrent_layers(self.model))
        # Tracked on the module itself for session-based loaders (see
        # tasks.export.LanguageModelServer).
        self.tf_variables = [variable.value for variable in self.model.variables]
        self.text = TextEncoder(classifier.vocabulary, id_offset=1)  # 0 is padding
        self.label_names = tf.constant(classifier.labels)
        self.max_length = classifier.max_length

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
    def classify(self, text):
        ids = self.text.encode(text)  # ragged (B, (T))
        if self.max_length is not None:
            ids = ids[:, : self.max_length]
        checks = [
            tf.debugging.assert_positive(
                tf.size(text), message="classify needs at least one text."
            ),
            tf.debugging.assert_positive(
                tf.reduce_min(tf.concat([ids.row_lengths(), [1]], 0)),
                message="Every text needs at least one token; an empty text cannot "
                "be classified.",
            ),
        ]
        with tf.control_dependencies(checks):
            dense = tf.identity(ids.to_tensor())  # (B, T), right-padded with 0
        probabilities = tf.cast(self.model(dense, training=False), tf.float32)
        best = tf.argmax(probabilities, axis=-1)
        batch = tf.shape(text)[0]
        return {
            "probabilities": probabilities,
            "label": tf.gather(self.label_names, best),
            "label_names": tf.tile(self.label_names[None], [batch, 1]),
        }

"""A captioner as a TensorFlow SavedModel that takes encoded images.

    rnn-zoo export runs/lstm_captioner exported/captioner   # exported/captioner/1/

Signatures `caption` and `serving_default` (the same function): `image_bytes`
(string [B], each a JPEG, PNG, GIF or BMP file's bytes) -> `caption` (string [B]).
Every image is decoded and resized as `tasks.data.images` does in Python, then
captioned by the decoding loop of `zoo.generation` traced into the graph: greedy,
or beam search when exported with `num_beams` > 1 (with `length_penalty`), up to
the captioner's `max_caption_length` words. An undecodable image or an empty batch
stops the call with an error.
"""

from pathlib import Path

import tensorflow as tf

from tasks.data.images import resize
from tasks.export import version_folder
from tasks.training import precision
from zoo.generation import get_sampler
from zoo.generation.decoder import CaptionerDecoder
from zoo.models import Captioner
from zoo.models.captioning.captioner import END, PAD, START


def export_captioner(
    captioner: Captioner,
    out_dir,
    num_beams: int = 1,
    length_penalty: float | None = None,
) -> Path:
    """Writes `captioner` as a SavedModel under out_dir/1/ and returns that folder.
    `length_penalty` (beam search only; default 0.6). Refused for a captioner of
    precomputed features (it takes no image)."""
    if length_penalty is not None and num_beams == 1:
        raise ValueError(
            "length_penalty needs beam search: num_beams 2 or more (--num-beams)."
        )
    if captioner.input_dim is not None:
        raise ValueError(
            f"{captioner.name!r} takes feature vectors of size {captioner.input_dim}, "
            "not images; only an image captioner exports a `caption` signature."
        )
    path = version_folder(out_dir)
    server = CaptionServer(captioner, num_beams, length_penalty)
    signatures = {"serving_default": server.caption, "caption": server.caption}
    tf.saved_model.save(server, str(path), signatures=signatures)
    return path


class CaptionServer(tf.Module):
    """The `caption` signature (see the module docstring)."""

    def __init__(self, captioner: Captioner, num_beams=1, length_penalty=None):
        super().__init__()
        with precision(captioner.dtype_policy.name):
            self.model = Captioner.from_config(captioner.get_config())
        self.model.set_weights(captioner.get_weights())
        # Tracked on the module itself for session-based loaders (see
        # tasks.export.LanguageModelServer).
        self.tf_variables = [variable.value for variable in self.model.variables]
        sampler = (
            get_sampler("greedy")
            if num_beams == 1
            else get_sampler(
                "beam",
                num_beams=num_beams,
                length_penalty=0.6 if length_penalty is None else length_penalty,
            )
        )
        self.decoder = CaptionerDecoder(self.model, sampler)
        vocabulary = captioner.vocabulary
        self.tokens = tf.constant(vocabulary.tokens)
        self.pad, self.start, self.end = vocabulary.ids_of([PAD, START, END])
        self.image_shape = tuple(captioner.image_shape)
        self.max_length = captioner.max_caption_length

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="image_bytes")])
    def caption(self, image_bytes):
        check = tf.debugging.assert_positive(
            tf.size(image_bytes), message="caption needs at least one image."
        )
        with tf.control_dependencies([check]):
            images = tf.map_fn(
                self._decode,
                image_bytes,
                fn_output_signature=tf.TensorSpec(self.image_shape, tf.float32),
            )  # (B, H, W, C)
        batch = tf.shape(images)[0]
        token_ids = tf.concat(
            [
                tf.fill([batch, 1], self.start),
                tf.zeros([batch, self.max_length], tf.int32),
            ],
            axis=1,
        )  # (B, 1 + max_length): <start>, then the words
        inputs = {
            "token_ids": token_ids,
            "prompt_mask": tf.ones([batch, 1], tf.bool),
            "image": images,
        }
        ids = self.decoder.generate_step(inputs, stop_token_ids=(self.end,))
        words = ids[:, 1:]  # (B, max_length)
        after_end = tf.cumsum(tf.cast(words == self.end, tf.int32), axis=1) > 0
        keep = ~after_end & (words != self.pad) & (words != self.start)
        text = tf.strings.reduce_join(
            tf.ragged.boolean_mask(tf.gather(self.tokens, words), keep),
            axis=1,
            separator=" ",
        )
        return {"caption": text}

    def _decode(self, data):
        image = tf.io.decode_image(
            data, channels=self.image_shape[2], expand_animations=False
        )
        return tf.cast(resize(image, self.image_shape), tf.float32)

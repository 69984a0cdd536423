"""`caption`: images in, caption texts out, with any sampler of `zoo.generation`."""

import numpy as np

from zoo.generation.decoder import CaptionerDecoder
from zoo.generation.generate import cached_decoder


def caption(
    model,
    images,
    sampler="greedy",
    max_length: int | None = None,
    batch_size: int = 64,
    seed: int | None = None,
    **sampler_options,
) -> list[str]:
    """Captions `images` with `model` (a `zoo.models.Captioner`); see
    `Captioner.caption`."""
    images = _check_images(model, images)
    max_length = model.max_caption_length if max_length is None else max_length
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise ValueError(f"max_length must be a positive integer; got {max_length!r}.")
    if max_length < 1:
        raise ValueError(f"max_length must be a positive integer; got {max_length}.")
    if seed is not None:
        sampler_options["seed"] = seed
    decoder = cached_decoder(model, sampler, sampler_options, CaptionerDecoder)
    start, end = model.vocabulary.ids_of(["<start>", "<end>"])
    rows = min(batch_size, len(images))  # every chunk padded to one shape: one trace
    captions = []
    for first in range(0, len(images), rows):
        chunk = images[first : first + rows]
        real = len(chunk)
        if real < rows:
            chunk = np.concatenate([chunk, np.repeat(chunk[-1:], rows - real, 0)])
        # <start>, then up to max_length words (their <end> only if it fits).
        token_ids = np.zeros((rows, max_length + 1), dtype="int32")
        token_ids[:, 0] = start
        prompt_mask = np.ones((rows, 1), dtype="bool")
        output = np.asarray(decoder(token_ids, prompt_mask, (end,), image=chunk))
        captions += [model.decode(row[1:]) for row in output[:real]]
    return captions


def _check_images(model, images) -> np.ndarray:
    """Images (or feature vectors) as float32, of the shape the model takes."""
    images = np.asarray(images, dtype="float32")
    expected = (model.input_dim,) if model.input_dim else tuple(model.image_shape)
    what = "feature vectors" if model.input_dim else "images"
    if images.ndim != len(expected) + 1 or tuple(images.shape[1:]) != expected:
        shape = ", ".join(map(str, expected))
        raise ValueError(
            f"Expected a batch of {what} of shape (B, {shape}); got shape "
            f"{images.shape}."
        )
    if len(images) == 0:
        raise ValueError(f"Expected at least one of the {what}; got none.")
    return images

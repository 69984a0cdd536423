"""Image files -> pixel arrays of one size, resized exactly as the exported
`caption` signature resizes (`tf.image.resize`, bilinear, no antialiasing, then
rounded to uint8: a quarter of float32's memory for a whole dataset)."""

from pathlib import Path

import numpy as np
import tensorflow as tf


def load_images(paths, image_shape) -> np.ndarray:
    """Image files (any format TensorFlow decodes: JPEG, PNG, GIF, BMP) ->
    (N, H, W, C) uint8 pixels at `image_shape`. An unreadable file raises
    ValueError naming it."""
    height, width, channels = image_shape
    images = np.zeros((len(paths), height, width, channels), dtype="uint8")
    for index, path in enumerate(paths):
        images[index] = decode_and_resize(read_bytes(path), image_shape, str(path))
    return images


def read_bytes(path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Image {str(path)!r} does not exist.")
    return path.read_bytes()


def decode_and_resize(data, image_shape, name: str = "image") -> np.ndarray:
    """Encoded image bytes -> (H, W, C) uint8 at `image_shape`."""
    try:
        image = tf.io.decode_image(
            data, channels=image_shape[2], expand_animations=False
        )
    except tf.errors.InvalidArgumentError as error:
        raise ValueError(
            f"Image {name!r} cannot be read as JPEG, PNG, GIF or BMP: "
            f"{error.message.splitlines()[0]}"
        ) from None
    return resize(image, image_shape).numpy()


def resize(image, image_shape):
    """A decoded image (H', W', C) of any size -> uint8 (H, W, C): the one resize
    shared by Python and the exported graph."""
    resized = tf.image.resize(tf.cast(image, tf.float32), image_shape[:2])
    return tf.cast(tf.round(tf.clip_by_value(resized, 0.0, 255.0)), tf.uint8)

"""The container every captioning data source fills."""

import dataclasses

import numpy as np


@dataclasses.dataclass
class CaptionedImages:
    """Images and their reference captions.

    images: (N, H, W, C) pixels in 0-255; captions: N lists of reference
    captions; shapes: for the generated shapes data, N lists of (size, colour,
    kind) left to right (empty lists for other sources).
    """

    images: np.ndarray
    captions: list[list[str]]
    shapes: list[list[tuple[str, str, str]]]

    def __len__(self) -> int:
        return len(self.images)

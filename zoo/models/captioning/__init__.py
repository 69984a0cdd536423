"""Image captioning: encoders, the injecting decoder, scheduled sampling, the model."""

from zoo.models.captioning.caption_decoder import INJECTIONS, CaptionDecoder
from zoo.models.captioning.captioner import Captioner, caption_vocabulary
from zoo.models.captioning.scheduled_sampling import (
    SCHEDULES,
    teacher_forcing_probability,
)

__all__ = [
    "INJECTIONS",
    "SCHEDULES",
    "CaptionDecoder",
    "Captioner",
    "caption_vocabulary",
    "teacher_forcing_probability",
]

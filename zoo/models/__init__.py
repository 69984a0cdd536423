"""Task model families; importing this registers every model and preset."""

from zoo.models import language_model_presets, text_classifier_presets
from zoo.models.captioning import Captioner, caption_vocabulary
from zoo.models.language_model import LanguageModel
from zoo.models.sequence_regressor import SequenceRegressor
from zoo.models.text_classifier import TextClassifier

__all__ = [
    "Captioner",
    "LanguageModel",
    "SequenceRegressor",
    "TextClassifier",
    "caption_vocabulary",
    "language_model_presets",
    "text_classifier_presets",
]

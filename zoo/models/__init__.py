"""Task model families; importing this registers every model and preset."""

from zoo.models import language_model_presets
from zoo.models.language_model import LanguageModel
from zoo.models.sequence_regressor import SequenceRegressor
from zoo.models.text_classifier import TextClassifier

__all__ = [
    "LanguageModel",
    "SequenceRegressor",
    "TextClassifier",
    "language_model_presets",
]

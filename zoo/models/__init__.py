"""Task model families; importing this registers every model and preset."""

from zoo.models import language_model_presets
from zoo.models.language_model import LanguageModel
from zoo.models.sequence_regressor import SequenceRegressor

__all__ = ["LanguageModel", "SequenceRegressor", "language_model_presets"]

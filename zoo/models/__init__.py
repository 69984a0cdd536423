"""Task model families; importing this registers every model and preset."""

from zoo.models.sequence_regressor import SequenceRegressor

__all__ = ["SequenceRegressor"]

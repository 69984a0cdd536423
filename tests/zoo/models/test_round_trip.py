""".keras save and load round-trips every registered model and preset exactly: the
same outputs, the same configuration, and a compiled model."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import (
    Captioner,
    LanguageModel,
    SequenceRegressor,
    TextClassifier,
    caption_vocabulary,
)

SMALL = {"hidden_dim": 8}


def _small_model_and_inputs(name):
    """The registered model at a small size (presets keep everything else), and a
    batch for it."""
    spec = zoo.get(name)
    rng = np.random.default_rng(0)
    if issubclass(spec.cls, LanguageModel):
        model = zoo.build(name, vocabulary_size=20, embedding_dim=8, **SMALL)
        batch = model.batch_size if model.stateful else 4  # stateful: fixed batch
        return model, rng.integers(0, 20, size=(batch, 7)).astype("int32")
    if issubclass(spec.cls, TextClassifier):
        model = zoo.build(name, vocabulary_size=20, **SMALL)
        ids = rng.integers(1, 20, size=(4, 7)).astype("int32")
        ids[1, 4:] = 0  # right padding
        return model, ids
    if issubclass(spec.cls, Captioner):
        vocabulary = caption_vocabulary(["a red circle", "two blue squares"])
        model = zoo.build(
            name, vocabulary=vocabulary, image_shape=(8, 8, 3), image_dim=4, **SMALL
        )
        ids = rng.integers(1, len(vocabulary), size=(4, 5)).astype("int32")
        ids[1, 3:] = 0  # right padding
        images = rng.uniform(0, 255, size=(4, 8, 8, 3)).astype("float32")
        return model, {"image": images, "token_ids": ids}
    assert issubclass(spec.cls, SequenceRegressor), f"no inputs for {name}"
    model = zoo.build(name, input_dim=3, **SMALL)
    return model, rng.normal(size=(4, 7, 3)).astype("float32")


@pytest.mark.parametrize("name", zoo.list_models())
def test_keras_file_round_trip_is_exact(name, tmp_path):
    model, inputs = _small_model_and_inputs(name)
    model.compile()
    expected = keras.ops.convert_to_numpy(model(inputs))
    path = tmp_path / f"{name}.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is type(model)
    assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(restored(inputs)), expected
    )
    assert restored.compiled

"""The sequence regressor family: every registered regressor trains, saves, loads."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import SequenceRegressor

REGRESSORS = [
    name for name in zoo.list_models() if zoo.get(name).cls is SequenceRegressor
]


def test_one_regressor_per_cell():
    assert sorted(zoo.get(name).defaults["cell"] for name in REGRESSORS) == sorted(
        zoo.cells.CELLS
    )


@pytest.mark.parametrize("name", REGRESSORS)
def test_every_regressor_builds_trains_and_round_trips(name, tmp_path):
    model = zoo.build(name, input_dim=3, hidden_dim=4, num_layers=2)
    assert model.get_config()["cell"] == zoo.get(name).defaults["cell"]
    model.compile()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    expected = model.predict(x, verbose=0)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, SequenceRegressor)
    assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), expected)
    # Loaded compiled, with the optimizer's state: training resumes where it stopped.
    assert int(restored.optimizer.iterations) == int(model.optimizer.iterations) == 4
    saved_optimizer = zip(
        model.optimizer.variables, restored.optimizer.variables, strict=True
    )
    for theirs, ours in saved_optimizer:
        np.testing.assert_array_equal(ours, theirs)


def test_sequence_output_at_step_t_is_the_prediction_for_the_prefix():
    options = {"projection_units": 2, "cell_clip": 3.0}
    arguments = dict(input_dim=3, output_dim=2, num_layers=2, cell_options=options)
    many_to_many = zoo.build("peephole_regressor", sequence_output=True, **arguments)
    many_to_one = zoo.build("peephole_regressor", **arguments)
    many_to_one.set_weights(many_to_many.get_weights())
    assert many_to_many.get_layer("recurrent_0").cell.projection_units == 2
    x = np.random.default_rng(0).normal(size=(4, 7, 3)).astype("float32")
    per_step = keras.ops.convert_to_numpy(many_to_many(x))  # (4, 7, 2)
    for t in (0, 3, 6):
        np.testing.assert_allclose(
            per_step[:, t], many_to_one(x[:, : t + 1]), atol=1e-6
        )


def test_cell_options_take_precedence_over_dropout_arguments():
    model = zoo.build(
        "gru_regressor",
        input_dim=2,
        dropout=0.1,
        cell_options={"dropout": 0.3, "reset_after": False},
    )
    cell = model.get_layer("recurrent_0").cell
    assert (cell.dropout, cell.reset_after) == (0.3, False)

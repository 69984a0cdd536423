"""zoo.build / get / list_models / register, and the sequence regressor family."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import SequenceRegressor

REGRESSORS = ["elman_regressor", "gru_regressor", "jordan_regressor", "lstm_regressor",
              "peephole_regressor"]


def test_list_models_names_every_registration():
    assert set(REGRESSORS) <= set(zoo.list_models())
    assert zoo.list_models() == sorted(zoo.list_models())
    assert zoo.get("gru_regressor").defaults == {"cell": "gru"}
    assert "gru" in zoo.get("gru_regressor").description


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"Unknown model 'lstm_regresor'\. Did you mean: lstm_regressor"):
        zoo.build("lstm_regresor", input_dim=2)


def test_unknown_override_names_the_accepted_arguments():
    with pytest.raises(ValueError, match=r"Unknown argument\(s\) 'hidden_size'.*Accepted: input_dim, output_dim, hidden_dim"):
        zoo.build("lstm_regressor", input_dim=2, hidden_size=3)


def test_missing_required_argument_is_named():
    with pytest.raises(ValueError, match=r"needs the argument\(s\) input_dim"):
        zoo.build("lstm_regressor")


def test_register_a_preset_and_refuse_duplicates_and_bad_defaults():
    spec = zoo.register("tiny_gru_regressor_for_test", SequenceRegressor, cell="gru", hidden_dim=3)
    try:
        model = zoo.build("tiny_gru_regressor_for_test", input_dim=2, num_layers=2)
        assert model.hidden_dim == 3 and model.num_layers == 2 and model.cell == "gru"
        assert spec.description.startswith("Stacked recurrent layers")
        with pytest.raises(ValueError, match="already registered"):
            zoo.register("tiny_gru_regressor_for_test", SequenceRegressor)
    finally:
        zoo.registry._REGISTRY.pop("tiny_gru_regressor_for_test")
    with pytest.raises(ValueError, match="Unknown argument"):
        zoo.register("bad_preset_for_test", SequenceRegressor, units=3)


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
    for ours, theirs in zip(restored.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(ours, theirs)


def test_sequence_output_predicts_at_every_step():
    model = zoo.build("peephole_regressor", input_dim=3, output_dim=2, sequence_output=True,
                      cell_options={"projection_units": 2, "cell_clip": 3.0})
    assert model(np.zeros((4, 7, 3), "float32")).shape == (4, 7, 2)
    assert model.get_layer("recurrent_0").cell.projection_units == 2

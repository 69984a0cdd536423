"""zoo.build / get / list_models / register."""

import pytest

import zoo
from zoo.models import SequenceRegressor


def test_list_models_names_every_registration():
    assert {"lstm_regressor", "peephole_regressor"} <= set(zoo.list_models())
    assert zoo.list_models() == sorted(zoo.list_models())
    assert zoo.get("gru_regressor").defaults == {"cell": "gru"}
    assert "gru" in zoo.get("gru_regressor").description


def test_unknown_name_suggests_close_matches():
    with pytest.raises(
        ValueError,
        match=r"Unknown model 'lstm_regresor'\. Did you mean: lstm_regressor",
    ):
        zoo.build("lstm_regresor", input_dim=2)


def test_unknown_override_names_the_accepted_arguments():
    with pytest.raises(
        ValueError,
        match=r"'hidden_size'.*Accepted: input_dim, output_dim, hidden_dim",
    ):
        zoo.build("lstm_regressor", input_dim=2, hidden_size=3)


def test_missing_required_argument_is_named():
    with pytest.raises(ValueError, match=r"needs the argument\(s\) input_dim"):
        zoo.build("lstm_regressor")


def test_register_a_preset_and_refuse_duplicates_and_bad_defaults():
    spec = zoo.register(
        "tiny_gru_regressor_for_test", SequenceRegressor, cell="gru", hidden_dim=3
    )
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

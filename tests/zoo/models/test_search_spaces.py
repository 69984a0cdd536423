"""Each family's search space: the arguments it draws reach the model, and the
conditional ones exist only where their condition holds."""

import keras_tuner
import pytest

import zoo
from zoo.cells import CELLS
from zoo.cells.search_space import cell_space
from zoo.models import (
    Captioner,
    LanguageModel,
    SequenceRegressor,
    TextClassifier,
    caption_vocabulary,
)

CELL_OPTIONS = {
    "peephole_lstm": {"use_peepholes", "cell_clip"},
    "gru": {"reset_after"},
    "elman": {"activation"},
    "lstm": set(),
    "jordan": set(),
}


def _hyperparameters(**values) -> keras_tuner.HyperParameters:
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    return hp


@pytest.mark.parametrize("cell", list(CELLS))
def test_cell_options_are_conditional_on_the_cell(cell):
    hp = _hyperparameters(cell=cell)
    arguments = cell_space(hp)
    assert arguments["cell"] == cell
    assert set(arguments["cell_options"]) == CELL_OPTIONS[cell]
    # Only this cell's options are active (listed in the trial's values).
    other_options = set().union(*CELL_OPTIONS.values()) - CELL_OPTIONS[cell]
    assert CELL_OPTIONS[cell] <= set(hp.values)
    assert not other_options & set(hp.values)


def test_every_registered_family_has_a_space():
    for name in zoo.list_models():
        assert callable(zoo.get(name).cls.search_space), name


def test_a_language_model_gets_the_drawn_values():
    hp = _hyperparameters(
        cell="peephole_lstm",
        use_peepholes=False,
        cell_clip=3.0,
        hidden_dim=256,
        num_layers=3,
        dropout=0.2,
        variational_dropout=True,
        tie_weights=True,
        optimizer="adam",
        adam_learning_rate=0.004,
        global_clipnorm=10.0,
    )
    arguments = LanguageModel.search_space(hp)
    assert "sgd_learning_rate" not in hp.values  # the other optimizer's range
    lm = zoo.build("peephole_lm", vocabulary_size=11, **arguments)
    config = lm.get_config()
    expected = {
        "hidden_dim": 256,
        "num_layers": 3,
        "dropout": 0.2,
        "variational_dropout": True,
        "tie_weights": True,
        "optimizer": "adam",
        "learning_rate": 0.004,
        "global_clipnorm": 10.0,
        "cell_options": {"use_peepholes": False, "cell_clip": 3.0},
    }
    assert {key: config[key] for key in expected} == expected
    cell = lm.recurrent_layers[0].cell
    assert cell.use_peepholes is False and cell.cell_clip == 3.0


def test_a_fixed_learning_rate_is_not_searched():
    # A preset's recipe (Zaremba et al.'s SGD at 1.0) keeps its rate.
    hp = _hyperparameters(optimizer="sgd", learning_rate=1.0)
    assert LanguageModel.search_space(hp)["learning_rate"] == 1.0
    assert "sgd_learning_rate" not in hp.values


def test_a_classifier_and_a_regressor_get_the_drawn_values():
    hp = _hyperparameters(
        cell="gru",
        reset_after=False,
        bidirectional=True,
        embedding_dim=32,
        hidden_dim=64,
        num_layers=2,
        pooling="attention",
        dropout=0.3,
        embedding_dropout=0.1,
        learning_rate=0.002,
    )
    classifier = zoo.build(
        "gru_classifier", vocabulary_size=20, **TextClassifier.search_space(hp)
    )
    config = classifier.get_config()
    for name in ("bidirectional", "embedding_dim", "hidden_dim", "num_layers"):
        assert config[name] == hp.values[name]
    assert config["pooling"] == "attention" and config["learning_rate"] == 0.002
    assert config["cell_options"] == {"reset_after": False}

    hp = _hyperparameters(
        cell="elman", activation="relu", hidden_dim=16, num_layers=2, dropout=0.1
    )
    regressor = zoo.build(
        "elman_regressor", input_dim=3, **SequenceRegressor.search_space(hp)
    )
    config = regressor.get_config()
    assert (config["hidden_dim"], config["num_layers"]) == (16, 2)
    assert config["cell_options"] == {"activation": "relu"}


@pytest.mark.parametrize(
    ("schedule", "parameter", "argument", "value"),
    [
        ("linear", "sampling_slope", "sampling_slope", 1e-4),
        ("exponential", "exponential_k", "sampling_k", 0.995),
        ("inverse_sigmoid", "inverse_sigmoid_k", "sampling_k", 100.0),
        ("off", None, None, None),
    ],
)
def test_sampling_parameters_are_conditional_on_the_schedule(
    schedule, parameter, argument, value
):
    values = {"scheduled_sampling": schedule, "injection": "merge"}
    if parameter:
        values |= {parameter: value, "sampling_minimum": 0.25}
    hp = _hyperparameters(**values)
    arguments = Captioner.search_space(hp)
    sampling = {"sampling_slope", "sampling_k", "sampling_minimum"}
    if schedule == "off":
        assert arguments["scheduled_sampling"] is None
        assert not sampling & set(arguments)
        assert not {"exponential_k", "inverse_sigmoid_k"} & set(hp.values)
        return
    assert arguments["scheduled_sampling"] == schedule
    assert sampling & set(arguments) == {argument, "sampling_minimum"}
    captioner = zoo.build(
        "lstm_captioner",
        vocabulary=caption_vocabulary(["a b", "b a"]),
        image_shape=(24, 24, 3),
        **arguments,
    )
    config = captioner.get_config()
    assert config[argument] == value and config["sampling_minimum"] == 0.25
    assert config["injection"] == "merge"


def test_sampling_arguments_the_caller_holds_are_not_searched():
    hp = _hyperparameters(
        scheduled_sampling="inverse_sigmoid", sampling_k=50.0, sampling_minimum=0.1
    )
    arguments = Captioner.search_space(hp)
    assert (arguments["sampling_k"], arguments["sampling_minimum"]) == (50.0, 0.1)
    assert "inverse_sigmoid_k" not in hp.values

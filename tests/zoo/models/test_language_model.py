"""LanguageModel: perplexity by hand, the recipe, tying, presets, round trips."""

import keras
import numpy as np
import pytest

import zoo
from zoo.vocabulary import Vocabulary


def _tiny_model(**overrides):
    keras.utils.set_random_seed(0)
    arguments = {"vocabulary_size": 11, "hidden_dim": 8, "num_layers": 2}
    return zoo.build("lstm_lm", **arguments | overrides)


def _log_softmax(logits):
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def test_reported_perplexity_is_exp_of_the_mean_token_cross_entropy():
    model = _tiny_model()
    model.compile()
    rng = np.random.default_rng(0)
    inputs = rng.integers(0, 11, size=(6, 7)).astype("int32")
    targets = rng.integers(0, 11, size=(6, 7)).astype("int32")
    reported = model.evaluate(
        inputs, targets, batch_size=4, return_dict=True, verbose=0
    )
    logits = np.asarray(model.predict(inputs, verbose=0), dtype="float64")
    token_log_probs = np.take_along_axis(_log_softmax(logits), targets[..., None], -1)
    by_hand = np.exp(-token_log_probs.mean())
    np.testing.assert_allclose(reported["perplexity"], by_hand, rtol=1e-5)
    np.testing.assert_allclose(reported["loss"], np.log(by_hand), rtol=1e-5)


def test_zaremba_learning_rate_schedule():
    small = zoo.build("lstm_lm_ptb_small")
    rates = [small.learning_rate_at(epoch) for epoch in range(7)]
    assert rates == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25, 0.125]
    medium = zoo.build("lstm_lm_ptb_medium")
    assert medium.learning_rate_at(5) == 1.0
    np.testing.assert_allclose(medium.learning_rate_at(6), 1 / 1.2)
    large = zoo.build("lstm_lm_ptb_large")
    assert (large.hidden_dim, large.dropout, large.global_clipnorm) == (
        1500,
        0.65,
        10.0,
    )


def test_compile_with_no_arguments_gives_the_recipe_optimizer():
    model = zoo.build("lstm_lm_ptb_small")
    model.compile()
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    # Zaremba's time-summed loss as the per-token mean: lr x T, clipnorm / T.
    assert model.sum_loss_over_time and model.sequence_length == 20
    np.testing.assert_allclose(model.optimizer.global_clipnorm, 5.0 / 20)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 1.0 * 20)
    scheduler = model.recipe_callbacks()[0]
    np.testing.assert_allclose(scheduler.schedule(4, None), 0.5 * 20)  # epoch 5


@pytest.mark.parametrize("clipnorm", [0.05, 100.0])  # clipping active, inactive
def test_sum_loss_over_time_makes_the_updates_of_the_time_summed_loss(clipnorm):
    steps, rng = 5, np.random.default_rng(0)
    inputs = rng.integers(0, 11, size=(3, steps)).astype("int32")
    targets = rng.integers(0, 11, size=(3, steps)).astype("int32")
    options = {"sequence_length": steps, "learning_rate": 0.7}
    ours = _tiny_model(sum_loss_over_time=True, global_clipnorm=clipnorm, **options)
    ours.compile()
    summed = _tiny_model(**options)  # same seed, same initial weights

    def time_summed_loss(y_true, logits):  # mean over the batch, sum over time
        ce = keras.losses.sparse_categorical_crossentropy(y_true, logits, True)
        return steps * ce

    summed.compile(
        optimizer=keras.optimizers.SGD(0.7, global_clipnorm=clipnorm),
        loss=time_summed_loss,
    )
    for model in (ours, summed):
        model.train_on_batch(inputs, targets)
    for mine, reference in zip(ours.get_weights(), summed.get_weights(), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)
    assert not np.allclose(ours.get_weights()[0], _tiny_model().get_weights()[0])


def test_sum_loss_over_time_is_refused_for_adam():
    with pytest.raises(ValueError, match="sum_loss_over_time=True is implemented"):
        _tiny_model(sum_loss_over_time=True, optimizer="adam")


def test_tied_weights_share_one_matrix_and_save_parameters():
    untied = _tiny_model()
    tied = _tiny_model(tie_weights=True)
    # The output matrix (8 x 11) and its bias (11) are gone.
    assert untied.count_params() - tied.count_params() == 8 * 11 + 11
    embedding = tied.get_layer("embedding").embeddings
    logits = tied(np.array([[3]]), training=False)
    x = tied.embedding(np.array([[3]]))
    for layer in tied.recurrent_layers:
        x = layer(x)
    np.testing.assert_allclose(logits, x @ keras.ops.transpose(embedding), atol=1e-6)


def test_tying_needs_equal_embedding_and_hidden_sizes():
    with pytest.raises(
        ValueError, match="embedding_dim == hidden_dim.*embedding_dim=4"
    ):
        _tiny_model(tie_weights=True, embedding_dim=4)


def test_init_scale_bounds_every_weight():
    model = _tiny_model(init_scale=0.05)
    for weight in model.get_weights():
        assert np.abs(weight).max() <= 0.05


def test_a_vocabulary_that_does_not_match_the_model_is_refused():
    vocabulary = Vocabulary(list("abc"), level="char")
    with pytest.raises(
        ValueError, match="vocabulary has 3 tokens.*vocabulary_size=10000"
    ):
        zoo.build("lstm_lm_ptb_small", vocabulary=vocabulary)


def test_unknown_preset_names_close_matches():
    with pytest.raises(ValueError, match="Did you mean: lstm_lm_ptb_small"):
        zoo.build("lstm_lm_ptb_smal")


@pytest.mark.parametrize("cell", ["elman", "jordan", "gru", "peephole"])
def test_every_cell_family_is_registered(cell):
    model = zoo.build(f"{cell}_lm", vocabulary_size=7, hidden_dim=4, num_layers=1)
    assert model(np.zeros((2, 3), "int32")).shape == (2, 3, 7)


def test_keras_round_trip_keeps_outputs_vocabulary_and_optimizer(tmp_path):
    vocabulary = Vocabulary(list("abcdefghijk"), level="char")
    model = _tiny_model(vocabulary_size=None, vocabulary=vocabulary, dropout=0.3)
    model.compile()
    tokens = np.array([[1, 2, 3, 4]])
    model.fit(tokens, tokens, verbose=0)
    model.save(tmp_path / "lm.keras")
    loaded = keras.models.load_model(tmp_path / "lm.keras")
    np.testing.assert_allclose(
        loaded.predict(tokens, verbose=0), model.predict(tokens, verbose=0), atol=1e-6
    )
    assert loaded.vocabulary == vocabulary
    assert loaded.encode("cab") == [2, 0, 1]
    assert int(loaded.optimizer.iterations) == 1

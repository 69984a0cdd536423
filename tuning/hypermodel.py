"""Any registered zoo model as a Keras Tuner `HyperModel`."""

import keras
import keras_tuner
import tensorflow as tf

import zoo
from tasks import training
from zoo.registry import check_arguments

# The types a Keras Tuner hyperparameter value may have.
HYPERPARAMETER_TYPES = (bool, int, float, str)
# A held-apart None as a hyperparameter (spaces read "off" as None).
OFF = "off"


class ZooHyperModel(keras_tuner.HyperModel):
    """Builds the registered `model` with constructor arguments drawn from its
    family's search space (`cls.search_space`, a function hp -> arguments) and
    compiles it with the task's defaults (`tasks.training.compile_for_training`).

    Held apart from the search:

    - the registration's own arguments (`lstm_lm` fixes `cell="lstm"`,
      `bilstm_classifier` also `bidirectional=True`), except the names in `free`,
      which the search chooses after all (`free=["cell"]` searches every cell);
    - `fixed`: any constructor arguments the caller sets;
    - the arguments the data fixes (`trials.fixed`: a vocabulary, label names,
      an image shape), which are not part of a preset.

    `trials` (a `tuning.trial_data` object) fits each trial's model on its task's
    data; without it, `fit` passes on what `tuner.search(...)` was given.
    `precision` and `jit_compile` as in `tasks.training`; `seed` starts every
    trial from the same random state, so trials differ by their hyperparameters
    only.
    """

    def __init__(
        self,
        model: str,
        fixed: dict | None = None,
        free=(),
        trials=None,
        precision: str = "float32",
        jit_compile: bool | str = "auto",
        seed: int | None = None,
    ):
        spec = zoo.get(model)  # unknown names raise with close matches
        space = getattr(spec.cls, "search_space", None)
        if space is None:
            raise ValueError(
                f"{model!r} ({spec.cls.__name__}) has no search space: give its "
                "class a `search_space` (hp -> constructor arguments)."
            )
        fixed = dict(fixed or {})
        check_arguments(spec.cls, fixed, f"model {model!r}")
        not_fixed = sorted(set(free) - set(spec.defaults))
        if not_fixed:
            raise ValueError(
                f"{', '.join(map(repr, not_fixed))} is not fixed by {model!r}, so "
                f"there is nothing to free; it fixes: "
                f"{', '.join(spec.defaults) or 'nothing'}."
            )
        training.check_precision(precision)
        super().__init__(name=model)
        self.model_name, self.space = model, space
        self.fixed, self.trials = fixed, trials
        # The registration's arguments (less the freed ones), then the caller's.
        registered = {k: v for k, v in spec.defaults.items() if k not in free}
        self.held_apart = {**registered, **fixed}
        self.precision, self.jit_compile, self.seed = precision, jit_compile, seed

    def hyperparameters(self) -> keras_tuner.HyperParameters:
        """The search's starting `HyperParameters`: every held-apart argument
        that a hyperparameter can hold, as `Fixed`, so the space returns it
        instead of searching it; None (which no hyperparameter holds) as "off",
        which spaces read as None (`scheduled_sampling`), and which `arguments`
        replaces with None anyway."""
        hp = keras_tuner.HyperParameters()
        for name, value in self.held_apart.items():
            if value is None:
                hp.Fixed(name, OFF)
            elif isinstance(value, HYPERPARAMETER_TYPES):
                hp.Fixed(name, value)
        return hp

    def arguments(self, hp) -> dict:
        """The constructor arguments of `hp`'s trial (without the data's): what a
        preset of it holds. A held-apart argument that a hyperparameter can hold
        reaches the space as `Fixed` (`hyperparameters`); the others, and those
        the space does not name, are added here."""
        arguments = self.space(hp)
        for name, value in self.held_apart.items():
            if name not in arguments or not isinstance(value, HYPERPARAMETER_TYPES):
                arguments[name] = value
        return arguments

    def build(self, hp) -> keras.Model:
        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        data_fixed = self.trials.fixed if self.trials is not None else {}
        with training.precision(self.precision):
            arguments = {**self.arguments(hp), **data_fixed}  # the data's win
            model = zoo.build(self.model_name, **arguments)
            training.compile_for_training(
                model, tf.distribute.get_strategy(), self.jit_compile
            )
        return model

    def fit(self, hp, model, *args, **kwargs):
        if self.trials is None:
            return model.fit(*args, **kwargs)
        return self.trials.fit(model, **kwargs)

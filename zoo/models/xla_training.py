"""XLA for the training steps of task models where the zoo measured it faster.

Keras's `jit_compile="auto"` never uses XLA on a TensorFlow CPU; for the LSTM
family's hand-written BPTT up to 200 units it was faster there
(`zoo.layers.xla_speeds_up_training`, BENCHMARKS.md "XLA on a CPU").
"""

import warnings

from zoo.layers.xla_choice import xla_speeds_up_training


class ChosenXlaTraining:
    """A `keras.Model` mixin: with `compile(jit_compile="auto")` (the default), the
    training step compiles with XLA where `xla_speeds_up_training` holds for the
    model's `recurrent_layers` (in models whose class sets `trains_unmasked`), on
    one device and not eagerly (Keras's own "auto" also avoids XLA under a
    `tf.distribute` strategy).

    Only the training step: evaluation and prediction see sequences of any length,
    for each of which XLA would compile again. `jit_compile` itself stays as Keras
    resolved it, and the saved compile config keeps "auto", so a reloaded model
    chooses again on its own host.
    """

    # True where training inputs carry no mask (the hand-written BPTT needs that).
    trains_unmasked = False
    _xla_chosen_for_training = False

    def choose_xla_for_training(self, jit_compile) -> None:
        """Call at the end of `compile` with the `jit_compile` it was given."""
        if jit_compile != "auto":
            self._xla_chosen_for_training = False
            return
        # Keras saves "auto" resolved (False on a CPU), which a reloaded model
        # would take as an explicit choice; keep "auto" to choose again there.
        self._compile_config.config["jit_compile"] = "auto"
        self._xla_chosen_for_training = (
            self.trains_unmasked
            and not self.jit_compile  # Keras's own "auto" said no
            and not self.run_eagerly
            and getattr(self, "_distribute_strategy", None) is None
            and xla_speeds_up_training(self.recurrent_layers)
            and self._keras_accepts_xla()
        )

    def _keras_accepts_xla(self) -> bool:
        """Whether Keras's `jit_compile` setter keeps True for this model (it
        refuses under op determinism and for layers without XLA support)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.jit_compile = True
        accepted = self.jit_compile
        self.jit_compile = False
        return accepted

    @property
    def trains_with_xla(self) -> bool:
        """Whether the training step compiles with XLA (asked for, or chosen)."""
        return bool(self.jit_compile or self._xla_chosen_for_training)

    def make_train_function(self, force=False):
        if not self._xla_chosen_for_training or self.jit_compile:
            return super().make_train_function(force)
        # Keras builds the step with `self.jit_compile`: XLA for this one only.
        self.jit_compile = True
        try:
            return super().make_train_function(force)
        finally:
            self.jit_compile = False

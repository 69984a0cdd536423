"""XLA for the training steps of task models where the zoo measured it faster.

Keras's `jit_compile="auto"` never uses XLA on a TensorFlow CPU; for the LSTM
family's hand-written BPTT up to 512 units it was 1.1-1.3x faster there
(`zoo.layers.xla_speeds_up_training`, BENCHMARKS.md "XLA on a CPU").
"""

from zoo.layers.xla_choice import xla_speeds_up_training


class ChosenXlaTraining:
    """A `keras.Model` mixin: with `compile(jit_compile="auto")` (the default), the
    training step compiles with XLA where `xla_speeds_up_training` holds for the
    model's `unmasked_recurrent_layers()`, on one device (Keras's own "auto" also
    avoids XLA under a `tf.distribute` strategy).

    Only the training step: evaluation and prediction see sequences of any length,
    for each of which XLA would compile again. `jit_compile` itself stays as Keras
    resolved it, so a saved model's compile config still says "auto" and a reloaded
    model chooses again on its own host.
    """

    def unmasked_recurrent_layers(self) -> list:
        """The recurrent layers that see no mask in training (the hand-written BPTT
        needs unmasked sequences): none unless the model says so."""
        return []

    def choose_xla_for_training(self, jit_compile) -> None:
        """Call at the end of `compile` with the `jit_compile` it was given."""
        if jit_compile == "auto" and hasattr(self, "_compile_config"):
            # Keras saves "auto" resolved (False on a CPU), which a reloaded model
            # would take as an explicit choice; keep "auto" to choose again there.
            self._compile_config.config["jit_compile"] = "auto"
        self._xla_chosen_for_training = (
            jit_compile == "auto"
            and getattr(self, "_distribute_strategy", None) is None
            and xla_speeds_up_training(self.unmasked_recurrent_layers())
        )

    @property
    def trains_with_xla(self) -> bool:
        """Whether the training step compiles with XLA (asked for, or chosen)."""
        return bool(
            self.jit_compile or getattr(self, "_xla_chosen_for_training", False)
        )

    def make_train_function(self, force=False):
        if not getattr(self, "_xla_chosen_for_training", False):
            return super().make_train_function(force)
        # Keras builds the step with `self.jit_compile`: XLA for this one only.
        self.jit_compile = True
        try:
            return super().make_train_function(force)
        finally:
            self.jit_compile = False

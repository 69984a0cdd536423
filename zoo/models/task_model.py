"""The base of every zoo task model: its own compile defaults survive save/load,
its gradient is clipped after the replicas' sum, and its outputs stay float32
under mixed precision."""

import keras

from zoo.models.gradient_clipping import GradientNorm, clip_after_aggregation
from zoo.models.xla_training import ChosenXlaTraining


class TaskModel(ChosenXlaTraining, keras.Model):
    """A functional `keras.Model` whose `compile()` has task defaults.

    On TensorFlow, `compile()` also makes the optimizer clip (`clipnorm`,
    `global_clipnorm`, `clipvalue`) the gradient summed over a `tf.distribute`
    strategy's replicas, as one device would, instead of each replica's share
    (`zoo.models.gradient_clipping`), and adds the `gradient_norm` metric: the
    global norm of that gradient before clipping, logged in training (not in
    evaluation). With `jit_compile="auto"` the training step compiles with XLA
    where the zoo measured it faster (`ChosenXlaTraining`).

    Keras skips `compile_from_config` (and with it the optimizer's saved state) for
    any model that overrides `compile`; this restores Keras's own behaviour, so a
    `.keras` file loads compiled, optimizer state included, and training resumes.
    """

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        gradient_norm = None
        if keras.backend.backend() == "tensorflow":
            gradient_norm = GradientNorm()
            if not isinstance(metrics, dict):  # per-output metrics: not logged
                metrics = list(metrics or [])
                reloaded = [m for m in metrics if isinstance(m, GradientNorm)]
                if reloaded:  # from a saved compile config
                    gradient_norm = reloaded[0]
                else:
                    metrics.append(gradient_norm)
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)
        if gradient_norm is not None:
            clip_after_aggregation(self.optimizer, gradient_norm)
        self.choose_xla_for_training(kwargs.get("jit_compile", "auto"))

    def test_step(self, *args, **kwargs):
        logs = super().test_step(*args, **kwargs)
        if isinstance(logs, dict):  # TensorFlow: no gradient in evaluation
            logs.pop("gradient_norm", None)
        return logs

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)


def float32_outputs(outputs):
    """`outputs` as float32 when the global dtype policy computes in 16 bits, so
    the loss (and a softmax) run in float32; unchanged otherwise. Call it on the
    last symbolic tensor of a task model's functional graph."""
    if keras.config.dtype_policy().compute_dtype == "float32":
        return outputs
    return keras.layers.Activation("linear", dtype="float32", name="float32_outputs")(
        outputs
    )

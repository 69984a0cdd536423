"""The base of every zoo task model: its own compile defaults survive save/load."""

import keras


class TaskModel(keras.Model):
    """A functional `keras.Model` whose `compile()` has task defaults.

    Keras skips `compile_from_config` (and with it the optimizer's saved state) for
    any model that overrides `compile`; this restores Keras's own behaviour, so a
    `.keras` file loads compiled, optimizer state included, and training resumes.
    """

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

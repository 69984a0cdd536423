"""Test-wide settings for both Keras backends."""

import keras

if keras.backend.backend() == "jax":
    import jax

    # The finite-difference tests run in float64, which JAX disables by default.
    jax.config.update("jax_enable_x64", True)

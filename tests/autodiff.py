"""Gradients of a layer's scalar loss with the running backend's own autodiff."""

import keras


def loss_and_gradients(layer, inputs, loss_fn, training=False, compiled=False):
    """Returns (loss, gradients of loss_fn(layer(inputs)) w.r.t. each trainable
    weight, gradient w.r.t. the inputs), as NumPy arrays. With `compiled`, traced
    as a training step is (`tf.function`, `jax.jit`); else run eagerly."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        def fn(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = loss_fn(layer(x, training=training))
            return loss, tape.gradient(loss, layer.trainable_variables + [x])

        fn = tf.function(fn) if compiled else fn
        loss, (*weight_grads, input_grad) = fn(tf.constant(inputs))
    elif backend == "jax":
        import jax

        non_trainable = [v.value for v in layer.non_trainable_variables]

        def fn(trainable, x):
            outputs, _ = layer.stateless_call(
                trainable, non_trainable, x, training=training
            )
            return loss_fn(outputs)

        trainable = [v.value for v in layer.trainable_variables]
        loss_and_grads = jax.value_and_grad(fn, argnums=(0, 1))
        loss_and_grads = jax.jit(loss_and_grads) if compiled else loss_and_grads
        loss, (weight_grads, input_grad) = loss_and_grads(trainable, inputs)
    else:
        raise NotImplementedError(f"No gradient helper for the {backend} backend.")
    as_numpy = keras.ops.convert_to_numpy
    return (
        float(as_numpy(loss)),
        [as_numpy(g) for g in weight_grads],
        as_numpy(input_grad),
    )

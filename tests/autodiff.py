"""Gradients of a layer's scalar loss with the running backend's own autodiff."""

import keras


def loss_and_gradients(layer, inputs, loss_fn, training=False):
    """Returns (loss, gradients of loss_fn(layer(inputs)) w.r.t. each trainable
    weight, gradient w.r.t. the inputs), as NumPy arrays."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(inputs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = loss_fn(layer(x, training=training))
        *weight_grads, input_grad = tape.gradient(loss, layer.trainable_variables + [x])
    elif backend == "jax":
        import jax

        non_trainable = [v.value for v in layer.non_trainable_variables]

        def fn(trainable, x):
            outputs, _ = layer.stateless_call(
                trainable, non_trainable, x, training=training
            )
            return loss_fn(outputs)

        trainable = [v.value for v in layer.trainable_variables]
        loss, (weight_grads, input_grad) = jax.value_and_grad(fn, argnums=(0, 1))(
            trainable, inputs
        )
    else:
        raise NotImplementedError(f"No gradient helper for the {backend} backend.")
    as_numpy = keras.ops.convert_to_numpy
    return (
        float(as_numpy(loss)),
        [as_numpy(g) for g in weight_grads],
        as_numpy(input_grad),
    )

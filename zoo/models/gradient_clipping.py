"""Gradient clipping on the gradient that is actually applied: after the replicas'
gradients are summed, not before (../shared/PITFALLS.md 1).

Under a `tf.distribute` strategy, Keras 3.15's optimizers clip (`clipnorm`,
`global_clipnorm`, `clipvalue`) inside `apply`, on each replica's share of the
gradient, and TensorFlow's optimizer sums the shares afterwards: the applied update
can reach N times the bound with N replicas. `clip_after_aggregation` moves each of
those clips after the sum, where one device would apply them, and feeds the global
norm of the summed gradient before clipping to a `GradientNorm` metric, so `fit`
logs it. Keras has no hook for this, so two private methods are overridden on the
optimizer instance (keras is pinned to 3.15.x in setup.py;
tests/tasks/test_distributed_training.py pins the behaviour on real strategies).
TensorFlow only: JAX's optimizers see the whole batch's gradient and have no
cross-replica sum to move.

The norm is Keras's (`global_norm`, the one `global_clipnorm` uses), as
`tf.clip_by_global_norm` and Zaremba et al.'s PTB code compute it: an embedding's
sparse gradient (IndexedSlices) counts each looked-up row separately, without first
adding up the rows of a token that occurs several times in the batch.
"""

import keras
from keras.src.optimizers.base_optimizer import BaseOptimizer, global_norm


@keras.saving.register_keras_serializable(package="rnn_zoo")
class GradientNorm(keras.metrics.Mean):
    """The global L2 norm of the (summed) gradient before clipping, averaged over
    the steps so far in the epoch, as Keras averages every metric. The optimizer
    feeds it (`record`), not the model's outputs, so `update_state` ignores them."""

    def __init__(self, name="gradient_norm", **kwargs):
        super().__init__(name=name, **kwargs)

    def update_state(self, y_true=None, y_pred=None, sample_weight=None):
        """Called by `compile`'s metrics with the batch: nothing to do."""

    def record(self, norm):
        super().update_state(norm)


def clip_after_aggregation(optimizer, gradient_norm: GradientNorm):
    """Makes a TensorFlow-backend `optimizer` (or the inner optimizer of a
    `LossScaleOptimizer`) clip the replicas' summed gradient, and record its
    pre-clip global norm in `gradient_norm`. With one replica the update is what
    Keras computes."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = optimizer.inner_optimizer
    # Compiling again with the same optimizer re-wraps Keras's own methods, once.
    optimizer.__dict__.pop("_clip_gradients", None)
    optimizer.__dict__.pop("_all_reduce_sum_gradients", None)
    sum_across_replicas = optimizer._all_reduce_sum_gradients

    def sum_then_clip(grads_and_vars):
        grads_and_vars = sum_across_replicas(grads_and_vars)
        grads = [grad for grad, _ in grads_and_vars]
        gradient_norm.record(global_norm(grads))
        clipped = BaseOptimizer._clip_gradients(optimizer, grads)  # Keras's clips
        return [
            (grad, variable)
            for grad, (_, variable) in zip(clipped, grads_and_vars, strict=True)
        ]

    optimizer._clip_gradients = lambda grads: grads  # moved after the sum
    optimizer._all_reduce_sum_gradients = sum_then_clip

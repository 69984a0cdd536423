"""Two fixes that make `model.fit` run under MultiWorkerMirroredStrategy with Keras
3.15.1 and TensorFlow 2.21 (../shared/PITFALLS.md 2; keras#20585,
tensorflow#72388). Keras has no option for either, so `apply()` replaces the two
functions in Keras's TensorFlow trainer (keras is pinned to 3.15.x in setup.py;
tests/tasks/test_multi_worker.py trains two real workers to pin the result):

1. Before the first step, `fit` builds the model on one batch, which it gets by
   averaging the replicas' batches with `strategy.reduce` in eager mode; across
   workers that reduce cannot take the per-replica batch and fails. Any one
   replica's batch has the shapes the build needs, so the fix takes the first
   local one.
2. After each step, `fit` averages the logs across workers with
   `strategy.reduce("MEAN", value, axis=0)`, which fails for scalar logs (the loss,
   every metric). The fix reduces scalars with `axis=None`.
"""

import tensorflow as tf
from keras.src import tree
from keras.src.backend.tensorflow import trainer as tensorflow_trainer

_keras_reduce_per_replica = tensorflow_trainer.reduce_per_replica


def _reduce_per_replica(values, strategy, reduction):
    """Keras's reduction, with scalars averaged across workers without an axis."""
    if reduction in ("auto", "mean") and (
        tensorflow_trainer._collective_all_reduce_multi_worker(strategy)
    ):
        return tree.map_structure(
            lambda value: strategy.reduce(
                "MEAN", value, axis=None if _rank(value, strategy) == 0 else 0
            ),
            values,
        )
    return _keras_reduce_per_replica(values, strategy, reduction)


def _rank(value, strategy) -> int:
    """The rank of a tensor, or of one replica's part of a PerReplica value (with
    several replicas per worker)."""
    if isinstance(value, tf.distribute.DistributedValues):
        value = strategy.experimental_local_results(value)[0]
    return value.shape.rank


def _maybe_symbolic_build(self, iterator=None, data_batch=None):
    """Keras's `_maybe_symbolic_build`, building on the first local replica's batch
    instead of a cross-worker average of the batches."""
    if self._distribute_strategy is None:
        return
    if iterator is not None:
        for _, _, distributed_iterator in iterator:
            batch = next(distributed_iterator)
            data_batch = tree.map_structure(
                lambda value: (
                    self.distribute_strategy.experimental_local_results(value)[0]
                    if isinstance(value, tf.distribute.DistributedValues)
                    else value
                ),
                batch,
            )
            break
    with self.distribute_strategy.scope():
        self._symbolic_build(data_batch=data_batch)


def apply() -> None:
    """Installs both fixes (idempotent)."""
    tensorflow_trainer.reduce_per_replica = _reduce_per_replica
    tensorflow_trainer.TensorFlowTrainer._maybe_symbolic_build = _maybe_symbolic_build

"""How every task trains: a `tf.distribute` strategy picked by name, numeric
precision and XLA.

    strategy = get_strategy("mirrored")
    with precision("mixed_bfloat16"), strategy.scope():
        model = zoo.build(...)
        compile_for_training(model, strategy, jit_compile=False)
    model.fit(...)
"""

import contextlib
import json
import os

import keras
import tensorflow as tf

from tasks import multi_worker_fixes
from tasks.options import PRECISIONS, STRATEGIES


def get_strategy(name: str = "default") -> tf.distribute.Strategy:
    """The strategy for `name`:

    - "default": one device (TensorFlow's default strategy);
    - "mirrored": every local GPU (else every logical CPU device) as replicas of
      one process;
    - "multi_worker": one process per machine, the cluster read from the
      `TF_CONFIG` environment variable (`{"cluster": {"worker": [...]}, "task":
      {"type": "worker", "index": i}}`), synchronous all-reduce between them;
    - "tpu": the TPU found by `TPUClusterResolver` (a Cloud TPU VM or the
      `TPU_NAME` environment variable).

    Refuses at once, before any model is built, when the hardware or the
    configuration a strategy needs is not there.
    """
    if name not in STRATEGIES:
        raise ValueError(
            f"Unknown strategy {name!r}; expected one of {', '.join(STRATEGIES)}."
        )
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return _mirrored_strategy()
    if name == "multi_worker":
        _check_tf_config(os.environ.get("TF_CONFIG"))
        multi_worker_fixes.apply()
        return tf.distribute.MultiWorkerMirroredStrategy()
    return _tpu_strategy()


def _mirrored_strategy() -> tf.distribute.MirroredStrategy:
    """Every local GPU (NCCL all-reduce), else every logical CPU device with the
    gradients summed on one of them: TF 2.21's collective all-reduce between CPU
    devices reuses its keys in a second strategy of the same process and fails
    there with "Shape mismatch in the collective instance"."""
    if tf.config.list_logical_devices("GPU"):
        return tf.distribute.MirroredStrategy()
    return tf.distribute.MirroredStrategy(
        [device.name for device in tf.config.list_logical_devices("CPU")],
        cross_device_ops=tf.distribute.ReductionToOneDevice(),
    )


def _check_tf_config(tf_config: str | None) -> None:
    if not tf_config:
        raise ValueError(
            "The multi_worker strategy needs TF_CONFIG: set it on every machine to "
            '{"cluster": {"worker": ["host0:port", "host1:port"]}, "task": '
            '{"type": "worker", "index": I}} with I this machine\'s position.'
        )
    try:
        config = json.loads(tf_config)
        workers = config["cluster"]["worker"]
        config["task"]["index"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"TF_CONFIG is not a cluster description ({error!r}); got {tf_config!r}."
        ) from None
    if not workers:
        raise ValueError(f"TF_CONFIG lists no workers; got {tf_config!r}.")


def _tpu_strategy() -> tf.distribute.TPUStrategy:
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise ValueError(
            "The tpu strategy found no TPU (run on a Cloud TPU VM, or set TPU_NAME "
            f"to the TPU's name or grpc:// address): {error}"
        ) from None
    return tf.distribute.TPUStrategy(resolver)


@contextlib.contextmanager
def precision(policy: str = "float32"):
    """Builds the models made inside it with Keras's dtype policy `policy`, and
    restores the previous global policy on the way out. Mixed policies compute in
    16 bits and keep the weights (and, in zoo models, the LSTM memory cell and the
    outputs) in float32; `mixed_float16` also gets Keras's dynamic loss scaling
    (a LossScaleOptimizer) in `compile`."""
    check_precision(policy)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def check_precision(policy: str) -> None:
    """Refuses a dtype policy name that is not one of `PRECISIONS`."""
    if policy not in PRECISIONS:
        raise ValueError(
            f"Unknown precision {policy!r}; expected one of {', '.join(PRECISIONS)}."
        )


def compile_for_training(
    model: keras.Model,
    strategy: tf.distribute.Strategy,
    jit_compile: bool | str = "auto",
) -> None:
    """`model.compile()` with the task's defaults (zoo task models clip the gradient
    after the replicas' sum and log `gradient_norm`). `jit_compile`: True or False
    forces XLA on or off; "auto" leaves it to the model on a CPU (task models use
    XLA for training where it was measured faster:
    `zoo.layers.xla_speeds_up_training`) and means False on a GPU, where XLA is
    unmeasured here (Keras's own "auto" would compile every step with it). Call it
    in `strategy.scope()`; refuses what `check_replicas` refuses."""
    check_replicas(
        strategy.num_replicas_in_sync,
        getattr(model, "stateful", False),
        model.dtype_policy.name,
    )
    if jit_compile == "auto" and tf.config.list_logical_devices("GPU"):
        jit_compile = False
    model.compile(jit_compile=jit_compile)


def check_replicas(replicas: int, stateful: bool, policy: str) -> None:
    """Refuses, on several replicas: stateful (truncated BPTT) models, since
    `tf.distribute` splits each global batch between the replicas and the states
    a stateful layer carries to the next batch are not split with it; and
    mixed_float16 (see the error)."""
    if replicas > 1 and stateful:
        raise ValueError(
            f"A stateful model (truncated BPTT) cannot train on {replicas} replicas: "
            "the recurrent states carried from batch to batch are not split with "
            "the batch. Train it stateless (--stateless: every window starts from "
            "zero states) or on one device (--strategy default)."
        )
    if replicas > 1 and policy == "mixed_float16":
        raise ValueError(
            f"mixed_float16 cannot train on {replicas} replicas: Keras 3.15's loss "
            "scaling checks only the first replica's gradient for overflow, so an "
            "overflow on another one would reach the weights. Use mixed_bfloat16 "
            "(no loss scaling) or one device."
        )

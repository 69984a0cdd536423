"""The names users pick training options from, shared by `tasks.training` and the
CLI without importing TensorFlow (so `rnn-zoo --help` stays quick)."""

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")

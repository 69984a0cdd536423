"""Corpora, tokenisation and tf.data pipelines (filled in by the task issues)."""

"""Batching for zoo models (backend-agnostic `keras.utils.PyDataset`s)."""

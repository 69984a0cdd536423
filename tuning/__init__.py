"""Keras Tuner searches over registered zoo models (filled in by the tuning issue)."""

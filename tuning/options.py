"""The tuners by name (a module without imports, so `rnn-zoo --help` stays fast)."""

TUNERS = ("random", "bayesian", "hyperband")

"""Names the tune command line needs (a module without imports, so `rnn-zoo --help`
stays fast)."""

TUNERS = ("random", "bayesian", "hyperband")

# The data options of each task's search, by model family (beside data,
# batch_size and seed); `tuning.tune` refuses the others.
DATA_OPTIONS = {
    "LanguageModel": ("level", "stateless"),
    "TextClassifier": ("valid_data", "text_column", "label_column", "max_tokens"),
    "Captioner": ("images", "image_size", "max_tokens"),
}

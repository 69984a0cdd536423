"""Named text-classifier configurations, each the model of a measured recipe
(BENCHMARKS.md, "Text classification")."""

from zoo.models.text_classifier import TextClassifier
from zoo.registry import register

# GLUE SST-2 without pretrained embeddings: a BiLSTM of 300 units per direction over
# 300-dimensional embeddings, max pooling, dropout 0.5 before the output, and the
# weights averaged (Adam's moving average, momentum 0.999). Its training recipe is
# not a model argument; BENCHMARKS.md gives it: 10,000 vocabulary entries, 4 epochs,
# batches of 64, 5% of train.tsv for validation, --precision mixed_bfloat16.
SST2 = {
    "cell": "lstm",
    "bidirectional": True,
    "embedding_dim": 300,
    "hidden_dim": 300,
    "pooling": "max",
    "dropout": 0.5,
    "weight_averaging": 0.999,
}

register(
    "bilstm_classifier_sst2",
    TextClassifier,
    description="BiLSTM classifier for GLUE SST-2 (300/300, max pooling, averaged)",
    **SST2,
)

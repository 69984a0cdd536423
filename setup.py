from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="rnn-zoo",
    version="0.1.0",
    description="Research-grade recurrent cells and task models for Keras 3.",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(
        include=["zoo", "zoo.*", "tasks", "tasks.*", "tuning", "tuning.*"]
    ),
    install_requires=[
        "tensorflow>=2.21,<2.22",
        # Keras 3.16 stops masks at RNN layers (PITFALLS 10); 3.15 is what we test.
        "keras>=3.15,<3.16",
        "numpy>=1.26,<3",
        # Samplers (greedy, random, top-k, top-p) and the perplexity metric.
        "keras-hub>=0.32,<0.33",
        # TensorBoard logs of training runs (and keras-tuner needs it, PITFALLS 16).
        "tensorboard>=2.21,<2.22",
        # Hyperparameter searches (tuning/): random, Bayesian, Hyperband.
        "keras-tuner>=1.4.8,<1.5",
        # Learning-curve and confusion-matrix plots.
        "matplotlib>=3.8,<4",
        # Classification metrics (macro F1, per-class table, confusion matrix) and
        # stratified splits and folds.
        "scikit-learn>=1.5,<2",
        # Corpora as TFDS datasets (tasks/data/tfds_corpora.py); TFDS 4.9.10 imports
        # importlib_resources without declaring it (tensorflow/datasets#11212).
        "tensorflow-datasets>=4.9.10,<4.10",
        "importlib_resources>=6",
    ],
    extras_require={
        "test": [
            "pytest>=8,<10",
            # The second backend: cells and layers also run and are tested on JAX.
            "jax>=0.4.30,<0.11",
        ],
    },
    package_data={
        "tasks.data": [
            "corpora/*.txt",
            "corpora/SOURCE.md",
            "sentiment_sentences/*.txt",
            "sentiment_sentences/SOURCE.md",
        ]
    },
    entry_points={"console_scripts": ["rnn-zoo=tuning.cli:main"]},
)

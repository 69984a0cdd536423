"""Everything around a zoo model: data, training, evaluation, export and the CLI."""

"""A finished search as a table of its trials and a plot of their scores."""

from keras_tuner.engine.hyperparameters import Fixed

from tasks.plots import plot_trial_scores


def searched_values(trial) -> dict:
    """The trial's values of the hyperparameters it searched (not the fixed ones,
    nor Keras Tuner's own `tuner/...` bookkeeping, nor options of cells it did
    not use)."""
    hp = trial.hyperparameters
    fixed = {p.name for p in hp.space if isinstance(p, Fixed)}
    return {
        name: value
        for name, value in hp.values.items()
        if name not in fixed and not name.startswith("tuner/")
    }


def summary_table(trials, objective, records: dict) -> str:
    """The finished `trials`, best first: score, best epoch, seconds and resident
    memory (from `records`, trials.csv's rows by trial id) and the searched
    values."""
    ranked = sorted(trials, key=lambda t: t.score, reverse=objective.direction == "max")
    lines = [
        f"{'rank':>4} {'trial':>5} {objective.name:>14} {'epoch':>5} "
        f"{'seconds':>8} {'MB':>6}  hyperparameters"
    ]
    for rank, trial in enumerate(ranked, 1):
        row = records.get(trial.trial_id, {})
        values = " ".join(f"{k}={_short(v)}" for k, v in searched_values(trial).items())
        lines.append(
            f"{rank:>4} {trial.trial_id:>5} {trial.score:>14.4f} "
            f"{row.get('best_epoch', ''):>5} {row.get('seconds', ''):>8} "
            f"{row.get('resident_mb', ''):>6}  {values}"
        )
    return "\n".join(lines)


def plot_trials(trials, objective, png):
    """`tasks.plots.plot_trial_scores` of the finished trials in the order they
    ran."""
    ordered = sorted(trials, key=lambda t: int(t.trial_id))
    return plot_trial_scores(
        [int(t.trial_id) for t in ordered],
        [t.score for t in ordered],
        objective.name,
        png,
        best=max if objective.direction == "max" else min,
    )


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)

"""Scheduled sampling (Bengio et al. 2015, https://arxiv.org/abs/1506.03099): the
probability of feeding the decoder the true previous word decays with training."""

import math

from keras import ops

# schedule -> its default k (Bengio et al.'s parameter of each curve)
SCHEDULES = {"linear": 1.0, "exponential": 0.9995, "inverse_sigmoid": 500.0}


def teacher_forcing_probability(
    schedule: str,
    step,
    k: float | None = None,
    slope: float = 1e-4,
    minimum: float = 0.0,
):
    """epsilon_i, the probability of feeding the true previous word at training
    step i (counted from 0; a number or a scalar tensor); the decoder feeds its own
    sampled word otherwise. Returns a float32 scalar tensor.

    ```
    linear:           epsilon_i = max(minimum, k - slope * i)           (k = 1)
    exponential:      epsilon_i = max(minimum, k ** i)                  (k < 1)
    inverse_sigmoid:  epsilon_i = max(minimum, k / (k + exp(i / k)))    (k >= 1)
    ```
    """
    check_schedule(schedule, k, slope, minimum)
    k = SCHEDULES[schedule] if k is None else k
    step = ops.cast(step, "float32")
    if schedule == "linear":
        epsilon = k - slope * step
    elif schedule == "exponential":
        epsilon = ops.exp(step * math.log(k))
    else:  # inverse_sigmoid (check_schedule allows no other)
        epsilon = k / (k + ops.exp(ops.minimum(step / k, 80.0)))  # float32-safe exp
    return ops.clip(epsilon, minimum, 1.0)


def check_schedule(schedule, k=None, slope=1e-4, minimum=0.0) -> None:
    """ValueError naming the bad value, for a schedule or parameter out of range."""
    if schedule not in SCHEDULES:
        raise ValueError(
            f"Unknown scheduled-sampling schedule {schedule!r}. Available: "
            f"{', '.join(SCHEDULES)}."
        )
    if not 0.0 <= minimum <= 1.0:
        raise ValueError(f"The minimum probability must lie in [0, 1]; got {minimum}.")
    if slope < 0:
        raise ValueError(f"The linear schedule's slope must be >= 0; got {slope}.")
    if k is None:
        return
    if schedule == "exponential" and not 0 < k < 1:
        raise ValueError(f"The exponential schedule needs 0 < k < 1; got k={k}.")
    if schedule == "inverse_sigmoid" and k < 1:
        raise ValueError(f"The inverse-sigmoid schedule needs k >= 1; got k={k}.")
    if schedule == "linear" and k <= 0:
        raise ValueError(f"The linear schedule needs k > 0; got k={k}.")

"""Truncated-BPTT batching as Zaremba et al. do it.

The token stream is cut into B contiguous streams (row b holds tokens
[b*L, (b+1)*L) with L = len // B); window k of every stream is the next batch, so
row b of batch k continues row b of batch k-1 and a stateful model carries its state
across. Targets are the inputs shifted by one token.
"""

import numpy as np


def tbptt_windows(token_ids, batch_size: int, sequence_length: int):
    """(inputs, targets), each `(num_windows * B, T)` int32, ordered batch by batch:
    rows `[k*B, (k+1)*B)` are window k of the B streams.

    Raises ValueError when the stream is too short for one window of every stream.
    """
    token_ids = np.asarray(token_ids, dtype="int32")
    stream_length = len(token_ids) // batch_size
    num_windows = (stream_length - 1) // sequence_length
    if num_windows < 1:
        needed = batch_size * (sequence_length + 1)
        raise ValueError(
            f"A corpus split of {len(token_ids)} tokens is smaller than one batch "
            f"window: batch_size={batch_size} streams of sequence_length="
            f"{sequence_length} (+1 target) need at least {needed} tokens."
        )
    streams = token_ids[: batch_size * stream_length].reshape(batch_size, -1)
    used = num_windows * sequence_length
    inputs = streams[:, :used].reshape(batch_size, num_windows, sequence_length)
    targets = streams[:, 1 : used + 1].reshape(batch_size, num_windows, -1)
    # (B, K, T) -> (K, B, T) -> (K * B, T): batch k is window k of every stream.
    return (
        inputs.transpose(1, 0, 2).reshape(-1, sequence_length),
        targets.transpose(1, 0, 2).reshape(-1, sequence_length),
    )

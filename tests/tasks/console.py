"""The installed `rnn-zoo` console script, run as a user runs it."""

import shutil
import subprocess


def rnn_zoo(*arguments, **options) -> subprocess.CompletedProcess:
    """`rnn-zoo ARGUMENTS...`, its output captured as text; `options` go to
    `subprocess.run` (`input=...`)."""
    executable = shutil.which("rnn-zoo")
    assert executable, "rnn-zoo is not installed: pip install -e ."
    return subprocess.run(
        [executable, *map(str, arguments)], capture_output=True, text=True, **options
    )

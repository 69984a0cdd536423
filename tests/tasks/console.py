"""`rnn-zoo`, run as a user runs it (the installed console script, a new process),
or in this process for errors raised before any work starts."""

import contextlib
import io
import shutil
import subprocess

from tuning.cli import main


def rnn_zoo(*arguments, **options) -> subprocess.CompletedProcess:
    """`rnn-zoo ARGUMENTS...`, its output captured as text; `options` go to
    `subprocess.run` (`input=...`)."""
    executable = shutil.which("rnn-zoo")
    assert executable, "rnn-zoo is not installed: pip install -e ."
    return subprocess.run(
        [executable, *map(str, arguments)], capture_output=True, text=True, **options
    )


def rnn_zoo_here(*arguments) -> subprocess.CompletedProcess:
    """`rnn-zoo ARGUMENTS...` through the console script's own function
    (`tuning.cli.main`) in this process: the same parser and checks, without the
    5-6 s a new TensorFlow process takes to start. For refusals only: anything that
    trains belongs in `rnn_zoo`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            returncode = main([str(argument) for argument in arguments])
        except SystemExit as exit:  # argparse's usage errors
            returncode = exit.code
    return subprocess.CompletedProcess(
        arguments, returncode, stdout.getvalue(), stderr.getvalue()
    )

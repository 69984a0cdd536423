"""Shared fixtures: results that learning tests record for the end-of-run summary.
On TensorFlow, the CPU is split into two logical devices before TensorFlow starts,
so tests can run real two-replica strategies."""

import keras
import pytest

if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    (_cpu,) = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        _cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )

_LEARNING_RESULTS: list[str] = []


@pytest.fixture
def record_result():
    """Call with a line; it is printed in pytest's terminal summary."""
    return _LEARNING_RESULTS.append


def pytest_terminal_summary(terminalreporter):
    if _LEARNING_RESULTS:
        terminalreporter.section("learning results")
        for line in _LEARNING_RESULTS:
            terminalreporter.write_line(line)

"""Preset files: `zoo.build` and `zoo.get` take them in place of a name."""

import json

import numpy as np
import pytest

import zoo
from zoo.preset_files import save_preset


def test_a_preset_file_builds_what_its_arguments_say(tmp_path):
    arguments = {"hidden_dim": 6, "num_layers": 2, "cell_options": {"cell_clip": 3}}
    path = save_preset(tmp_path / "best.json", "peephole_lm", arguments, {"score": 1.5})
    spec = zoo.get(str(path))
    assert spec.cls is zoo.get("peephole_lm").cls
    assert spec.defaults == {"cell": "peephole_lstm", **arguments}
    from_file = zoo.build(str(path), vocabulary_size=7, name="lm")
    from_name = zoo.build("peephole_lm", vocabulary_size=7, name="lm", **arguments)
    assert from_file.get_config() == from_name.get_config()
    # Overrides win over the file, as over a registration.
    assert zoo.build(path, vocabulary_size=7, hidden_dim=4).hidden_dim == 4
    tokens = np.array([[1, 2, 3]])
    assert from_file(tokens).shape == from_name(tokens).shape == (1, 3, 7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("not json", "is not a preset file"),
        (json.dumps({"model": "lstm_lm"}), "is not a preset file"),
        (json.dumps({"model": "lstm_lm", "arguments": [1]}), "arguments an object"),
        (json.dumps({"model": "lstm_lx", "arguments": {}}), "Did you mean: lstm_lm"),
        (
            json.dumps({"model": "lstm_lm", "arguments": {"hidden": 3}}),
            "Unknown argument(s) 'hidden' for preset file",
        ),
    ],
)
def test_bad_preset_files_are_named(tmp_path, content, message):
    path = tmp_path / "preset.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError) as error:
        zoo.build(str(path), vocabulary_size=5)
    assert message in str(error.value)
    assert "preset.json" in str(error.value) or "lstm_lx" in str(error.value)


def test_a_preset_file_name_must_end_in_json(tmp_path):
    with pytest.raises(ValueError, match="ends with .json"):
        save_preset(tmp_path / "best.txt", "lstm_lm", {})

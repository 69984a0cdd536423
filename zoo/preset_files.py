"""Preset files: a registered model and constructor arguments saved as JSON, which
`zoo.build` and `zoo.get` take in place of a registered name.

    {"model": "lstm_lm", "arguments": {"hidden_dim": 256, ...}, "notes": {...}}

`notes` is free (a tuning search records its objective and score there) and is
not read back. Arguments that come from the data (a vocabulary, labels, an image
shape) are not in a preset: pass them to `zoo.build` as for a registered name.
"""

import json
from pathlib import Path

SUFFIX = ".json"


def is_preset_file(name) -> bool:
    """Whether `name` names a preset file (ends with .json) rather than a
    registered model."""
    return str(name).endswith(SUFFIX)


def save_preset(path, model: str, arguments: dict, notes: dict | None = None) -> Path:
    """Writes a preset file for the registered `model` with `arguments`."""
    path = Path(path)
    if not is_preset_file(path):
        raise ValueError(f"A preset file's name ends with {SUFFIX}; got {str(path)!r}.")
    preset = {"model": model, "arguments": arguments, "notes": notes or {}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(preset, indent=1), encoding="utf-8")
    return path


def read_preset(path) -> tuple[str, dict]:
    """(registered model, constructor arguments) of a preset file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Preset file {str(path)!r} does not exist.")
    try:
        preset = json.loads(path.read_text(encoding="utf-8"))
        model, arguments = preset["model"], preset["arguments"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{str(path)!r} is not a preset file ({error!r}): expected a JSON "
            'object {"model": NAME, "arguments": {...}}.'
        ) from None
    if not isinstance(model, str) or not isinstance(arguments, dict):
        raise ValueError(
            f"{str(path)!r} is not a preset file: its model must be a name and its "
            f"arguments an object; got {model!r} and {arguments!r}."
        )
    return model, arguments


def preset_notes(path) -> dict:
    """The notes of a preset file (empty when it has none)."""
    read_preset(path)  # the checks
    notes = json.loads(Path(path).read_text(encoding="utf-8")).get("notes")
    return notes if isinstance(notes, dict) else {}

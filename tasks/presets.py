"""Which registered name (or preset file) a task's `train` builds."""

import zoo


def model_to_build(model: str, preset: str | None, family: type, what: str) -> str:
    """`preset` (a registered preset, or a preset file from `rnn-zoo tune`) when
    given, else `model`. Refuses a `model` that is not a `family` (`what`, "a
    text classifier"), and a preset of another family or another cell."""
    spec = zoo.get(model)  # unknown names raise with close matches
    if not issubclass(spec.cls, family):
        raise ValueError(f"{model!r} is not {what}.")
    if preset is None:
        return model
    preset_spec = zoo.get(preset)
    if not issubclass(preset_spec.cls, family):
        raise ValueError(
            f"Preset {preset!r} builds a {preset_spec.cls.__name__}, not {what}."
        )
    cell, preset_cell = spec.defaults.get("cell"), preset_spec.defaults.get("cell")
    if preset_cell != cell:
        raise ValueError(
            f"Preset {preset!r} is for the {preset_cell} cell, not the {cell} cell "
            f"of {model!r}: train a {preset_cell} model with it."
        )
    return preset

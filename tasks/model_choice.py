"""Which registered name (or preset file) a task's `train` builds."""

import zoo
from zoo.preset_files import is_preset_file, read_preset


def model_to_build(model: str, preset: str | None, family: type, what: str) -> str:
    """`preset` (a registered preset, or a preset file from `rnn-zoo tune`) when
    given, else `model`. Refuses a `model` that is not a `family` (`what`, "a
    text classifier"), and a preset of another family or one that changes what
    `model`'s registration fixes (its cell, ...), unless it is a preset file of
    `model` itself (a search that freed the cell tuned `model` into another
    cell)."""
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
    if is_preset_file(preset) and read_preset(preset)[0] == model:
        return preset
    changed = {
        name: preset_spec.defaults.get(name)
        for name, value in spec.defaults.items()
        if preset_spec.defaults.get(name) != value
    }
    if changed:
        settings = ", ".join(f"{name}={value!r}" for name, value in changed.items())
        raise ValueError(
            f"Preset {preset!r} sets {settings}, which {model!r} fixes otherwise "
            f"({', '.join(f'{n}={spec.defaults[n]!r}' for n in changed)}): train "
            "the model it was made for."
        )
    return preset

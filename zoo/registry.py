"""The model registry: names -> (model class, constructor arguments)."""

import dataclasses
import difflib
import inspect

from zoo.preset_files import is_preset_file, read_preset


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """A registered name: the class it builds and the arguments it fixes."""

    name: str
    cls: type
    defaults: dict
    description: str


_REGISTRY: dict[str, ModelSpec] = {}


def _named_parameters(cls: type) -> list[inspect.Parameter]:
    parameters = inspect.signature(cls.__init__).parameters.values()
    return [
        p
        for p in parameters
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def accepted_arguments(cls: type) -> list[str]:
    """The named constructor arguments of `cls` (plus Keras's `name`)."""
    return [p.name for p in _named_parameters(cls)] + ["name"]


def check_arguments(cls: type, arguments: dict, what: str) -> None:
    """Refuses arguments that `cls`'s constructor does not take, naming `what`
    and the accepted ones."""
    accepted = accepted_arguments(cls)
    unknown = sorted(set(arguments) - set(accepted))
    if unknown:
        raise ValueError(
            f"Unknown argument(s) {', '.join(map(repr, unknown))} for {what}. "
            f"Accepted: {', '.join(accepted)}."
        )


def register(
    name: str, cls: type, description: str | None = None, **defaults
) -> ModelSpec:
    """Registers `name` to build `cls(**defaults)`; a preset is a name whose defaults
    fix a whole configuration. `description` defaults to the class docstring's first
    line."""
    if name in _REGISTRY:
        raise ValueError(f"Model name {name!r} is already registered.")
    check_arguments(cls, defaults, f"register({name!r}, {cls.__name__})")
    if description is None:
        description = (inspect.getdoc(cls) or cls.__name__).splitlines()[0]
    spec = ModelSpec(name, cls, dict(defaults), description)
    _REGISTRY[name] = spec
    return spec


def get(name: str) -> ModelSpec:
    """The registration of `name`, or of a preset file's model with the file's
    arguments over its defaults (`zoo.preset_files`); an unknown name raises
    naming close matches."""
    if is_preset_file(name):
        return _preset_file_spec(str(name))
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, _REGISTRY, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ValueError(
            f"Unknown model {name!r}.{hint} Available: {', '.join(list_models())}."
        )
    return _REGISTRY[name]


def _preset_file_spec(path: str) -> ModelSpec:
    model, arguments = read_preset(path)
    spec = get(model)
    check_arguments(spec.cls, arguments, f"preset file {path!r}")
    return ModelSpec(
        path, spec.cls, {**spec.defaults, **arguments}, f"{model}, from {path}"
    )


def list_models() -> list[str]:
    """Every registered name, sorted."""
    return sorted(_REGISTRY)


def build(name: str, /, **overrides):
    """Builds the model registered as `name` (or saved as a preset file, see
    `get`); `overrides` replace its defaults."""
    spec = get(name)
    check_arguments(spec.cls, overrides, f"model {name!r}")
    arguments = {**spec.defaults, **overrides}
    missing = [
        p.name
        for p in _named_parameters(spec.cls)
        if p.default is p.empty and p.name not in arguments
    ]
    if missing:
        raise ValueError(
            f"Model {name!r} needs the argument(s) {', '.join(missing)}: "
            f"zoo.build({name!r}, {missing[0]}=...)."
        )
    return spec.cls(**arguments)

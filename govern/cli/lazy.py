"""What keeps a `govern` run cheap to start: each command is built only when it runs, and plain
option values skip typer's pydantic coercion.

typer builds a click command for every registered command before it parses argv, so importing
and building all of them costs every run, and it coerces each parameter of the command that runs
through a pydantic TypeAdapter (importing pydantic, tens of milliseconds). `LazyGroup` builds a
command from its module on first use; `PlainCommand` coerces values that are already of the
parameter's plain type (a `str` for `str`, strings for `List[str]`, the `float` default of a
`float` option, `None` for an option not given) exactly as that adapter would, by keeping them,
and hands everything else to typer unchanged, so error messages stay typer's own. It works through
typer's per-parameter `get_runtime_param()` (typer 0.29); a typer without it keeps its own path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, get_args, get_origin

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_NOT_PLAIN = object()


def plain_value(annotation: Any, value: Any) -> Any:
    """`value` as typer's coercion returns it for `annotation`, or `_NOT_PLAIN` when only that
    coercion can tell (a string to parse as a number, a value of another type, ...)."""
    if annotation in (str, int, float, bool) and type(value) is annotation:
        return value
    if (
        get_origin(annotation) is list
        and get_args(annotation) == (str,)
        and isinstance(value, (list, tuple))
        and all(type(item) is str for item in value)
    ):
        return list(value)
    return _NOT_PLAIN


class _PlainRuntime:
    """Coerces one parameter's value; builds typer's own coercion only for values that need it."""

    __slots__ = ("annotation", "typer_runtime", "_built")

    def __init__(self, annotation: Any, typer_runtime: Callable[[], Any]) -> None:
        self.annotation = annotation
        self.typer_runtime = typer_runtime
        self._built: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # as typer: an absent multi-value parameter is (), any other None
            return () if (param.multiple or param.nargs == -1) else None
        plain = plain_value(self.annotation, value)
        if plain is not _NOT_PLAIN:
            return plain
        if self._built is None:
            self._built = self.typer_runtime()
        return self._built.coerce(value, param=param, ctx=ctx)


def plain_params(params: list[Any] | None) -> list[Any] | None:
    """Give typer parameters the plain-value path (see the module docstring); returns `params`."""
    for param in params or []:
        typer_runtime = getattr(param, "get_runtime_param", None)  # typer's coercion hook
        descriptor = getattr(param, "type_descriptor", None)
        wrapped = "get_runtime_param" in vars(param)
        if isinstance(param, (TyperArgument, TyperOption)) and typer_runtime and descriptor and not wrapped:
            runtime = _PlainRuntime(descriptor.annotation, typer_runtime)
            param.get_runtime_param = _returning(runtime)  # type: ignore[method-assign]
    return params


class PlainCommand(TyperCommand):
    """A typer command whose parameters (and -h/--help) take the plain-value path."""

    def __init__(self, name: str | None, *, params: list[Any] | None = None, **attrs: Any) -> None:
        super().__init__(name, params=plain_params(params), **attrs)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        plain_params([option] if option is not None else None)
        return option


def _returning(value: Any) -> Callable[[], Any]:
    return lambda: value


# A command: (module, function) for `app.command`, or (module, None) for a typer sub-app
# (`module.app`) added with `add_typer`. Every module has a HELP string.
CommandSpec = tuple[str, "str | None"]


def register(target: typer.Typer, name: str, spec: CommandSpec) -> None:
    """Add command `name` to `target` from its module, as `govern` shows it."""
    module_name, function = spec
    module = importlib.import_module(module_name)
    if function is None:
        target.add_typer(module.app, name=name, help=module.HELP)
    else:
        target.command(name, help=module.HELP, cls=PlainCommand)(getattr(module, function))


def build(name: str, spec: CommandSpec) -> Any:
    """The click command of one command, built alone (same settings as in the full app)."""
    holder = typer.Typer(add_completion=False)
    register(holder, name, spec)
    return typer.main.get_group(holder).commands[name]


class _LazyCommands(MutableMapping[str, Any]):
    """name -> click command, in registration order; a command is imported and built on first access."""

    def __init__(self, specs: dict[str, CommandSpec]) -> None:
        self._specs = dict(specs)
        # typer lists a group's commands first and its sub-groups after them: so do we
        self._names = [n for n, s in specs.items() if s[1] is not None] + [n for n, s in specs.items() if s[1] is None]
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        command = self._built.get(name)
        if command is None:
            if name not in self._specs:
                raise KeyError(name)
            command = self._built[name] = build(name, self._specs[name])
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._names:
            raise KeyError(name)
        self._names.remove(name)
        self._specs.pop(name, None)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


class LazyGroup(TyperGroup):
    """A typer group that builds its sub-commands from `specs` when they are first asked for;
    its own parameters take the plain-value path."""

    specs: dict[str, CommandSpec] = {}

    def __init__(self, *, params: list[Any] | None = None, **attrs: Any) -> None:
        super().__init__(params=plain_params(params), **attrs)
        commands = _LazyCommands(self.specs)
        for name, command in self.commands.items():  # any registered the usual way
            commands[name] = command
        self.commands = commands

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        plain_params([option] if option is not None else None)
        return option

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

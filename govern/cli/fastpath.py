"""The fast path: run `govern diff`, `lint` or `check` without importing typer when argv is plainly
well formed.

Importing typer (and its vendored click) costs 15-30 ms of every run, as much as the whole diff of
a small .proto tree. When argv is a plain invocation of an eligible command, `run()` parses it
here, over a snapshot of the command's typer parameters (govern/cli/fastpath_params.py), and
calls the command body (govern/cli/bodies.py) with the very keyword arguments typer would pass.
Anything else -- help, a usage error, an unknown, abbreviated or repeated option, `--`, bundled
or attached short options, an option value that starts with `-`, a missing or extra argument, a
number that is not a plain decimal, a root option, shell completion -- is declined (`parse()`
returns None) and goes through the typer application exactly as before, which prints its own
help and errors. `GOVERN_NO_FASTPATH=1` turns the fast path off.

The snapshot is generated from the typer commands themselves, which stay the one source of
truth: `python -m govern.cli.fastpath --write` regenerates it, and a test fails (naming that
command) whenever it differs from what typer builds. Parameters the snapshot cannot describe
exactly (callbacks, environment variables, prompts, ranges, paths, files, custom parsers, ...)
make their command ineligible: generating the snapshot refuses them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

# Commands the fast path may run: name -> the typer-free body ("module:function") that the
# command's typer function calls with its parameters unchanged.
BODIES = {
    "lint": "govern.cli.bodies:lint",
    "diff": "govern.cli.bodies:diff",
    "check": "govern.cli.bodies:check",
}

SNAPSHOT_MODULE = "govern.cli.fastpath_params"
REGENERATE = "python -m govern.cli.fastpath --write"


def disabled(environ: Mapping[str, str]) -> bool:
    return environ.get("GOVERN_NO_FASTPATH", "").strip() not in ("", "0")


def run(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> bool:
    """Run the command of `argv` (sys.argv[1:]) on the fast path and return True; False when the
    fast path declines it (nothing was run: hand argv to the typer application)."""
    environ = os.environ if environ is None else environ
    if disabled(environ) or os.name == "nt":  # on Windows click expands wildcards in argv: typer's
        return False
    parsed = parse(argv, environ)
    if parsed is None:
        return False
    name, kwargs = parsed
    module_name, _, function = BODIES[name].partition(":")
    __import__(module_name)
    body = getattr(sys.modules[module_name], function)
    try:
        body(**kwargs)
    except KeyboardInterrupt:  # outside the command body: as typer's main
        raise SystemExit(130) from None
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        # as click: the reader went away; exit 1 without a flush error at shutdown
        sys.stdout = _Pacified(sys.stdout)  # type: ignore[assignment]
        sys.stderr = _Pacified(sys.stderr)  # type: ignore[assignment]
        raise SystemExit(1) from None
    return True


class _Pacified:
    """A stream whose flush ignores a broken pipe."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.wrapped, attr)


def snapshot() -> dict[str, Any]:
    __import__(SNAPSHOT_MODULE)
    return sys.modules[SNAPSHOT_MODULE].COMMANDS  # type: ignore[no-any-return]


def parse(
    argv: Sequence[str], environ: Mapping[str, str], commands: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """(command name, the keyword arguments typer would pass to its function) for a plainly well
    formed `argv`, else None. `commands`: the snapshot (default: the committed one)."""
    if not argv:
        return None
    name = argv[0]
    if commands is None:
        commands = snapshot() if name in BODIES else {}
    command = commands.get(name)
    if command is None:  # also any root option (`--version`, `-h`, ...): typer's
        return None
    if any(key.startswith("_") and key.endswith("_COMPLETE") for key in environ):
        return None  # shell completion
    rest = argv[1:]
    if not rest and command["no_args_is_help"]:
        return None
    options: dict[str, tuple[dict[str, Any], Any]] = {}  # option string -> (param, flag value)
    arguments: list[dict[str, Any]] = []
    for param in command["params"]:
        if param["kind"] == "argument":
            arguments.append(param)
        else:
            for opt in param["opts"]:
                options[opt] = (param, True)
            for opt in param["secondary_opts"]:
                options[opt] = (param, False)
    given: dict[str, Any] = {}
    positionals: list[str] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        i += 1
        if token[:1] != "-" or token == "-":
            positionals.append(token)
            continue
        if token.startswith("--"):
            opt, eq, attached = token.partition("=")
        elif len(token) == 2:
            opt, eq, attached = token, "", ""
        else:
            return None  # bundled or attached short options
        found = options.get(opt)
        if found is None:  # unknown or abbreviated, `--`, `-h`, `--help`
            return None
        param, flag_value = found
        if param["flag"]:
            if eq:
                return None
            value: Any = flag_value
        else:
            if eq:
                text = attached
            elif i < len(rest):
                text = rest[i]
                i += 1
            else:
                return None  # the value is missing
            if text[:1] == "-" and text != "-":
                return None
            value = convert(param, text)
            if value is None:
                return None
        key = param["name"]
        if param["multiple"]:
            given.setdefault(key, []).append(value)
        elif key in given:
            return None  # a single-valued option given twice
        else:
            given[key] = value
    if not assign(arguments, positionals, given):
        return None
    kwargs: dict[str, Any] = {}
    for param in command["params"]:
        key = param["name"]
        if key in given:
            kwargs[key] = given[key]
        elif param["required"]:
            return None
        else:
            absent = param["absent"]
            kwargs[key] = list(absent) if isinstance(absent, list) else absent
    return name, kwargs


def assign(arguments: list[dict[str, Any]], positionals: list[str], given: dict[str, Any]) -> bool:
    """Give the positional values to the command's arguments as click does; False to decline."""
    variadic = [a for a in arguments if a["nargs"] == -1]
    single = len(arguments) - len(variadic)
    if variadic:
        if len(positionals) < single:
            return False
        before = arguments.index(variadic[0])
        after = len(arguments) - before - 1
        for param, value in zip(arguments[:before], positionals[:before]):
            given[param["name"]] = value
        tail = positionals[len(positionals) - after :] if after else []
        for param, value in zip(arguments[before + 1 :], tail):
            given[param["name"]] = value
        middle = positionals[before : len(positionals) - after]
        if middle:
            given[variadic[0]["name"]] = list(middle)
        return True
    if len(positionals) > single:
        return False  # extra arguments
    for param, value in zip(arguments, positionals):
        given[param["name"]] = value
    return True


def convert(param: dict[str, Any], text: str) -> Any:
    """The value typer makes of `text` for `param`, or None when only typer can tell."""
    kind = param["type"]
    if kind == "str":
        return text
    if kind == "choice":
        return text if text in param["choices"] else None
    if kind == "float":
        if _plain_decimal(text, fraction=True):
            return float(text)
        return None
    if kind == "int":
        if _plain_decimal(text, fraction=False) and (text == "0" or text[0] != "0"):
            return int(text)
        return None
    return None


def _plain_decimal(text: str, *, fraction: bool) -> bool:
    """ASCII digits (at most 15 of them), with at most one inner `.` when `fraction`."""
    whole, dot, part = text.partition(".")
    if dot and not fraction:
        return False
    digits = whole + part
    return (
        0 < len(whole) and (not dot or 0 < len(part))
        and len(digits) <= 15 and digits.isascii() and digits.isdigit()
    )  # fmt: skip


# -- generating the snapshot from the typer commands ------------------------------------------


class Ineligible(Exception):
    """A parameter the snapshot cannot describe exactly."""


def generate() -> dict[str, Any]:
    """The snapshot of every command in BODIES, built from its real typer command."""
    from govern.cli.application import COMMANDS
    from govern.cli.lazy import build

    out: dict[str, Any] = {}
    for name in BODIES:
        out[name] = describe(build(name, COMMANDS[name]), body=BODIES[name])
    return out


def describe(command: Any, body: str | None = None) -> dict[str, Any]:
    """The snapshot entry of one built typer (click) command; raises Ineligible."""
    import inspect

    import typer._click as click

    if getattr(command, "deprecated", False) or command.allow_extra_args or command.ignore_unknown_options:
        raise Ineligible(f"{command.name}: deprecated, extra args or unknown options allowed")
    if not command.allow_interspersed_args or command.context_settings:
        raise Ineligible(f"{command.name}: non-default context settings")
    ctx = click.Context(command, info_name=command.name)
    params = [_describe_param(command.name, param, ctx) for param in command.params]
    if sum(1 for p in params if p["kind"] == "argument" and p["nargs"] == -1) > 1:
        raise Ineligible(f"{command.name}: more than one variadic argument")
    seen: set[str] = set()
    for p in params:
        for opt in [*p.get("opts", ()), *p.get("secondary_opts", ())]:
            if opt in seen or opt in ("-h", "--help", "--"):
                raise Ineligible(f"{command.name}: option {opt} declared twice, or reserved")
            seen.add(opt)
    if body is not None:
        module_name, _, function = body.partition(":")
        __import__(module_name)
        signature = inspect.signature(getattr(sys.modules[module_name], function))
        if list(signature.parameters) != [p["name"] for p in params]:
            raise Ineligible(f"{command.name}: the body {body} does not take the command's parameters")
    return {"no_args_is_help": bool(command.no_args_is_help), "params": params}


def _describe_param(command: str, param: Any, ctx: Any) -> dict[str, Any]:
    from typing import Literal, get_args, get_origin

    where = f"{command} {param.name}"
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        raise Ineligible(f"{where}: not a typer parameter")
    info = descriptor.parameter_info
    unusual = {
        "callback": param.callback is not None,
        "envvar": param.envvar is not None,  # (auto env vars need a prefix, which govern never sets)
        "prompt": getattr(param, "prompt", None) is not None,
        "eager": param.is_eager,
        "not exposed": not param.expose_value,
        "deprecated": bool(getattr(param, "deprecated", False)),
        "count": bool(getattr(param, "count", False)),
        "file or path": descriptor.is_file or descriptor.is_path,
        "range": descriptor.is_ranged or getattr(param, "min", None) is not None or getattr(param, "max", None) is not None,
        "datetime or tuple": descriptor.is_datetime or descriptor.is_tuple,
        "custom parser": getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None,
        "nargs": param.nargs not in (1, -1) or (param.nargs == -1 and param.param_type_name != "argument"),
    }  # fmt: skip
    refused = [what for what, bad in unusual.items() if bad]
    if refused:
        raise Ineligible(f"{where}: {', '.join(refused)}")
    annotation = descriptor.annotation
    entry: dict[str, Any] = {"name": param.name, "kind": param.param_type_name}
    multi = param.multiple or param.nargs == -1
    if multi:
        if get_origin(annotation) is not list or get_args(annotation) != (str,):
            raise Ineligible(f"{where}: a multi-value parameter that is not List[str]")
        kind = "str"
    elif descriptor.is_choice:
        choices = descriptor.choices
        if get_origin(annotation) is not Literal or not descriptor.case_sensitive:
            raise Ineligible(f"{where}: only case-sensitive Literal choices")
        if not all(type(c) is str for c in choices):
            raise Ineligible(f"{where}: non-string choices")
        kind = "choice"
        entry["choices"] = list(choices)
    elif annotation in (str, int, float, bool):
        kind = annotation.__name__
    else:
        raise Ineligible(f"{where}: type {annotation!r}")
    flag = bool(getattr(param, "is_flag", False))
    if param.param_type_name == "option":
        if flag and (kind != "bool" or not getattr(param, "is_bool_flag", False)):
            raise Ineligible(f"{where}: a flag that is not a bool flag")
        if kind == "bool" and not flag:
            raise Ineligible(f"{where}: a bool option that takes a value")
        entry["opts"] = list(param.opts)
        entry["secondary_opts"] = list(param.secondary_opts)
        for opt in entry["opts"] + entry["secondary_opts"]:
            if not (opt.startswith("--") and len(opt) > 2 and "=" not in opt) and not (
                len(opt) == 2 and opt[0] == "-" and opt[1] != "-"
            ):
                raise Ineligible(f"{where}: option {opt!r} is not -x or --name")
    elif kind == "bool":
        raise Ineligible(f"{where}: a bool argument")
    entry.update(
        type=kind, flag=flag, multiple=bool(param.multiple), nargs=param.nargs, required=bool(param.required),
        default=_literal(where, param.default), metavar=param.metavar,
    )  # fmt: skip
    entry["absent"] = None if param.required else _literal(where, _absent(param, ctx))
    return entry


def _absent(param: Any, ctx: Any) -> Any:
    """What typer passes to the command function for `param` when argv does not give it: its
    default, through typer's coercion and then its callback wrapper's normalization (an empty
    multi-value parameter whose default is None becomes None)."""
    import typer.main

    value = param.process_value(ctx, param.get_default(ctx))
    normalize = getattr(typer.main, "_normalize_collection_value", None)
    if normalize is None:  # a typer without it: the snapshot cannot know; the test says so
        raise Ineligible(f"{param.name}: this typer has no _normalize_collection_value")
    return normalize(param, value)


def _literal(where: str, value: Any) -> Any:
    """`value` if it is a plain literal the snapshot module can hold exactly."""
    import ast

    try:
        again = ast.literal_eval(repr(value))
    except (ValueError, SyntaxError):
        again = _NOT_LITERAL
    if callable(value) or again != value or _shape(again) != _shape(value):
        raise Ineligible(f"{where}: default {value!r} is not a plain literal")
    return value


_NOT_LITERAL = object()


def _shape(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_shape(v) for v in value))
    return type(value)


def render(commands: dict[str, Any]) -> str:
    """The source of the snapshot module: one line per parameter."""
    lines = [
        '"""Snapshot of the typer parameters of the commands the fast path runs (govern/cli/fastpath.py).',
        "",
        f"GENERATED by `{REGENERATE}` from the typer commands; do not edit.",
        '"""',
        "",
        "# fmt: off",
        "COMMANDS = {",
    ]
    for name, command in commands.items():
        lines.append(f"    {name!r}: {{")
        lines.append(f"        'no_args_is_help': {command['no_args_is_help']!r},")
        lines.append("        'params': [")
        lines.extend(f"            {param!r}," for param in command["params"])
        lines.append("        ],")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def snapshot_path() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "fastpath_params.py")


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m govern.cli.fastpath", description="The fast path's parameter snapshot.")
    parser.add_argument("--write", action="store_true", help=f"regenerate {snapshot_path()}")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed snapshot is out of date")
    args = parser.parse_args(argv)
    text = render(generate())
    path = snapshot_path()
    with open(path, encoding="utf-8") as fh:
        current = fh.read()
    if args.write:
        if current != text:
            from govern.write import write_atomic

            write_atomic(path, text, overwrite=True)
            print(f"wrote {path}")
        else:
            print(f"{path} is up to date")
        return 0
    if args.check:
        if current != text:
            print(f"{path} is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

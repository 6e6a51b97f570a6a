"""The answers behind a scaffold: names, checks, defaults, --set parsing and the answers file."""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govern.errors import InputError, UsageError
from govern.errors import did_you_mean as _suggest

ANSWERS_FORMAT = "govern-new-service-answers/1"
ANSWERS_FILE = ".govern-answers.yaml"
PATTERNS_FILE_FORMAT = "govern-new-service/1"
PATTERNS_DATA = Path(__file__).resolve().parent.parent / "data" / "patterns.yaml"

NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_NAME = 63
OWNER = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9 ._@/+-]{0,99}$")
NAMESPACE = re.compile(r"^[a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+$")

# Words a name turns into identifiers with: Python keywords (generated clients), protobuf
# keywords and scalar types (package and field names), and roots reserved by protobuf itself.
PROTO_WORDS = frozenset(
    ["syntax", "edition", "import", "weak", "public", "package", "option", "message", "enum", "service", "rpc", "returns", "stream", "repeated", "optional", "required", "reserved", "extensions", "extend", "oneof", "map", "to", "max", "group", "true", "false", "inf", "nan", "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"]
)
RESERVED = frozenset(keyword.kwlist) | PROTO_WORDS | {"google", "grpc"}
# Type names every scaffold already defines; a resource must not take one of them.
FIXED_TYPES = frozenset(
    {"Health", "HealthService", "ServingStatus", "CheckRequest", "CheckResponse", "WatchRequest",
     "WatchResponse", "Problem", "DeadLetter"}
)

CONTRACT_KEYS = ("rest", "grpc", "events")
CONTRACT_OF = {"openapi": "rest", "proto": "grpc", "asyncapi": "events"}
# Patterns a scaffold embodies when none were chosen with `govern recommend`.
PATTERNS_FOR = {"rest": ("rest", "idempotency"), "grpc": ("grpc",), "events": ("pub-sub", "dead-letter-queue")}

KEYS = ("name", "owner", "resource", "resource_plural", "namespace", "rest", "grpc", "events",
        "patterns", "dependencies")
HELP = {
    "name": "service name: lower-case letters, digits and single hyphens, starting with a letter",
    "owner": "the owning team (default team-NAME)",
    "resource": "the main resource, singular, e.g. order (default: from the name)",
    "resource_plural": "its plural, used in paths and collections (default: resource + s)",
    "namespace": "reverse-DNS prefix of CloudEvents types (default com.example)",
    "rest": "create the OpenAPI contract (true/false)",
    "grpc": "create the protobuf contract (true/false)",
    "events": "create the AsyncAPI contract (true/false)",
    "patterns": "pattern ids from govern's pattern matrix, comma-separated",
    "dependencies": "services this one calls or consumes, comma-separated",
}
TRUE_WORDS = {"true", "yes", "y", "on", "1"}
FALSE_WORDS = {"false", "no", "n", "off", "0"}


class AnswerError(ValueError):
    """A value that does not fit its key."""


@dataclass(frozen=True)
class Answers:
    """Every answer a scaffold needs, checked and complete."""

    name: str
    owner: str
    resource: str
    resource_plural: str
    namespace: str
    rest: bool
    grpc: bool
    events: bool
    patterns: tuple[str, ...]
    dependencies: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


# ---------------------------------------------------------------- names


def _identifier_problem(word: str) -> str | None:
    snake = word.replace("-", "_")
    if snake in RESERVED or word in RESERVED:
        return "is a reserved word (Python or protobuf keyword); choose another"
    return None


def name_problem(name: str, what: str = "service name") -> str | None:
    """Why `name` cannot be a service (or resource) name, or None."""
    if not name:
        return f"the {what} is empty"
    if not name.isascii():
        return f"the {what} {name!r} has non-ASCII characters; use a-z, 0-9 and '-'"
    if len(name) > MAX_NAME:
        return f"the {what} is longer than {MAX_NAME} characters"
    if any(c in name for c in "/\\") or name in (".", "..") or ".." in name:
        return f"the {what} {name!r} holds a path; give a plain name and choose the folder with --output"
    if any(c.isspace() for c in name):
        return f"the {what} {name!r} has spaces; use '-' between words (e.g. {'-'.join(name.split()).lower()!r})"
    if name[0].isdigit():
        return f"the {what} {name!r} starts with a digit; start with a letter"
    if not NAME.match(name):
        hint = f" (e.g. {name.lower()!r})" if NAME.match(name.lower()) else ""
        return f"the {what} {name!r} must be lower-case letters, digits and single hyphens, starting with a letter{hint}"
    problem = _identifier_problem(name)
    return f"the {what} {name!r} {problem}" if problem else None


def check_name(name: str, what: str = "service name") -> str:
    problem = name_problem(name, what)
    if problem:
        raise UsageError(problem)
    return name


# ---------------------------------------------------------------- derived words


def pascal(word: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in word.split("-"))


def camel(word: str) -> str:
    p = pascal(word)
    return p[:1].lower() + p[1:]


def snake(word: str) -> str:
    return word.replace("-", "_")


def singular(name: str) -> str:
    """A resource name from a service name: order-service -> order, orders -> order."""
    for suffix in ("-service", "-svc", "-api"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    last = name.rsplit("-", 1)[-1]
    if last.endswith("ies") and len(last) > 4:
        name = name[:-3] + "y"
    elif last.endswith(("sses", "shes", "ches", "xes")) and len(last) > 4:
        name = name[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        name = name[:-1]
    return name


def plural(word: str) -> str:
    last = word.rsplit("-", 1)[-1]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def resource_problem(resource: str, plural_form: str) -> str | None:
    for what, word in (("resource", resource), ("resource_plural", plural_form)):
        problem = name_problem(word, what)
        if problem:
            return problem
    if resource == plural_form:
        return f"resource and resource_plural are both {resource!r}; give a different plural"
    if plural_form == "health" or resource == "health":
        return "the resource 'health' clashes with the health endpoints; choose another"
    r = pascal(resource)
    made = {r, f"{r}Service", f"{r}Page", f"Create{r}Request", f"Update{r}Request", f"{r}Id"}
    clash = sorted(made & FIXED_TYPES)
    if clash:
        return f"the resource {resource!r} would define {clash[0]}, which every scaffold already has; choose another"
    return None


# ---------------------------------------------------------------- values


@functools.lru_cache(maxsize=1)
def known_patterns() -> tuple[str, ...]:
    import yaml

    with open(PATTERNS_DATA, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(data["patterns"])


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_value(key: str, value: Any) -> Any:
    """The normalized value for `key`, or AnswerError saying what was expected."""
    if key in CONTRACT_KEYS:
        if not isinstance(value, bool):
            raise AnswerError(f"expected true or false, got {_show(value)}")
        return value
    if key in ("patterns", "dependencies"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError(f"expected a list of names, got {_show(value)}")
        out: list[str] = []
        for item in value:
            if key == "patterns" and item not in known_patterns():
                raise AnswerError(f"unknown pattern {item!r}{_suggest(item, known_patterns())}")
            if key == "dependencies" and not (NAME.match(item) and len(item) <= MAX_NAME):
                raise AnswerError(f"dependency {_show(item)}: a service name (lower-case letters, digits, '-')")
            if item not in out:
                out.append(item)
        return tuple(out)
    if not isinstance(value, str):
        raise AnswerError(f"expected text, got {_show(value)}")
    if key == "name" or key in ("resource", "resource_plural"):
        problem = name_problem(value, "service name" if key == "name" else key)
        if problem:
            raise AnswerError(problem)
        return value
    if key == "owner":
        if not OWNER.match(value) or value != value.strip():
            raise AnswerError(
                f"owner {_show(value)}: letters, digits, spaces and . _ @ / + - (at most 100), "
                "starting with a letter, digit or @"
            )
        return value
    if key == "namespace":
        if not NAMESPACE.match(value) or len(value) > 100:
            raise AnswerError(f"namespace {_show(value)}: a reverse-DNS name such as com.example")
        return value
    raise AnswerError(f"unknown key {key!r}{_suggest(key, KEYS)} (keys: {', '.join(KEYS)})")


def parse_text(key: str, text: str) -> Any:
    """A value typed at a prompt or given as --set key=TEXT."""
    raw = text.strip()
    if key in CONTRACT_KEYS:
        low = raw.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise AnswerError(f"expected true or false (yes/no), got {_show(raw)}")
    if key in ("patterns", "dependencies"):
        return check_value(key, [part.strip() for part in raw.split(",") if part.strip()])
    return check_value(key, raw)


def parse_set(items: list[str]) -> dict[str, Any]:
    """`--set key=value` pairs, each checked; UsageError names the bad one."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            raise UsageError(f"--set {item!r}: expected KEY=VALUE")
        if key not in KEYS:
            raise UsageError(f"--set {item!r}: unknown key {key!r}{_suggest(key, KEYS)} (keys: {', '.join(KEYS)})")
        try:
            out[key] = parse_text(key, text)
        except AnswerError as exc:
            raise UsageError(f"--set {key}: {exc}") from None
    return out


# ---------------------------------------------------------------- files


Locate = Callable[[str], "tuple[int | None, int | None]"]


def check_answers_data(data: Any, *, file: str, locate: Locate) -> dict[str, Any]:
    """The answers in a parsed answers file (unknown keys and bad values are InputErrors)."""
    if not isinstance(data, dict):
        raise InputError(file, f"expected a mapping of answers ({ANSWERS_FORMAT})", line=1)
    out: dict[str, Any] = {}
    for key, value in data.items():
        line, col = locate(f"/{key}")
        if key == "format":
            if value != ANSWERS_FORMAT:
                raise InputError(file, f"format {_show(value)}: expected {ANSWERS_FORMAT}", line=line, col=col)
            continue
        if key not in KEYS:
            raise InputError(file, f"unknown key {key!r}{_suggest(str(key), KEYS)} (keys: {', '.join(KEYS)})",
                             line=line, col=col)
        try:
            out[key] = check_value(key, value)
        except AnswerError as exc:
            raise InputError(file, f"{key}: {exc}", line=line, col=col) from None
    return out


def check_patterns_data(data: Any, *, file: str, locate: Locate) -> dict[str, Any]:
    """Answers from a `govern recommend --scaffold` file: contracts, patterns and the name."""
    if not isinstance(data, dict) or data.get("format") != PATTERNS_FILE_FORMAT:
        raise InputError(file, f"not a {PATTERNS_FILE_FORMAT} file (write one with `govern recommend --scaffold NAME`)",
                         line=1)
    out: dict[str, Any] = {}
    service = data.get("service")
    if service is not None:
        line, col = locate("/service")
        problem = name_problem(service, "service name") if isinstance(service, str) else "service must be text"
        if problem:
            raise InputError(file, problem, line=line, col=col)
        out["name"] = service
    contracts = data.get("contracts")
    line, col = locate("/contracts")
    if not isinstance(contracts, list) or not all(isinstance(c, str) for c in contracts):
        raise InputError(file, "contracts: expected a list of openapi, proto, asyncapi", line=line, col=col)
    for kind in contracts:
        if kind not in CONTRACT_OF:
            raise InputError(file, f"contracts: unknown contract kind {kind!r} (expected openapi, proto or asyncapi)",
                             line=line, col=col)
    if not contracts:
        raise InputError(
            file,
            "contracts: the chosen patterns call for no contract new-service can write; "
            "choose contracts with --rest, --grpc or --events instead of --patterns",
            line=line,
            col=col,
        )
    for kind, key in CONTRACT_OF.items():
        out[key] = kind in contracts
    chosen: list[str] = []
    for field in ("patterns", "resilience"):
        items = data.get(field) or []
        fline, fcol = locate(f"/{field}")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError(file, f"{field}: expected a list of pattern ids", line=fline, col=fcol)
        for item in items:
            if item not in known_patterns():
                raise InputError(file, f"{field}: unknown pattern {item!r}{_suggest(item, known_patterns())}",
                                 line=fline, col=fcol)
            if item not in chosen:
                chosen.append(item)
    out["patterns"] = tuple(chosen)
    return out


def read_yaml_answers(path: str, check: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    from govern.load.files import load_document
    from govern.load.model import Limits

    doc = load_document(path, Limits(max_file_bytes=1024 * 1024))

    def locate(pointer: str) -> tuple[int | None, int | None]:
        loc = doc.source.locate(pointer)
        return loc.line, loc.col

    return dict(check(doc.data, file=path, locate=locate))


# ---------------------------------------------------------------- completing


def default_for(key: str, given: Mapping[str, Any]) -> Any:
    """The default of `key`, which may depend on earlier answers (name, resource, contracts)."""
    if key == "owner":
        return f"team-{given['name']}"
    if key == "resource":
        word = singular(given["name"])
        # a word the name makes may be reserved ("maps" -> "map") or clash ("health"): fall back
        return word if resource_problem(word, plural(word)) is None else "item"
    if key == "resource_plural":
        return plural(given["resource"])
    if key == "namespace":
        return "com.example"
    if key in CONTRACT_KEYS:
        return True
    if key == "patterns":
        out: list[str] = []
        for contract in CONTRACT_KEYS:
            if given.get(contract):
                out.extend(p for p in PATTERNS_FOR[contract] if p not in out)
        return tuple(out)
    if key == "dependencies":
        return ()
    raise KeyError(key)


def complete(given: Mapping[str, Any]) -> Answers:
    """Fill the unanswered keys with their defaults, in key order, and check the whole."""
    if "name" not in given:
        raise UsageError("no service name: give NAME (or `name:` in the answers file)")
    values: dict[str, Any] = {}
    for key in KEYS:
        values[key] = given[key] if key in given else default_for(key, values)
    if not any(values[k] for k in CONTRACT_KEYS):
        raise UsageError("nothing to create: choose at least one of --rest, --grpc, --events")
    problem = resource_problem(values["resource"], values["resource_plural"])
    if problem:
        raise UsageError(problem)
    return Answers(**values)


def dump_answers(answers: Answers) -> str:
    import yaml

    header = (
        "# govern new-service answers: run `govern new-service --answers .govern-answers.yaml --output .`\n"
        "# in this folder to generate the same files again (add --force to replace them).\n"
    )
    data = {"format": ANSWERS_FORMAT, **answers.as_dict()}
    return header + str(yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=False))

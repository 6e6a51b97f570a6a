"""JSON Schemas of an OpenAPI document as Python types: dataclass models, Literal enums, unions.

A `PyType` is a small tree; `annotation()` writes its type hint and `decoder()` the expression
that turns parsed JSON into it (with the helpers of the generated `_serde` module). Encoding
needs no types: `_serde.encode` walks models, dates, lists and dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govern.errors import InputError
from govern.generate.names import attribute, pascal
from govern.load.model import Contract
from govern.load.refs import RefResolver, pointer_join

PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
IGNORED_FORMATS = frozenset({"uuid", "uri", "uri-reference", "email", "hostname", "int32", "int64", "float", "double"})


@dataclass(frozen=True)
class PyType:
    """kind: str|int|float|bool|any|none|datetime|date|bytes|literal|list|map|model|union|nullable|anyof."""

    kind: str
    name: str = ""  # model or union name, or a Literal alias name
    args: tuple[PyType, ...] = ()
    values: tuple[Any, ...] = ()

    def annotation(self) -> str:
        k = self.kind
        if k in ("str", "int", "float", "bool", "bytes"):
            return k
        if k == "any":
            return "Any"
        if k == "none":
            return "None"
        if k == "datetime":
            return "datetime.datetime"
        if k == "date":
            return "datetime.date"
        if k == "literal":
            return self.name or f"Literal[{', '.join(repr(v) for v in self.values)}]"
        if k == "list":
            return f"list[{self.args[0].annotation()}]"
        if k == "map":
            return f"dict[str, {self.args[0].annotation()}]"
        if k in ("model", "union"):
            return self.name
        if k == "nullable":
            return f"{self.args[0].annotation()} | None"
        if k == "anyof":
            return " | ".join(a.annotation() for a in self.args)
        raise AssertionError(k)

    def decoder(self, x: str, depth: int = 0) -> str:
        """A Python expression decoding the JSON value named by expression `x`."""
        k = self.kind
        v = f"_v{depth}"
        if k in ("str", "int", "float", "bool", "datetime", "date"):
            return f"_serde.as_{k}({x})"
        if k == "any":
            return x
        if k == "none":
            return f"_serde.as_none({x})"
        if k == "literal":
            if len(self.values) == 1 and not self.name:
                return f"_serde.as_const({x}, {self.values[0]!r})"
            return f"_serde.as_enum({x}, {self.values!r})"
        if k == "list":
            return f"[{self.args[0].decoder(v, depth + 1)} for {v} in _serde.as_list({x})]"
        if k == "map":
            return f"{{_k{depth}: {self.args[0].decoder(v, depth + 1)} for _k{depth}, {v} in _serde.as_dict({x}).items()}}"
        if k == "model":
            return f"{self.name}.from_dict({x})"
        if k == "union":
            return f"decode_{_snake_name(self.name)}({x})"
        if k == "nullable":
            return f"_serde.nullable({x}, lambda {v}: {self.args[0].decoder(v, depth + 1)})"
        if k == "anyof":
            kinds = ", ".join(a.annotation() for a in self.args)
            return f"_serde.as_instance({x}, ({kinds},))"
        raise AssertionError(k)


def _snake_name(name: str) -> str:
    from govern.generate.names import snake

    return snake(name)


@dataclass
class Field:
    json_name: str
    attr: str
    type: PyType
    required: bool
    nullable: bool
    description: str = ""

    @property
    def annotation(self) -> str:
        ann = self.type.annotation()
        if not self.required:
            ann = f"{ann} | Unset" if self.nullable else f"{ann} | None"
        return ann

    @property
    def default(self) -> str | None:
        if self.required:
            return None
        return "UNSET" if self.nullable else "None"

    def decode(self, model: str) -> str:
        key = repr(self.json_name)
        if self.required:
            return self.type.decoder(f"_serde.required(_d, {key}, {model!r})")
        if self.nullable:
            return f"_serde.optional_nullable(_d, {key}, lambda _v: {self.type.args[0].decoder('_v', 1)})"
        return f"_serde.optional(_d, {key}, lambda _v: {self.type.decoder('_v', 1)})"


@dataclass
class Model:
    name: str
    description: str
    fields: list[Field] = field(default_factory=list)
    open: bool = True  # additionalProperties allowed: unknown keys are kept
    where: str = ""  # file#pointer, for messages


@dataclass
class Union:
    name: str
    description: str
    members: list[PyType]
    discriminator: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # tag -> model name


@dataclass
class Alias:
    name: str
    description: str
    type: PyType


class TypeBuilder:
    """Builds PyTypes for the schemas of one contract, naming models after components or context."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.refs = RefResolver.of(contract)
        self.models: dict[str, Model] = {}
        self.unions: dict[str, Union] = {}
        self.aliases: dict[str, Alias] = {}
        self._by_target: dict[tuple[str, str], PyType] = {}
        self._names: dict[tuple[str, str], str] = {}  # component target -> name
        self._taken: set[str] = set()
        self.nullable_30 = contract.version.startswith("3.0")

    # ------------------------------------------------------------------ naming

    def error(self, file: str, pointer: str, msg: str) -> InputError:
        loc = self.contract.locate(pointer, file)
        return InputError(loc.file or file, msg, line=loc.line, col=loc.col, pointer=pointer or None)

    def name_components(self) -> None:
        """Reserve the PascalCase name of every component schema, refusing two that collide."""
        root = self.contract.path
        schemas = ((self.contract.data or {}).get("components") or {}).get("schemas") or {}
        seen: dict[str, str] = {}
        for key in schemas:
            ptr = pointer_join("/components/schemas", key)
            name = pascal(key)
            if not name or not name[0].isalpha():
                name = "Schema" + name
            if name in seen:
                raise self.error(
                    root, ptr, f"component schemas {seen[name]!r} and {key!r} both become the Python class {name}; rename one"
                )
            seen[name] = key
            target = self.refs.deref(schemas[key], root, ptr)
            self._names.setdefault((target.file, target.pointer), name)
            self._taken.add(name)

    def fresh(self, hint: str) -> str:
        base = pascal(hint) or "Model"
        if not base[0].isalpha():
            base = "Model" + base
        name, n = base, 2
        while name in self._taken:
            name, n = f"{base}{n}", n + 1
        self._taken.add(name)
        return name

    def component_types(self) -> None:
        """Build a type for every component schema, so unused ones are generated too."""
        root = self.contract.path
        schemas = ((self.contract.data or {}).get("components") or {}).get("schemas") or {}
        for key, node in schemas.items():
            self.type_of(node, root, pointer_join("/components/schemas", key), pascal(key))

    # ------------------------------------------------------------------ types

    def type_of(self, node: Any, file: str, pointer: str, hint: str) -> PyType:
        target = self.refs.deref(node, file, pointer)
        node, file, pointer = target.node, target.file, target.pointer
        key = (file, pointer)
        if key in self._by_target:
            return self._by_target[key]
        if node is True or node == {}:
            return PyType("any")
        if node is False:
            raise self.error(file, pointer, "schema `false` accepts nothing; no type can be generated for it")
        if not isinstance(node, dict):
            raise self.error(file, pointer, "a schema must be an object")
        name = self._names.get(key)
        result = self._build(node, file, pointer, name, hint, key)
        self._by_target[key] = result
        return result

    def _build(self, node: dict[str, Any], file: str, pointer: str, name: str | None, hint: str, key: tuple[str, str]) -> PyType:
        for unsupported in ("prefixItems", "if", "dependentSchemas", "unevaluatedProperties", "$dynamicRef"):
            if unsupported in node:
                raise self.error(file, pointer_join(pointer, unsupported), f"`{unsupported}` is not supported by the client generator")
        nullable = self.nullable_30 and node.get("nullable") is True
        types = node.get("type")
        type_list = types if isinstance(types, list) else ([types] if isinstance(types, str) else [])
        if "null" in type_list:
            nullable = True
            type_list = [t for t in type_list if t != "null"]
        inner = self._build_non_null(node, file, pointer, name, hint, key, type_list)
        if nullable and inner.kind not in ("nullable", "any", "none"):
            return PyType("nullable", args=(inner,))
        return inner

    def _build_non_null(
        self, node: dict[str, Any], file: str, pointer: str, name: str | None, hint: str, key: tuple[str, str], type_list: list[str]
    ) -> PyType:
        if "const" in node:
            return PyType("literal", values=(node["const"],))
        if "enum" in node:
            values = tuple(v for v in node["enum"] if v is not None)
            if not values:
                return PyType("none")
            if not all(isinstance(v, (str, int, bool)) for v in values):
                raise self.error(file, pointer_join(pointer, "enum"), "only string, integer and boolean enum values are supported")
            lit = PyType("literal", name=name or "", values=values)
            if name:
                self.aliases[name] = Alias(name, str(node.get("description", "")), PyType("literal", values=values))
            if None in node["enum"]:
                return PyType("nullable", args=(lit,))
            return lit
        for combinator in ("oneOf", "anyOf"):
            if combinator in node:
                return self._union(node, file, pointer, name, hint, key, combinator)
        if "allOf" in node:
            return self._all_of(node, file, pointer, name, hint, key)
        if len(type_list) > 1:
            members = [self._primitive(t, {}, file, pointer, hint, key, name) for t in type_list]
            if any(m.kind in ("model", "list", "map") for m in members):
                raise self.error(file, pointer_join(pointer, "type"), "a `type` list mixing objects or arrays with other types is not supported; use oneOf")
            return PyType("anyof", args=tuple(members))
        kind = type_list[0] if type_list else None
        if kind is None:
            if "properties" in node or "additionalProperties" in node:
                kind = "object"
            elif "items" in node:
                kind = "array"
            else:
                return PyType("any")
        return self._primitive(kind, node, file, pointer, hint, key, name)

    def _primitive(self, kind: str, node: dict[str, Any], file: str, pointer: str, hint: str, key: tuple[str, str], name: str | None) -> PyType:
        if kind == "string":
            fmt = node.get("format")
            if fmt == "date-time":
                return PyType("datetime")
            if fmt == "date":
                return PyType("date")
            return PyType("str")
        if kind in PRIMITIVES:
            return PyType(PRIMITIVES[kind])
        if kind == "null":
            return PyType("none")
        if kind == "array":
            items = node.get("items", True)
            if isinstance(items, list):
                raise self.error(file, pointer_join(pointer, "items"), "tuple-style `items` lists are not supported")
            item_hint = (name or hint) + "Item"
            return PyType("list", args=(self.type_of(items, file, pointer_join(pointer, "items"), item_hint),))
        if kind == "object":
            props = node.get("properties") or {}
            extra = node.get("additionalProperties", True)
            if not props and not name:
                if isinstance(extra, dict) and extra:
                    value = self.type_of(extra, file, pointer_join(pointer, "additionalProperties"), hint + "Value")
                    return PyType("map", args=(value,))
                return PyType("map", args=(PyType("any"),))
            return self._model(node, file, pointer, name or self.fresh(hint), key)
        raise self.error(file, pointer_join(pointer, "type"), f"unknown schema type {kind!r}")

    def _model(self, node: dict[str, Any], file: str, pointer: str, name: str, key: tuple[str, str], parts: list[tuple[dict[str, Any], str, str]] | None = None) -> PyType:
        result = PyType("model", name=name)
        self._by_target[key] = result  # before the fields: recursive models refer to themselves
        model = Model(name, str(node.get("description", "") or node.get("title", "")), where=f"{file}#{pointer}")
        self.models[name] = model
        by_attr: dict[str, str] = {}
        for part, pfile, pptr in parts or [(node, file, pointer)]:
            required = set(part.get("required") or [])
            if part.get("additionalProperties") is False:
                model.open = False
            for prop, sub in (part.get("properties") or {}).items():
                sub_ptr = pointer_join(pointer_join(pptr, "properties"), prop)
                attr = attribute(prop)
                if not attr:
                    raise self.error(pfile, sub_ptr, f"property {prop!r} has no usable Python name")
                if attr in by_attr and by_attr[attr] != prop:
                    raise self.error(
                        pfile, sub_ptr, f"properties {by_attr[attr]!r} and {prop!r} of {name} both become the attribute {attr!r}"
                    )
                ptype = self.type_of(sub, pfile, sub_ptr, name + pascal(prop))
                existing = next((f for f in model.fields if f.json_name == prop), None)
                is_required = prop in required or (existing is not None and existing.required)
                nullable = ptype.kind == "nullable"
                fld = Field(prop, attr, ptype, is_required, nullable, _description(sub, self.refs, pfile, sub_ptr))
                if existing is not None:
                    model.fields[model.fields.index(existing)] = fld
                else:
                    model.fields.append(fld)
                by_attr[attr] = prop
            for req in required:
                for i, f in enumerate(model.fields):
                    if f.json_name == req and not f.required:
                        model.fields[i] = Field(f.json_name, f.attr, f.type, True, f.nullable, f.description)
        return result

    def _all_of(self, node: dict[str, Any], file: str, pointer: str, name: str | None, hint: str, key: tuple[str, str]) -> PyType:
        parts: list[tuple[dict[str, Any], str, str]] = []
        own = {k: v for k, v in node.items() if k in ("properties", "required", "additionalProperties")}
        for i, member in enumerate(node["allOf"]):
            target = self.refs.deref(member, file, f"{pointer}/allOf/{i}")
            parts.extend(self._object_parts(target.node, target.file, target.pointer))
        if own:
            parts.append((own, file, pointer))
        if not parts:
            members = [self.type_of(m, file, f"{pointer}/allOf/{i}", hint) for i, m in enumerate(node["allOf"])]
            kinds = {m.annotation() for m in members}
            if len(kinds) == 1:
                return members[0]
            raise self.error(file, pointer_join(pointer, "allOf"), "allOf of non-object schemas with different types is not supported")
        return self._model(node, file, pointer, name or self.fresh(hint), key, parts)

    def _object_parts(self, node: Any, file: str, pointer: str) -> list[tuple[dict[str, Any], str, str]]:
        if not isinstance(node, dict):
            return []
        out: list[tuple[dict[str, Any], str, str]] = []
        for i, member in enumerate(node.get("allOf") or []):
            target = self.refs.deref(member, file, f"{pointer}/allOf/{i}")
            out.extend(self._object_parts(target.node, target.file, target.pointer))
        if "oneOf" in node or "anyOf" in node:
            raise self.error(file, pointer, "allOf over a oneOf/anyOf member is not supported")
        if "properties" in node or node.get("type") == "object":
            out.append((node, file, pointer))
        return out

    def _union(self, node: dict[str, Any], file: str, pointer: str, name: str | None, hint: str, key: tuple[str, str], combinator: str) -> PyType:
        if "properties" in node or "allOf" in node:
            raise self.error(file, pointer, f"{combinator} next to properties/allOf in one schema is not supported; move them into the variants")
        union_name = name or self.fresh(hint)
        result = PyType("union", name=union_name)
        self._by_target[key] = result
        members: list[PyType] = []
        for i, member in enumerate(node[combinator]):
            members.append(self.type_of(member, file, f"{pointer}/{combinator}/{i}", f"{union_name}Option{i + 1}"))
        flat: list[PyType] = []
        for m in members:
            if m.annotation() not in {f.annotation() for f in flat}:
                flat.append(m)
        disc = node.get("discriminator")
        union = Union(union_name, str(node.get("description", "")), flat)
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            if not all(m.kind == "model" for m in flat):
                raise self.error(file, pointer_join(pointer, "discriminator"), "a discriminator needs every variant to be an object schema")
            union.discriminator = disc["propertyName"]
            mapping = disc.get("mapping") or {}
            for tag, ref in mapping.items():
                target = self.refs.resolve(ref, file) if "#" in ref or "/" in ref else None
                if target is not None:
                    target = self.refs.deref(target.node, target.file, target.pointer)
                model = self._by_target.get((target.file, target.pointer)) if target else PyType("model", name=pascal(ref))
                if model is None or model.kind != "model":
                    raise self.error(file, pointer_join(pointer, "discriminator"), f"discriminator mapping {tag!r} -> {ref!r} is not one of the variants")
                union.mapping[str(tag)] = model.name
            for m in flat:  # implicit mapping: the const of the discriminator property, else the name
                if m.name in union.mapping.values():
                    continue
                tag = self._const_of(m.name, union.discriminator)
                union.mapping[tag if tag is not None else m.name] = m.name
        self.unions[union_name] = union
        return result

    def _const_of(self, model: str, prop: str) -> str | None:
        for f in self.models[model].fields:
            if f.json_name == prop and f.type.kind == "literal" and len(f.type.values) == 1:
                return str(f.type.values[0])
        return None


def _description(node: Any, refs: RefResolver, file: str, pointer: str) -> str:
    if isinstance(node, dict) and isinstance(node.get("description"), str):
        return str(node["description"])
    target = refs.deref(node, file, pointer)
    if isinstance(target.node, dict):
        return str(target.node.get("description", ""))
    return ""

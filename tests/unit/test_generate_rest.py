"""`govern generate client` for OpenAPI: names, constructs, bad input, atomic output, CLI."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from govern.cli.generate import app
from govern.errors import InputError, UsageError
from govern.generate import build_client, generate_client

ROOT = Path(__file__).resolve().parents[2]
ORDERS_V2 = ROOT / "contracts" / "orders" / "v2" / "openapi.yaml"


def spec(paths: dict, schemas: dict | None = None, version: str = "3.1.0") -> dict:
    doc: dict = {"openapi": version, "info": {"title": "Test API", "version": "1"}, "paths": paths}
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc


def write(tmp_path: Path, doc: dict, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def ok(schema_ref: str = "#/components/schemas/Thing") -> dict:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": schema_ref}}}}}


def load(tmp_path: Path, doc: dict, package: str):
    out = tmp_path / "out"
    generate_client(str(write(tmp_path, doc)), str(out), package=package)
    sys.path.insert(0, str(out))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(out))


def test_one_method_per_operation_for_the_bundled_contracts():
    for version in ("v1", "v2"):
        result = build_client(str(ROOT / "contracts" / "orders" / version / "openapi.yaml"), package="orders_client")
        doc = yaml.safe_load((ROOT / "contracts" / "orders" / version / "openapi.yaml").read_text())
        op_ids = [op["operationId"] for item in doc["paths"].values() for m, op in item.items() if m in ("get", "post", "put", "patch", "delete")]
        assert len(result.operations) == len(op_ids) == 6
        client = result.files["orders_client/client.py"]
        for name in result.operations:
            assert f"    def {name}(" in client and f"    async def {name}(" in client


def test_default_package_name_and_layout():
    result = build_client(str(ORDERS_V2))
    assert result.package == "acme_orders_api_client"
    assert set(result.files) >= {
        "pyproject.toml", "README.md", "acme_orders_api_client/__init__.py", "acme_orders_api_client/client.py",
        "acme_orders_api_client/models.py", "acme_orders_api_client/errors.py", "acme_orders_api_client/_resilience.py",
        "acme_orders_api_client/py.typed",
    }
    assert "govern" not in result.files["pyproject.toml"].split("dependencies", 1)[1].split("]")[0]
    import re

    assert not any(re.search(r"^\s*(import|from) govern\b", text, re.M) for text in result.files.values())


def test_resilience_defaults_come_from_the_data_file():
    from govern.recommend.resilience import resilience_defaults

    d = resilience_defaults()
    runtime = build_client(str(ORDERS_V2), package="p").files["p/_resilience.py"]
    assert f"DEFAULT_TIMEOUT = {d['timeouts']['request_timeout_ms'] / 1000}" in runtime
    assert f"DEFAULT_MAX_RETRIES = {d['retry-backoff']['max_attempts']}" in runtime
    assert f"DEFAULT_BACKOFF = {d['retry-backoff']['initial_backoff_ms'] / 1000}" in runtime
    assert f"DEFAULT_FAILURE_THRESHOLD = {d['circuit-breaker']['failure_threshold']}" in runtime
    assert f"DEFAULT_RESET_TIMEOUT = {d['circuit-breaker']['open_duration_ms'] / 1000}" in runtime


def test_operations_with_the_same_method_name_are_an_error(tmp_path):
    doc = spec({
        "/a": {"get": {"operationId": "getThing", "responses": {"204": {"description": "x"}}}},
        "/b": {"get": {"operationId": "get_thing", "responses": {"204": {"description": "x"}}}},
    })
    with pytest.raises(InputError) as info:
        build_client(str(write(tmp_path, doc)))
    msg = info.value.one_line()
    assert "GET /b ('get_thing') and GET /a ('getThing') both become the method get_thing()" in msg
    assert "api.yaml:" in msg


def test_python_keywords_become_trailing_underscore_attributes(tmp_path, monkeypatch):
    pytest.importorskip("httpx")
    doc = spec(
        {"/t": {"get": {"operationId": "import", "parameters": [{"name": "from", "in": "query", "schema": {"type": "string"}}], "responses": ok()}}},
        {"Thing": {"type": "object", "required": ["class"], "properties": {"class": {"type": "string"}, "match": {"type": "integer"}, "lambda": {"type": ["string", "null"]}, "either": {"type": ["string", "integer"]}}}},
    )
    pkg = load(tmp_path, doc, "kw_client")
    assert pkg.models.Thing.from_dict({"class": "a", "either": 5}).either == 5
    with pytest.raises(pkg.errors.DecodeError):
        pkg.models.Thing.from_dict({"class": "a", "either": 1.5})
    thing = pkg.models.Thing.from_dict({"class": "a", "match": 3})
    assert thing.class_ == "a" and thing.match_ == 3 and thing.lambda_ is pkg.models._serde.UNSET
    assert thing.to_dict() == {"class": "a", "match": 3}
    assert pkg.models.Thing.from_dict({"class": "b", "lambda": None}).to_dict() == {"class": "b", "lambda": None}
    assert hasattr(pkg.Client, "import_")
    client_src = (tmp_path / "out" / "kw_client" / "client.py").read_text()
    assert "from_: str | None = None" in client_src and "_http.add_query(query, 'from', from_," in client_src


def test_properties_colliding_after_renaming_are_an_error(tmp_path):
    doc = spec({"/t": {"get": {"operationId": "t", "responses": ok()}}},
               {"Thing": {"type": "object", "properties": {"order-id": {"type": "string"}, "order_id": {"type": "string"}}}})
    with pytest.raises(InputError, match="properties 'order-id' and 'order_id' of Thing both become the attribute 'order_id'"):
        build_client(str(write(tmp_path, doc)))


def test_component_names_colliding_are_an_error(tmp_path):
    doc = spec({"/t": {"get": {"operationId": "t", "responses": ok()}}},
               {"Thing": {"type": "object"}, "thing": {"type": "object"}})
    with pytest.raises(InputError, match="component schemas 'Thing' and 'thing' both become the Python class Thing"):
        build_client(str(write(tmp_path, doc)))


def test_parameters_colliding_with_reserved_keywords_are_an_error(tmp_path):
    doc = spec({"/t": {"get": {"operationId": "t", "parameters": [{"name": "timeout", "in": "query", "schema": {"type": "integer"}}], "responses": ok()}}},
               {"Thing": {"type": "object"}})
    with pytest.raises(InputError, match="parameter 'timeout' becomes the keyword argument 'timeout'"):
        build_client(str(write(tmp_path, doc)))


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"parameters": [{"name": "id", "in": "path", "required": True, "style": "matrix", "schema": {"type": "string"}}]},
         "style 'matrix' for path parameter 'id' is not supported"),
        ({"parameters": [{"name": "f", "in": "query", "style": "deepObject", "schema": {"type": "object"}}]},
         "style 'deepObject' for query parameter 'f' is not supported"),
        ({"parameters": [{"name": "f", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}]},
         "object-valued parameters (deepObject, exploded forms) are not supported"),
        ({"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}},
         "request body media type(s) ['multipart/form-data'] are not supported"),
        ({"x-govern-timeout": 0}, "x-govern-timeout must be a number of seconds in (0, 30]"),
        ({"x-govern-retries": "3"}, "x-govern-retries must be an integer from 0 to 10"),
        ({"x-govern-retries": 2}, "POST /t is not safe to retry (not idempotent, no Idempotency-Key header parameter)"),
    ],
)
def test_unsupported_constructs_are_clear_errors(tmp_path, operation, message):
    path = "/t/{id}" if "path" in json.dumps(operation) else "/t"
    doc = spec({path: {"post": {"operationId": "t", **operation, "responses": {"204": {"description": "x"}}}}})
    with pytest.raises(InputError) as info:
        build_client(str(write(tmp_path, doc)))
    assert message in info.value.one_line()
    assert info.value.line is not None


def test_combinators_enums_and_nullable(tmp_path):
    pytest.importorskip("httpx")
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        "Named": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}]},
        "Cat": {"type": "object", "required": ["meows"], "properties": {"meows": {"type": "boolean"}}, "additionalProperties": False},
        "Dog": {"type": "object", "required": ["barks"], "properties": {"barks": {"type": "integer"}}, "additionalProperties": False},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
        "Color": {"type": "string", "enum": ["red", "green"]},
        "Thing": {"type": "object", "properties": {
            "named": {"$ref": "#/components/schemas/Named"},
            "pet": {"$ref": "#/components/schemas/Pet"},
            "color": {"$ref": "#/components/schemas/Color"},
            "old_style": {"type": "string", "nullable": True},
            "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
        }},
    }
    doc = spec({"/t": {"get": {"operationId": "t", "responses": ok()}}}, schemas, version="3.0.3")
    pkg = load(tmp_path, doc, "combi_client")
    m = pkg.models
    thing = m.Thing.from_dict({"named": {"id": 1, "name": "n"}, "pet": {"barks": 2}, "color": "red", "tags": {"a": 1}, "old_style": None})
    assert thing.named == m.Named(id=1, name="n")
    assert isinstance(thing.pet, m.Dog) and thing.pet.barks == 2
    assert isinstance(m.decode_pet({"meows": True}), m.Cat)
    assert thing.color == "red" and thing.tags == {"a": 1} and thing.old_style is None
    assert thing.to_dict() == {"named": {"id": 1, "name": "n"}, "pet": {"barks": 2}, "color": "red", "tags": {"a": 1}, "old_style": None}
    with pytest.raises(pkg.errors.DecodeError):
        m.decode_pet({"purrs": 1})
    with pytest.raises(pkg.errors.DecodeError, match="required property 'id' is missing"):
        m.Named.from_dict({"name": "x"})
    assert m.Thing.from_dict({"color": "blue"}).color == "blue"  # tolerant reader: newer enum values pass
    src = (tmp_path / "out" / "combi_client" / "models.py").read_text()
    assert "Color: TypeAlias = Literal['red', 'green']" in src
    assert "Pet: TypeAlias = Cat | Dog" in src
    assert "old_style: str | None | Unset = UNSET" in src  # OpenAPI 3.0 `nullable: true`


def test_x_govern_overrides_reach_the_call(tmp_path):
    doc = spec({"/t": {"get": {"operationId": "slow", "x-govern-timeout": 12.5, "x-govern-retries": 0, "responses": {"204": {"description": "x"}}}}})
    client = build_client(str(write(tmp_path, doc)), package="p").files["p/client.py"]
    assert "timeout=base._timeout(timeout, 12.5)" in client and "max_retries=base._retries(max_retries, 0)" in client


# ------------------------------------------------------------------ output directory and CLI

runner = CliRunner()


def test_cli_writes_the_package(tmp_path):
    out = tmp_path / "client"
    result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(out), "--package", "orders_client"])
    assert result.exit_code == 0, result.output
    assert "package orders_client: 6 operations" in result.output
    assert (out / "orders_client" / "client.py").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging dir left


def test_non_empty_output_needs_force(tmp_path):
    out = tmp_path / "client"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(out)])
    assert result.exit_code == 2 and "not empty; refusing to overwrite (use --force)" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(out), "--force", "-p", "orders_client"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "orders_client", "pyproject.toml"]


def test_unwritable_output_is_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(blocker / "client")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(blocker)])
    assert result.exit_code == 2 and "exists and is not a directory" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; permissions cannot be tested")
def test_read_only_parent_is_exit_2(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        result = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(ro / "client")])
        assert result.exit_code == 2 and "cannot write" in result.output
    finally:
        ro.chmod(0o700)


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    import govern.generate.output as output

    calls = []

    def boom(path, text, **kw):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, text, **kw)

    real = output.write_atomic
    monkeypatch.setattr(output, "write_atomic", boom)
    out = tmp_path / "client"
    with pytest.raises(UsageError, match="No space left on device"):
        generate_client(str(ORDERS_V2), str(out))
    assert list(tmp_path.iterdir()) == []


def test_bad_input_is_one_line_exit_2(tmp_path):
    doc = spec({"/a": {"get": {"operationId": "x", "responses": {"204": {"description": "x"}}}},
                "/b": {"get": {"operationId": "X", "responses": {"204": {"description": "x"}}}}})
    out = tmp_path / "client"
    result = runner.invoke(app, ["client", str(write(tmp_path, doc)), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith("govern: error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output and not out.exists()
    bad = runner.invoke(app, ["client", str(ORDERS_V2), "--out", str(out), "--package", "Not-A-Name"])
    assert bad.exit_code == 2 and "--package 'Not-A-Name'" in bad.output
    schema = tmp_path / "s.json"
    schema.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}')
    nope = runner.invoke(app, ["client", str(schema), "--out", str(out)])
    assert nope.exit_code == 2 and "cannot generate a client from a jsonschema contract" in nope.output


def test_registered_cli_generates_a_client(tmp_path):
    """Through `python -m govern`, once `generate` is registered in govern/cli/app.py."""
    import subprocess

    from govern.cli.app import app as root

    if not any(g.name == "generate" for g in root.registered_groups):
        pytest.skip("`generate` is not registered in govern/cli/app.py yet")
    out = tmp_path / "client"
    run = subprocess.run([sys.executable, "-m", "govern", "generate", "client", str(ORDERS_V2), "--out", str(out)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (out / "acme_orders_api_client" / "client.py").is_file()
    again = subprocess.run([sys.executable, "-m", "govern", "generate", "client", str(ORDERS_V2), "--out", str(out)],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr


KITCHEN_SINK = """\
openapi: 3.1.0
info: {title: Kitchen Sink, version: "1"}
paths:
  /trees/{tree_id}:
    $ref: '#/components/pathItems/Tree'
  /search:
    get:
      operationId: searchThings
      parameters:
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: pipes, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, schema: {type: array, items: {type: string}}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: filter, in: query, content: {application/json: {schema: {type: object}}}}
        - {name: level, in: query, schema: {type: integer, enum: [1, 2, 3]}}
        - {name: flag, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {text/plain: {schema: {type: string}}}}
        default: {description: err}
  /upload:
    put:
      operationId: upload
      requestBody: {required: true, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
      responses:
        '204': {description: none}
  /form:
    post:
      operationId: postForm
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object}}}}
      responses:
        '2XX': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
  /multi:
    get:
      operationId: multi
      responses:
        '200': {description: a, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
        '202': {description: b, content: {application/json: {schema: {type: object, properties: {job: {type: string}}}}}}
        '204': {description: c}
components:
  pathItems:
    Tree:
      parameters:
        - {name: tree_id, in: path, required: true, schema: {type: integer}}
      get:
        operationId: getTree
        responses:
          '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
      delete:
        operationId: deleteTree
        responses:
          '204': {description: gone}
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        meta:
          type: object
          properties:
            created: {type: string, format: date-time}
            weight: {type: number}
        kind: {type: [string, 'null'], enum: [leaf, branch, null]}
        shape:
          oneOf:
            - {type: string}
            - {type: integer}
            - {$ref: '#/components/schemas/Node'}
        labels: {type: object, additionalProperties: {type: string}}
        anything: {}
        extras:
          allOf:
            - {type: object, properties: {a: {type: integer}}}
            - {type: object, properties: {b: {type: string}}, required: [b]}
"""


def test_parameter_styles_bodies_and_statuses_on_the_wire(tmp_path):
    """Every parameter style and body kind the generator supports, as httpx sends them."""
    httpx = pytest.importorskip("httpx")
    (tmp_path / "api.yaml").write_text(KITCHEN_SINK)
    out = tmp_path / "out"
    generate_client(str(tmp_path / "api.yaml"), str(out), package="sink_client")
    sys.path.insert(0, str(out))
    try:
        importlib.invalidate_caches()
        pkg = importlib.import_module("sink_client")
    finally:
        sys.path.remove(str(out))
    seen = []

    def handler(request):
        seen.append(request)
        path = request.url.path
        if path == "/search":
            return httpx.Response(200, text="found", headers={"Content-Type": "text/plain"})
        if path == "/form":
            return httpx.Response(207, json={"name": "f"})
        if path == "/multi":
            status = int(request.headers["X-Want"]) if "X-Want" in request.headers else 202
            return httpx.Response(status, json={"job": "j1"} if status == 202 else {"name": "n"}) if status != 204 else httpx.Response(204)
        if path == "/trees/7" and request.method == "GET":
            return httpx.Response(200, json={"name": "root", "children": [{"name": "leaf", "kind": "leaf", "shape": 3}], "kind": None,
                                             "meta": {"created": "2025-03-14T09:26:53Z", "weight": 2}, "labels": {"a": "b"},
                                             "shape": {"name": "inner"}, "extras": {"a": 1, "b": "x"}})
        return httpx.Response(204)

    with pkg.Client("http://sink.test", transport=httpx.MockTransport(handler)) as api:
        assert api.search_things(tags=["a", "b"], ids=[1, 2], pipes=["x", "y"], x_trace=["t1", "t2"], session="s1",
                                 filter={"q": 1}, level=2, flag=True) == "found"
        req = seen[-1]
        assert req.url.query.decode() == "tags=a&tags=b&ids=1%2C2&pipes=x%7Cy&filter=%7B%22q%22%3A1%7D&level=2&flag=true"
        assert req.headers["X-Trace"] == "t1,t2" and req.headers["Cookie"] == "session=s1"
        api.upload(body=b"\x00\x01")
        assert seen[-1].method == "PUT" and seen[-1].content == b"\x00\x01"
        assert seen[-1].headers["Content-Type"] == "application/octet-stream"
        node = api.post_form(body={"a": 1, "b": True})
        assert node.name == "f" and seen[-1].content == b"a=1&b=true"
        job = api.multi()
        assert isinstance(job, pkg.models.MultiResponse202) and job.job == "j1"
        tree = api.get_tree(tree_id=7)
        assert tree.children[0].shape == 3 and tree.children[0].kind == "leaf" and tree.kind is None
        assert isinstance(tree.shape, pkg.models.Node) and tree.shape.name == "inner"
        assert tree.meta.weight == 2.0 and tree.meta.created.year == 2025 and tree.extras.b == "x"
        assert api.delete_tree(tree_id=7) is None and seen[-1].method == "DELETE"

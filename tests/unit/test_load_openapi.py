"""govern.load (OpenAPI): versions, validation Problems with lines, $ref files, cycles, safety."""

from __future__ import annotations

import json
import socket
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from govern.errors import InputError
from govern.load import RefResolver, discover, load_contract
from govern.load.model import Limits

FIXTURES = Path(__file__).parent / "fixtures_load"
SHARED_SPECS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "specs"

VALID_30 = """\
openapi: 3.0.3
info: {title: Orders, version: 1.0.0}
paths:
  /orders:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}, nullable: true}
"""

VALID_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Orders", "version": "1.0.0"},
    "paths": {},
    "components": {"schemas": {"Id": {"type": ["string", "null"], "x-sunset": "2025-01-01"}}},
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_valid_30_and_31(tmp_path: Path) -> None:
    c30 = load_contract(write(tmp_path, "a.yaml", VALID_30))
    assert (c30.kind, c30.version, c30.problems) == ("openapi", "3.0.3", [])
    c31 = load_contract(write(tmp_path, "b.json", json.dumps(VALID_31, indent=2)))
    assert (c31.kind, c31.version, c31.problems) == ("openapi", "3.1.0", [])
    assert c31.data["components"]["schemas"]["Id"]["x-sunset"] == "2025-01-01"


def test_multi_file_spec_with_relative_and_recursive_refs() -> None:
    root = str(FIXTURES / "openapi-multi" / "openapi.yaml")
    contract = load_contract(root)
    assert contract.problems == []
    keys = {Path(k).name for k in contract.documents}
    assert keys == {"openapi.yaml", "common.yaml", "order.yaml"}
    refs = RefResolver.of(contract)
    target = refs.resolve("./schemas/order.yaml#/Order", root)
    assert target.node["required"] == ["id"] and target.pointer == "/Order"
    assert refs.locate(target.file, target.pointer + "/properties/parent").line == 11
    # following a chain of refs lands on a real node
    response = contract.data["paths"]["/orders/{id}"]["get"]["responses"]["default"]
    problem = refs.deref(response, root)
    assert problem.node["description"] == "A problem" and Path(problem.file).name == "common.yaml"
    assert all(refs.resolve_site(site) for site in refs.sites())


def test_error_inside_a_referenced_file_points_into_that_file(tmp_path: Path) -> None:
    write(tmp_path, "schemas/order.yaml", "Order:\n  type: object\n  properties:\n    id: {type: strin}\n")
    root = write(tmp_path, "api.yaml", """\
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths:
          /o:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: 'schemas/order.yaml#/Order'}
        """)
    contract = load_contract(root, mode="collect")
    [problem] = contract.problems
    assert problem.rule_id == "openapi-invalid"
    assert problem.location.file is not None and problem.location.file.endswith("schemas/order.yaml")
    assert problem.location.line == 4 and "strin" in problem.message


def test_invalid_spec_collect_has_lines_and_strict_raises(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", """\
        openapi: 3.0.3
        info:
          version: '1'
        paths:
          /a/{id}:
            get:
              operationId: same
              parameters:
                - {name: q, in: querry, schema: {type: string}}
              responses:
                '200': {description: ok}
          /b:
            get:
              operationId: same
              responses:
                '200': {description: ok}
        """)
    contract = load_contract(path, mode="collect")
    found = {(p.location.line, p.message) for p in contract.problems}
    assert (2, "info: 'title' is a required property") in found
    assert (9, "in: 'querry' is not one of ['path', 'query', 'header', 'cookie']") in found
    assert any(line == 13 and "not unique" in msg for line, msg in found)
    assert all(len(p.message) < 300 for p in contract.problems)
    with pytest.raises(InputError) as info:
        load_contract(path)
    err = info.value
    assert err.line == 2 and "invalid OpenAPI 3.0 document" in str(err) and "\n" not in err.one_line()


def test_structurally_broken_spec_gives_problems_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "w.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  - /orders\n")
    problems = load_contract(path, mode="collect").problems
    assert problems and problems[0].location.line == 3 and "paths" in problems[0].message


def test_swagger_2_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n")
    with pytest.raises(InputError, match="Swagger 2.0 is not supported; convert to OpenAPI 3"):
        load_contract(path, mode="collect")


@pytest.mark.parametrize("version, says", [("4.0.0", "OpenAPI 4.0.0 is not supported"), ("3.0", "not supported")])
def test_unknown_openapi_versions(tmp_path: Path, version: str, says: str) -> None:
    path = write(tmp_path, "v.yaml", f"openapi: '{version}'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n")
    with pytest.raises(InputError, match=says):
        load_contract(path, mode="collect")


def _spec_with_ref(ref: str) -> str:
    return f"""\
        openapi: 3.1.0
        info: {{title: t, version: '1'}}
        paths:
          /o:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: '{ref}'
        """


@pytest.mark.parametrize(
    "ref, says",
    [
        ("https://example.com/order.json", "remote $ref 'https://example.com/order.json' refused (no network)"),
        ("./missing.yaml#/Order", "missing.yaml not found"),
        ("#/components/schemas/Nope", "nothing at /components/schemas/Nope"),
        ("ftp://example.com/x.yaml", "unsupported $ref"),
    ],
)
def test_unresolvable_refs_are_input_errors_at_the_ref(tmp_path: Path, ref: str, says: str) -> None:
    path = write(tmp_path, "api.yaml", _spec_with_ref(ref))
    with pytest.raises(InputError) as info:
        load_contract(path, mode="collect")
    assert says in str(info.value)
    assert info.value.line == 12 and info.value.file == path


def test_remote_refs_are_never_fetched_even_when_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "api.yaml", _spec_with_ref("https://example.com/order.json"))
    with pytest.raises(InputError, match="not supported"):
        load_contract(path, limits=Limits(allow_remote_refs=True))


def test_refs_may_not_leave_the_boundary(tmp_path: Path) -> None:
    write(tmp_path, "outside.yaml", "Order: {type: object}\n")
    path = write(tmp_path, "repo/api.yaml", _spec_with_ref("../outside.yaml#/Order"))
    (tmp_path / "repo" / ".git").mkdir()
    with pytest.raises(InputError, match="points outside"):
        load_contract(path)
    # inside the git work tree, ../ is fine
    write(tmp_path, "repo/shared/order.yaml", "Order: {type: object}\n")
    inner = write(tmp_path, "repo/api/v1/api.yaml", _spec_with_ref("../../shared/order.yaml#/Order"))
    assert load_contract(inner).problems == []
    # an explicit ref_root widens (or narrows) the boundary
    assert load_contract(path, ref_root=str(tmp_path)).problems == []


def test_recursive_schema_is_fine_but_a_pure_cycle_is_refused(tmp_path: Path) -> None:
    ok = write(tmp_path, "ok.yaml", """\
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            Node:
              type: object
              properties:
                next: {$ref: '#/components/schemas/Node'}
                kids: {type: array, items: {$ref: '#/components/schemas/Node'}}
        """)
    assert load_contract(ok).problems == []
    cycle = write(tmp_path, "cycle.yaml", """\
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            A: {$ref: '#/components/schemas/B'}
            B: {$ref: '#/components/schemas/A'}
        """)
    with pytest.raises(InputError, match="circular \\$ref") as info:
        load_contract(cycle, mode="collect")
    assert info.value.line in (6, 7)
    here = "#/paths/~1o/get/responses/200/content/application~1json/schema"
    selfref = write(tmp_path, "self.yaml", _spec_with_ref(here))
    with pytest.raises(InputError, match="circular"):
        load_contract(selfref, mode="collect")


def test_cross_file_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "A: {$ref: 'b.yaml#/B'}\n")
    write(tmp_path, "b.yaml", "B: {$ref: 'a.yaml#/A'}\n")
    path = write(tmp_path, "api.yaml", _spec_with_ref("a.yaml#/A"))
    with pytest.raises(InputError, match="circular"):
        load_contract(path)


def test_literal_examples_are_not_refs(tmp_path: Path) -> None:
    path = write(tmp_path, "api.yaml", """\
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            Doc:
              type: object
              example: {$ref: 'https://example.com/not-a-ref'}
              x-note: {$ref: 'nowhere.yaml'}
        """)
    assert load_contract(path).problems == []


def test_discover_and_directories(tmp_path: Path) -> None:
    write(tmp_path, "svc/openapi.yaml", VALID_30)
    write(tmp_path, "svc/schemas/order.yaml", "type: object\nproperties: {id: {type: string}}\n")
    write(tmp_path, "events/asyncapi.yaml", "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n")
    write(tmp_path, "schemas/s.json", '{"$schema": "https://json-schema.org/draft/2020-12/schema"}')
    write(tmp_path, "old/swagger.yaml", "swagger: '2.0'\n")
    write(tmp_path, "node_modules/x/openapi.yaml", VALID_30)
    write(tmp_path, ".github/workflows/ci.yaml", "on: push\n")
    write(tmp_path, "proto/acme/orders/v1/orders.proto", 'syntax = "proto3";\npackage acme.orders.v1;\n')
    write(tmp_path, "compose.yaml", "services: {}\n")
    found = [str(Path(p).relative_to(tmp_path)) for p in discover(str(tmp_path))]
    assert found == ["events/asyncapi.yaml", "proto", "schemas/s.json", "svc/openapi.yaml"]
    assert load_contract(str(tmp_path / "svc")).kind == "openapi"
    with pytest.raises(InputError, match="holds 4 contracts"):
        load_contract(str(tmp_path))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no contracts found in"):
        load_contract(str(tmp_path / "empty"))


def test_not_a_contract(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a contract: expected an OpenAPI, AsyncAPI, JSON Schema or .proto file"):
        load_contract(write(tmp_path, "compose.yaml", "services: {web: {image: x}}\n"))


@pytest.mark.skipif(not SHARED_SPECS.is_dir(), reason="shared corpora not present")
def test_large_real_spec_loads_and_resolves_fast() -> None:
    from govern.load.files import load_document
    from govern.load.refs import load_tree

    path = next(iter(sorted(SHARED_SPECS.glob("stripe-*.json"))))
    start = time.perf_counter()
    doc = load_document(str(path), Limits())
    refs = load_tree(doc, Limits(), use_ids=False)
    assert time.perf_counter() - start < 3.0  # about 0.2 s on a laptop; validation is separate
    assert sum(1 for _ in refs.sites()) > 1000
    assert doc.source.locate("/paths/~1v1~1charges/get").line is not None


def test_loading_openapi_does_not_import_the_http_stack() -> None:
    """file: refs are turned into paths without urllib.request (HTTP, SSL, e-mail: ~30 ms per run)."""
    import subprocess
    import sys

    code = "import sys, govern.load.openapi; print('urllib.request' in sys.modules, 'http.client' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]

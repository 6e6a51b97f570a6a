"""govern.load.files: safe reading, YAML/JSON parsing with source lines, hostile input."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import InputError
from govern.load.files import (
    JsonPositions,
    decode_text,
    json_line_table,
    load_document,
    parse_document,
    read_text,
    safe_path,
)
from govern.load.model import Limits

LIMITS = Limits()


def parse(text: str, name: str = "doc.yaml", limits: Limits = LIMITS) -> Any:
    return parse_document(name, text, limits)


def error_of(text: str, name: str = "doc.yaml", limits: Limits = LIMITS) -> InputError:
    with pytest.raises(InputError) as info:
        parse_document(name, text, limits)
    return info.value


# ---------------------------------------------------------------- YAML values


def test_yaml_scalars_follow_yaml_1_1_but_timestamps_stay_text() -> None:
    """Same values as yaml.safe_load (YAML 1.1: `1.5e3` is text, `017` octal), dates kept as text."""
    doc = parse(
        "a: yes\nb: off\nc: 0x1F\nd: 1_000\ne: 1.5e+3\nf: ~\ng: 2025-01-01\n"
        "h: 2001-12-14t21:59:43.10-05:00\ni: '42'\nj: .inf\nk: 017\nl: 1.5e3\n"
    )
    assert doc.data == {
        "a": True, "b": False, "c": 31, "d": 1000, "e": 1500.0, "f": None,
        "g": "2025-01-01", "h": "2001-12-14t21:59:43.10-05:00", "i": "42", "j": float("inf"), "k": 15,
        "l": "1.5e3",
    }
    json.dumps({k: v for k, v in doc.data.items() if k != "j"})  # plain JSON-compatible data


def test_yaml_non_string_keys_become_their_source_text() -> None:
    doc = parse("responses:\n  200: {description: ok}\n  default: {}\n  on: 1\n  1.0: x\n")
    assert list(doc.data["responses"]) == ["200", "default", "on", "1.0"]


def test_yaml_merge_keys_and_aliases_are_copied() -> None:
    doc = parse("base: &b {k: 1, l: [1, 2]}\nuse:\n  <<: *b\n  k: 2\nagain: *b\n")
    assert doc.data["use"] == {"k": 2, "l": [1, 2]}
    assert doc.data["again"] == {"k": 1, "l": [1, 2]}
    assert doc.data["again"] is not doc.data["base"]  # a tree, not a graph


def test_yaml_lines_for_nested_pointers() -> None:
    text = (
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /orders/{id}:\n"
        "    get:\n"
        "      parameters:\n"
        "        - name: id\n"
        "          in: path\n"
        "        - {name: q, in: query}\n"
    )
    doc = parse(text)
    loc = doc.source.locate("/paths/~1orders~1{id}/get/parameters/1/in")
    assert (loc.line, loc.col) == (8, 21)
    assert doc.source.locate("/paths/~1orders~1{id}/get").line == 4
    assert doc.source.locate("/paths/~1orders~1{id}/get/parameters/0").line == 6
    assert doc.source.locate("").line == 1
    # a pointer below a leaf falls back to the nearest ancestor
    assert doc.source.locate("/paths/~1orders~1{id}/get/parameters/0/in/deeper").line == 7


def test_yaml_alias_copies_get_the_anchor_lines() -> None:
    doc = parse("a: &x\n  k: 1\nb: *x\n")
    assert doc.source.locate("/b/k").line == 2
    assert doc.source.locate("/b").line == 3


def test_yaml_duplicate_key_names_both_lines() -> None:
    err = error_of("info:\n  title: a\n  version: 1\n  title: b\n")
    assert (err.line, err.col) == (4, 3)
    assert "duplicate key 'title'" in str(err) and "line 2" in str(err)


def test_yaml_duplicate_key_after_key_conversion() -> None:
    err = error_of("responses:\n  200: {}\n  '200': {}\n")
    assert err.line == 3 and "duplicate key '200'" in str(err)


@pytest.mark.parametrize(
    "text, says",
    [
        ("a: !!python/object/apply:os.system ['echo hi']\n", "!!python/object/apply:os.system"),
        ("a: !Ref other\n", "!Ref"),
        ("a: !!binary_x 1\n", "unsupported YAML tag"),
        ("a: !!int nope\n", "not a valid YAML int"),
    ],
)
def test_yaml_unsafe_or_unknown_tags_are_refused(text: str, says: str) -> None:
    err = error_of(text)
    assert says in str(err) and err.line == 1


def test_yaml_alias_bomb_fails_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    err = error_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert "alias" in str(err) and err.line is not None


def test_yaml_alias_cap_is_configurable() -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert parse(text).data["b"] == [[1, 2, 3, 4]] * 3
    assert "alias" in str(error_of(text, limits=Limits(max_alias_expansions=10)))


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: *nope\n"])
def test_yaml_recursive_or_undefined_alias(text: str) -> None:
    err = error_of(text)
    assert "YAML alias" in str(err) and err.line == 1


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deep_nesting_is_an_input_error_not_a_crash(name: str) -> None:
    start = time.perf_counter()
    err = error_of("[" * 10_000 + "]" * 10_000, name=name)
    assert "nesting deeper than 500 levels" in str(err)
    assert time.perf_counter() - start < 1.0


def test_deep_block_yaml_and_alias_depth() -> None:
    deep = "".join("  " * i + "k:\n" for i in range(600))
    assert "nesting deeper" in str(error_of(deep))
    limits = Limits(max_depth=5)
    text = "a: &a [[[1]]]\nb: [[[*a]]]\n"
    assert "nesting deeper" in str(error_of(text, limits=limits))


def test_yaml_syntax_error_is_one_line_with_position() -> None:
    err = error_of("a:\n  b: [1, 2\nc: 3\n")
    assert err.line == 3 and "invalid YAML" in str(err) and "\n" not in err.one_line()


def test_yaml_multiple_documents_and_complex_keys() -> None:
    assert error_of("a: 1\n---\nb: 2\n").line == 2
    assert "mapping keys" in str(error_of("? [a, b]\n: 1\n"))


@pytest.mark.parametrize("text", ["\n\n# just a comment\n", "---\n", "~\n"])
def test_empty_documents(text: str) -> None:
    assert "empty document" in str(error_of(text))


# ---------------------------------------------------------------- JSON


def test_json_parses_and_lines_are_lazy() -> None:
    text = '{\n  "a": {"b/c": [1, {"d~e": "x"}]},\n  "f": []\n}\n'
    doc = parse(text, name="doc.json")
    assert doc.data == {"a": {"b/c": [1, {"d~e": "x"}]}, "f": []}
    assert doc.source.lines is None  # nothing computed yet
    loc = doc.source.locate("/a/b~1c/1/d~0e")
    assert (loc.line, loc.col) == (2, 21)
    assert doc.source.locate("/f").line == 3


def test_json_content_in_a_yaml_file_is_fast_pathed() -> None:
    doc = parse('{"openapi": "3.1.0"}', name="api.yaml")
    assert doc.data == {"openapi": "3.1.0"} and doc.source.lines is None


def test_json_duplicate_key_has_its_line() -> None:
    err = error_of('{\n  "a": 1,\n  "b": {"x": 1,\n        "x": 2}\n}', name="d.json")
    assert (err.line, err.col) == (4, 9) and "duplicate key 'x'" in str(err)


def test_json_syntax_error_position() -> None:
    err = error_of('{\n  "a": 1\n  "b": 2\n}', name="bad.json")
    assert (err.line, err.col) == (3, 3) and "invalid JSON" in str(err)


def test_large_json_loads_fast_and_locates(tmp_path: Path) -> None:
    paths = {f"/items/{i}": {"get": {"responses": {"200": {"description": "x" * 40}}}} for i in range(20_000)}
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"openapi": "3.1.0", "paths": paths}, indent=2))
    start = time.perf_counter()
    doc = load_document(str(path), LIMITS)
    assert time.perf_counter() - start < 2.0
    loc = doc.source.locate("/paths/~1items~119999/get/responses/200/description")
    assert loc.line is not None
    text = path.read_text().splitlines()
    assert text[loc.line - 1].strip().startswith('"description"')


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='ab/~"\\ {}[],:\u00e9\n', max_size=6),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet='ab/~"\\ {}[],:\u00e9', max_size=4), inner, max_size=4),
    max_leaves=25,
)


def _pointers(node: Any, ptr: str = "") -> list[tuple[str, Any]]:
    out = [(ptr, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _pointers(value, ptr + "/" + key.replace("~", "~0").replace("/", "~1"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _pointers(value, f"{ptr}/{i}")
    return out


@settings(max_examples=150, deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans())
def test_json_line_table_matches_the_data(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    table = json_line_table(text)
    lines = text.split("\n")
    expected = _pointers(value)
    assert set(table) == {p for p, _ in expected}
    for pointer, node in expected:
        line, col = table[pointer]
        rest = lines[line - 1][col - 1:]
        if pointer and not pointer.rsplit("/", 1)[1].isdigit():
            assert rest.startswith('"'), (pointer, rest)  # a key
        else:
            assert rest[:1] == json.dumps(node, ensure_ascii=ascii_only)[:1], (pointer, rest)


def _reindent(text: str, shifts: list[int]) -> str:
    """`text` with the leading spaces of some lines changed (still the same JSON value)."""
    lines = text.split("\n")
    for n, shift in enumerate(shifts):
        i = n % len(lines)
        body = lines[i].lstrip(" ")
        lines[i] = " " * max(0, len(lines[i]) - len(body) + shift) + body
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(
    value=json_values,
    indent=st.sampled_from([None, 0, 1, 2, 4]),
    shifts=st.lists(st.integers(-3, 3), max_size=6),
    ascii_only=st.booleans(),
)
def test_json_positions_from_the_layout_match_the_scanner(
    value: Any, indent: int | None, shifts: list[int], ascii_only: bool
) -> None:
    """Listing containers from the indentation (given the parsed value) finds the same offsets
    as decoding every member, however the lines are indented, including inconsistently."""
    text = _reindent(json.dumps(value, indent=indent, ensure_ascii=ascii_only), shifts)
    laid_out, scanned = JsonPositions(text, json.loads(text)), JsonPositions(text)
    scanned.BLOCK = 3  # line breaks counted in many small blocks: same lines and columns
    for pointer, _ in _pointers(value):
        assert laid_out.get(pointer) == scanned.get(pointer) == json_line_table(text)[pointer], pointer
    for missing in ("/nope", "/0/x", "x", "/a~2"):
        assert laid_out.get(missing) == scanned.get(missing)


def test_json_positions_layout_is_checked_against_the_data() -> None:
    """Text whose indentation suggests the wrong members is listed by the scanner instead."""
    text = '{\n  "a": {\n  "b": 1\n  },\n  "b": [\n  1,\n  2\n  ]\n}'
    positions = JsonPositions(text, json.loads(text))
    assert positions["/a"] == (2, 3) and positions["/a/b"] == (3, 3) and positions["/b"] == (5, 3)
    assert positions["/b/1"] == (7, 3)
    misleading = '{\n  "a": {\n    "x": {\n  },\n    "y": 1\n  },\n  "b": 2\n}'
    positions = JsonPositions(misleading, json.loads(misleading))
    assert positions["/a/y"] == (5, 5) and positions["/b"] == (7, 3)


def test_indented_json_is_listed_without_decoding_member_values() -> None:
    value = {"paths": {f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(50)}}
    text = json.dumps(value, indent=2)
    positions = JsonPositions(text, value)

    def no_scanning(at: int) -> None:
        raise AssertionError(f"container at {at} decoded")

    positions._scanned = no_scanning  # type: ignore[method-assign]
    line, col = positions["/paths/~1p49/get/responses/200/description"]
    assert text.split("\n")[line - 1][col - 1 :].startswith('"description": "ok"')


# ---------------------------------------------------------------- reading files


def test_read_text_refuses_bad_bytes(tmp_path: Path) -> None:
    cases = {
        "empty.yaml": (b"", "empty file"),
        "nul.yaml": (b"a: 1\n\x00\x01\x02", "not a text file"),
        "utf16.yaml": ("a: 1\n".encode("utf-16"), "UTF-16"),
    }
    for name, (data, says) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=says):
            read_text(str(tmp_path / name), LIMITS)


def test_non_utf8_names_line_and_offset() -> None:
    with pytest.raises(InputError) as info:
        decode_text("l.yaml", b"a: 1\nb: 2\nc: caf\xe9\n")
    assert (info.value.line, info.value.col) == (3, 7) and "byte offset 16" in str(info.value)


def test_bom_is_dropped() -> None:
    assert decode_text("b.yaml", b"\xef\xbb\xbfa: 1\n") == "a: 1\n"


def test_size_cap_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "huge.yaml"
    with open(big, "wb") as fh:
        fh.truncate(30 * 1024 * 1024)
    real_open = open

    def no_open(*args: Any, **kwargs: Any) -> Any:
        if str(args[0]) == str(big):
            raise AssertionError("the file was opened")
        return real_open(*args, **kwargs)

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(InputError, match="MiB"):
        read_text(str(big), LIMITS)


def test_safe_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="NUL"):
        safe_path("a\x00b.yaml")
    with pytest.raises(InputError, match="no such file"):
        safe_path(str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError, match="directory"):
        safe_path(str(tmp_path))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        safe_path(str(fifo))
    assert safe_path(str(tmp_path), kind="dir") == str(tmp_path)


@settings(max_examples=100, deadline=None)
@given(value=json_values, flow=st.sampled_from([None, True, False]))
def test_yaml_builder_agrees_with_safe_load(value: Any, flow: bool | None) -> None:
    import yaml

    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True)
    assert parse(text).data == yaml.safe_load(text)

"""diff_proto: categories, locations, buf.yaml configuration, pairing and one-pass skipping."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.diff.proto import (
    BufBreakingConfig,
    diff_proto,
    diff_proto_contracts,
    find_buf_config,
    is_unstable_package,
)
from govern.diff.proto.bufconfig import parse_buf_config
from govern.diff.proto.categories import MEMBERSHIP, members, select
from govern.errors import InputError, UsageError
from govern.load.proto import load_proto
from govern.rules.finding import Level

ROOT = Path(__file__).resolve().parents[2]
P3 = 'syntax = "proto3";\n\npackage acme.v1;\n\n'
P2 = 'syntax = "proto2";\n\npackage acme.v1;\n\n'


def _gen():  # benchmarks/proto_gen.py, imported by path (benchmarks is not a package)
    name = "proto_gen"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "proto_gen.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def tree(root: Path, files: dict[str, str], buf_yaml: str | None = None) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    if buf_yaml is not None:
        (root / "buf.yaml").write_text(buf_yaml)
    return root


def diff(tmp_path: Path, base: dict[str, str], rev: dict[str, str], **kw):
    b = load_proto(str(tree(tmp_path / "base", base)))
    r = load_proto(str(tree(tmp_path / "rev", rev)))
    return diff_proto(b, r, **kw)


def ids(findings) -> list[str]:
    return sorted(f.id for f in findings)


# ----------------------------------------------------------------------------- categories


def test_categories_pick_the_rules(tmp_path: Path) -> None:
    base = {"a.proto": P3 + "message M {\n  int32 qty = 1;\n  string note = 2;\n}\n"}
    rev = {"a.proto": P3 + "message M {\n  int64 qty = 1;\n}\n"}
    assert ids(diff(tmp_path / "f", base, rev)) == ["FIELD_NO_DELETE", "FIELD_SAME_TYPE"]
    assert ids(diff(tmp_path / "p", base, rev, category="PACKAGE")) == ["FIELD_NO_DELETE", "FIELD_SAME_TYPE"]
    assert ids(diff(tmp_path / "j", base, rev, category="WIRE_JSON")) == [
        "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
        "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    ]
    assert ids(diff(tmp_path / "w", base, rev, category="WIRE")) == ["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"]


def test_unknown_category_is_a_usage_error(tmp_path: Path) -> None:
    files = {"a.proto": P3 + "message M {}\n"}
    with pytest.raises(UsageError):
        diff(tmp_path, files, files, category="BYTES")


def test_membership_is_buf_v2() -> None:
    assert len(MEMBERSHIP["v2"]) == 64 and len(MEMBERSHIP["v1"]) == 61
    # `buf config ls-breaking-rules --version v2`, counted per category
    assert len(members("FILE")) == 51 and len(members("PACKAGE")) == 51
    assert len(members("WIRE_JSON")) == 22 and len(members("WIRE")) == 15 and len(members("CSR")) == 32
    assert "FIELD_SAME_TYPE" in members("FILE") and "FIELD_SAME_TYPE" not in members("WIRE")
    assert "FIELD_WIRE_COMPATIBLE_TYPE" in members("WIRE") and "FIELD_WIRE_COMPATIBLE_TYPE" not in members("FILE")
    assert "FIELD_SAME_DEFAULT" not in MEMBERSHIP["v1"]
    assert select(("FIELD_SAME_LABEL",), (), "v1") == {
        "FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    }  # fmt: skip


# ----------------------------------------------------------------------------- findings


def test_finding_shape_and_location(tmp_path: Path) -> None:
    base = {"acme/v1/money.proto": P3 + "message Money {\n  string currency_code = 1;\n  int64 units = 2;\n  int32 nanos = 3;\n}\n"}
    rev = {"acme/v1/money.proto": P3 + "message Money {\n  string currency_code = 1;\n  sint64 units = 2;\n}\n"}
    found = diff(tmp_path, base, rev)
    deleted = next(f for f in found if f.id == "FIELD_NO_DELETE")
    assert deleted.message == 'field 3 "nanos" on message "acme.v1.Money" was deleted'
    assert deleted.level is Level.ERR and deleted.kind == "proto"
    assert deleted.location.file.endswith("rev/acme/v1/money.proto")
    assert (deleted.location.line, deleted.location.col) == (5, 1)  # the message, in the revision
    assert deleted.location.pointer == "acme.v1.Money.nanos"
    typed = next(f for f in found if f.id == "FIELD_SAME_TYPE")
    assert (typed.location.line, typed.location.col) == (7, 3)  # the field's type
    assert typed.location.pointer == "acme.v1.Money.units"


def test_deleted_file_points_at_the_base(tmp_path: Path) -> None:
    base = {"a.proto": P3 + "message A {}\n", "b.proto": P3 + "message B {}\n"}
    found = diff(tmp_path, base, {"a.proto": base["a.proto"]})
    assert ids(found) == ["FILE_NO_DELETE"]
    assert found[0].location.file.endswith("base/b.proto") and found[0].location.line == 3


def test_identical_trees_have_no_findings(tmp_path: Path) -> None:
    files = {"a.proto": P2 + "message A {\n  optional int32 x = 1 [default = 4];\n  extensions 10 to 20;\n}\n"}
    for category in ("FILE", "PACKAGE", "WIRE_JSON", "WIRE"):
        assert diff(tmp_path / category, files, files, category=category) == []


# ----------------------------------------------------------------------------- pairing


def test_message_moved_between_files(tmp_path: Path) -> None:
    base = {"a.proto": P3 + "message M {\n  int32 x = 1;\n}\nmessage K {}\n", "b.proto": P3 + "message N {}\n"}
    rev = {"a.proto": P3 + "message K {}\n", "b.proto": P3 + "message N {}\nmessage M {\n  int64 x = 1;\n}\n"}
    assert ids(diff(tmp_path / "f", base, rev)) == ["FIELD_SAME_TYPE", "MESSAGE_NO_DELETE"]
    assert ids(diff(tmp_path / "p", base, rev, category="PACKAGE")) == ["FIELD_SAME_TYPE"]


def test_package_rename_is_not_a_deletion_of_every_message(tmp_path: Path) -> None:
    base = {"a.proto": P3 + "message M {}\n"}
    rev = {"a.proto": base["a.proto"].replace("acme.v1", "acme.v2")}
    assert ids(diff(tmp_path / "f", base, rev)) == ["FILE_SAME_PACKAGE"]
    assert ids(diff(tmp_path / "p", base, rev, category="PACKAGE")) == ["FILE_SAME_PACKAGE", "PACKAGE_NO_DELETE"]


def test_package_deletions_need_a_remaining_element_of_the_kind(tmp_path: Path) -> None:
    # Mirrors buf: an enum gone from a package is only reported while the package keeps an enum.
    base = {"a.proto": P3 + "enum E { E_UNSPECIFIED = 0; }\nenum F { F_UNSPECIFIED = 0; }\n"}
    one_left = {"a.proto": P3 + "enum F { F_UNSPECIFIED = 0; }\n"}
    none_left = {"a.proto": P3 + "message M {}\n"}
    assert ids(diff(tmp_path / "a", base, one_left, category="PACKAGE")) == ["PACKAGE_ENUM_NO_DELETE"]
    assert ids(diff(tmp_path / "b", base, none_left, category="PACKAGE")) == []


def test_enum_change_reaches_fields_in_unchanged_files(tmp_path: Path) -> None:
    # The field's file is identical on both sides, yet its implied default changes.
    user = P2 + 'import "enums.proto";\n\nmessage Order {\n  optional Status status = 1;\n}\n'
    base = {"enums.proto": P2 + "enum Status {\n  OPEN = 1;\n  CLOSED = 2;\n}\n", "order.proto": user}
    rev = {"enums.proto": P2 + "enum Status {\n  CLOSED = 2;\n  OPEN = 1;\n}\n", "order.proto": user}
    found = diff(tmp_path, base, rev, category="WIRE")
    assert ids(found) == ["FIELD_SAME_DEFAULT"]
    assert found[0].location.file.endswith("order.proto")


def test_editions_features_are_resolved(tmp_path: Path) -> None:
    ed = 'edition = "2023";\n\npackage acme.v1;\n\n'
    base = {"a.proto": ed + "message M {\n  int32 a = 1;\n  string s = 2;\n}\nenum E { E_UNSPECIFIED = 0; }\n"}
    rev = {"a.proto": ed + "option features.field_presence = IMPLICIT;\noption features.enum_type = CLOSED;\n"
           "message M {\n  int32 a = 1;\n  string s = 2 [features.utf8_validation = NONE];\n}\nenum E { E_UNSPECIFIED = 0; }\n"}  # fmt: skip
    assert ids(diff(tmp_path, base, rev)) == [
        "ENUM_SAME_TYPE", "FIELD_SAME_CARDINALITY", "FIELD_SAME_CARDINALITY",
        "FIELD_SAME_JAVA_UTF8_VALIDATION", "FIELD_SAME_UTF8_VALIDATION",
    ]  # fmt: skip


# ----------------------------------------------------------------------------- buf.yaml


def test_config_use_except_ignore(tmp_path: Path) -> None:
    base = {"keep/a.proto": P3 + "message A {\n  int32 x = 1;\n  int32 y = 2;\n}\n",
            "skip/b.proto": 'syntax = "proto3";\n\npackage acme.b.v1;\n\nmessage B {\n  int32 x = 1;\n}\n'}  # fmt: skip
    rev = {"keep/a.proto": P3 + "message A {\n  int64 x = 1;\n}\n",
           "skip/b.proto": 'syntax = "proto3";\n\npackage acme.b.v1;\n\nmessage B {\n  int64 x = 1;\n}\n'}  # fmt: skip
    cfg = BufBreakingConfig(use=("FILE",), except_=("FIELD_NO_DELETE",), ignore=("skip",))
    found = diff(tmp_path / "1", base, rev, config=cfg)
    assert ids(found) == ["FIELD_SAME_TYPE"] and found[0].location.pointer == "acme.v1.A.x"
    cfg = BufBreakingConfig(ignore_only=(("FIELD_SAME_TYPE", ("keep",)),))
    assert ids(diff(tmp_path / "2", base, rev, config=cfg)) == ["FIELD_NO_DELETE", "FIELD_SAME_TYPE"]
    cfg = BufBreakingConfig(ignore_only=(("WIRE_JSON", ("keep",)),))  # a category: not FIELD_SAME_TYPE
    assert ids(diff(tmp_path / "3", base, rev, config=cfg)) == ["FIELD_NO_DELETE", "FIELD_SAME_TYPE", "FIELD_SAME_TYPE"]


def test_config_unstable_packages(tmp_path: Path) -> None:
    beta = 'syntax = "proto3";\n\npackage acme.v1beta1;\n\nmessage M {\n  int32 x = 1;\n}\n'
    base = {"a.proto": beta}
    rev = {"a.proto": beta.replace("int32", "int64")}
    assert ids(diff(tmp_path / "1", base, rev)) == ["FIELD_SAME_TYPE"]
    cfg = BufBreakingConfig(ignore_unstable_packages=True)
    assert diff(tmp_path / "2", base, rev, config=cfg) == []


@pytest.mark.parametrize(
    ("package", "unstable"),
    [
        ("acme.v1alpha1", True), ("acme.v1beta", True), ("acme.v1test", True), ("acme.v1testfoo", True),
        ("acme.v1p1beta1", True), ("a.b.v10beta2", True), ("acme.v01beta1", True),
        ("acme.v1", False), ("v1beta1", False), ("acme.v0beta1", False), ("acme.v1alpha0", False),
        ("acme.v1p0alpha1", False), ("acme.v1p1test", False), ("acme.v1beta1.types", False), ("acme.alpha", False),
    ],
)  # fmt: skip
def test_unstable_package_names(package: str, unstable: bool) -> None:
    assert is_unstable_package(package) is unstable


def test_parse_v1_and_v2() -> None:
    v1 = parse_buf_config(
        "version: v1\nbreaking:\n  use:\n    - WIRE_JSON\n  except:\n    - FIELD_SAME_LABEL\n"
        "  ignore:\n    - legacy\n  ignore_only:\n    FIELD_SAME_JSON_NAME:\n      - public\n"
        "  ignore_unstable_packages: true\n"
    )
    assert v1.version == "v1" and v1.use == ("WIRE_JSON",) and v1.ignore == ("legacy",)
    assert v1.ignore_only == (("FIELD_SAME_JSON_NAME", ("public",)),) and v1.ignore_unstable_packages
    assert "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY" not in v1.rules()
    v2 = parse_buf_config(
        "version: v2\nmodules:\n  - path: proto\n    breaking:\n      use: [WIRE]\n      ignore: [proto/old, other/x]\n"
        "  - path: vendor\nbreaking:\n  use: [FILE]\n",
        contract_rel="proto",
    )
    assert v2.use == ("WIRE",) and v2.ignore == ("old",)  # relative to the module; other/x is elsewhere
    top = parse_buf_config("version: v2\nmodules:\n  - path: vendor\nbreaking:\n  use: [PACKAGE]\n", contract_rel="proto")
    assert top.use == ("PACKAGE",)
    assert parse_buf_config("version: v2\n").rules() == members("FILE")
    assert parse_buf_config("version: v2\nbreaking:\n  use: []\n").rules() == members("FILE")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: v2\nbreaking:\n  use: [FILE\n", 4, "not valid YAML"),
        ("version: v2\nbreaking:\n  use: [FILE]\n  foo: 1\n", 4, "unknown key 'foo'"),
        ("version: v2\nbreaking:\n  use:\n    - FILE\n    - NOPE\n", 5, "'NOPE' is not a known"),
        ("version: v2\nbreaking:\n  use: [FIELD_SAME_LABEL]\n", 3, "not a known"),  # v1 only
        ("version: v1beta1\n", 1, "v1beta1 is not supported"),
        ("version: v3\n", 1, "unknown buf.yaml version"),
        ("breaking: {}\n", 1, "no version"),
        ("version: v2\nbreaking:\n  except: [FILE]\n", 3, "selects no rule"),
        ("version: v2\nbreaking:\n  ignore_unstable_packages: maybe\n", 3, "true or false"),
        ("version: v2\nbreaking:\n  ignore_only:\n    NOPE: [a]\n", 4, "'NOPE' is not a known"),
        ("version: v2\nbreaking:\n  use: FILE\n", 3, "list of strings"),
        ("version: v2\nversion: v1\n", 2, "duplicate key"),
    ],
)  # fmt: skip
def test_invalid_buf_yaml_is_an_input_error_with_a_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_buf_config(text, "proto/buf.yaml")
    assert err.value.file == "proto/buf.yaml" and err.value.line == line
    assert words in err.value.msg


def test_find_buf_config_walks_up(tmp_path: Path) -> None:
    (tmp_path / "buf.yaml").write_text("version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [WIRE]\n  ignore: [proto/acme/old]\n")
    contract = tmp_path / "proto" / "acme"
    contract.mkdir(parents=True)
    cfg = find_buf_config(str(contract))
    assert cfg is not None and cfg.use == ("WIRE",) and cfg.ignore == ("old",)
    assert cfg.source == str(tmp_path / "buf.yaml")
    assert find_buf_config(str(tmp_path / "proto" / "acme" / "x.proto")) == cfg
    lone = tmp_path / "elsewhere"
    lone.mkdir()
    (tmp_path / "buf.yaml").unlink()
    assert find_buf_config(str(lone)) is None


def test_adapter_reads_the_revision_buf_yaml(tmp_path: Path) -> None:
    base = tree(tmp_path / "base", {"a.proto": P3 + "message M {\n  int32 x = 1;\n}\n"})
    rev = tree(tmp_path / "rev", {"a.proto": P3 + "message M {\n  int64 x = 1;\n}\n"}, "version: v1\nbreaking:\n  use: [WIRE]\n")
    default = SimpleNamespace(category=None)  # no --category: buf.yaml's `use` decides
    assert diff_proto_contracts(load_proto(str(base)), load_proto(str(rev)), default) == []
    explicit = SimpleNamespace(category="FILE")  # an explicit category beats buf.yaml's `use`
    assert ids(diff_proto_contracts(load_proto(str(base)), load_proto(str(rev)), explicit)) == ["FIELD_SAME_TYPE"]
    (rev / "buf.yaml").unlink()
    assert ids(diff_proto_contracts(load_proto(str(base)), load_proto(str(rev)), default)) == ["FIELD_SAME_TYPE"]


# ----------------------------------------------------------------------------- properties, speed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_a_generated_project_against_itself_has_no_findings(tmp_path_factory, seed: int) -> None:
    gen = _gen()
    files = gen.render(gen.valid_project(seed))
    root = tmp_path_factory.mktemp("same")
    a = load_proto(str(tree(root / "a", files)))
    b = load_proto(str(tree(root / "b", files)))
    assert diff_proto(a, b, config=BufBreakingConfig(use=("FILE", "PACKAGE", "WIRE_JSON", "WIRE"))) == []


def test_large_tree_one_pass(tmp_path: Path) -> None:
    gen = _gen()
    paths = gen.large_tree(str(tmp_path / "base"), 400, seed=3)
    gen.large_tree(str(tmp_path / "rev"), 400, seed=3)
    gen.mutate_one_field(str(tmp_path / "rev"), paths[200])
    b, r = load_proto(str(tmp_path / "base")), load_proto(str(tmp_path / "rev"))
    t0 = time.perf_counter()
    found = diff_proto(b, r)
    assert time.perf_counter() - t0 < 2.0
    assert ids(found) == ["FIELD_SAME_TYPE"] and found[0].location.file.endswith(paths[200])

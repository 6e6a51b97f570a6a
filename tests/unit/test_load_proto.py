"""govern.load.proto: compiling .proto files with the protoc bundled in grpcio-tools."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from govern.errors import InputError
from govern.load.model import Contract, Limits
from govern.load.proto import WARNING_RULE_ID, ProtoCompileError, display_path, load_proto, locate
from govern.rules.finding import Location

FIXTURES = Path(__file__).parent / "fixtures_proto"
FDP = descriptor_pb2.FieldDescriptorProto


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def by_name(contract: Contract, name: str) -> descriptor_pb2.FileDescriptorProto:
    return next(fd for fd in contract.descriptors.file if fd.name == name)


def message(fd: descriptor_pb2.FileDescriptorProto, name: str) -> descriptor_pb2.DescriptorProto:
    return next(m for m in fd.message_type if m.name == name)


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the fixtures folder so displayed paths are short and exact."""
    monkeypatch.chdir(FIXTURES)
    return FIXTURES


# ----------------------------------------------------------------------------- success


def test_single_proto3_file_with_services_maps_oneofs_and_reserved(in_fixtures: Path) -> None:
    contract = load_proto("single/greeter.proto")

    assert contract.kind == "proto"
    assert contract.path == "single/greeter.proto"
    assert contract.version == "proto3"
    assert contract.files == ["greeter.proto"]
    assert contract.problems == []
    assert isinstance(contract.descriptors, descriptor_pb2.FileDescriptorSet)
    # --include_imports: the well-known type comes first, then the file itself
    assert [fd.name for fd in contract.descriptors.file] == [
        "google/protobuf/timestamp.proto",
        "greeter.proto",
    ]
    fd = by_name(contract, "greeter.proto")
    assert fd.package == "greet.v1"
    assert len(fd.source_code_info.location) > 0  # --include_source_info

    request = message(fd, "HelloRequest")
    fields = {f.name: f for f in request.field}
    assert fields["locale"].proto3_optional
    assert fields["labels"].type_name == ".greet.v1.HelloRequest.LabelsEntry"
    assert request.nested_type[0].options.map_entry
    assert [o.name for o in request.oneof_decl] == ["target", "_locale"]
    assert fields["sent_at"].type_name == ".google.protobuf.Timestamp"
    assert [(r.start, r.end) for r in request.reserved_range] == [(7, 8), (9, 12)]
    assert list(request.reserved_name) == ["old_name"]
    assert [(r.start, r.end) for r in fd.enum_type[0].reserved_range] == [(5, 9)]

    streaming = {m.name: (m.client_streaming, m.server_streaming) for m in fd.service[0].method}
    assert streaming == {
        "SayHello": (False, False),
        "Listen": (False, True),
        "Upload": (True, False),
        "Chat": (True, True),
    }


def test_directory_compiles_every_file_with_imports_across_subpackages(in_fixtures: Path) -> None:
    contract = load_proto("tree")

    assert contract.files == [  # .hidden/junk.proto is in a hidden dir: skipped
        "acme/common/v1/money.proto",
        "acme/legacy/v1/legacy.proto",
        "acme/next/v1/next.proto",
        "acme/orders/v1/orders.proto",
    ]
    assert contract.version == "mixed"
    names = [fd.name for fd in contract.descriptors.file]
    assert sorted(names) == sorted([*contract.files, "google/protobuf/timestamp.proto"])
    assert names.index("acme/common/v1/money.proto") < names.index("acme/orders/v1/orders.proto")
    orders = by_name(contract, "acme/orders/v1/orders.proto")
    assert list(orders.dependency) == [
        "acme/common/v1/money.proto",
        "google/protobuf/timestamp.proto",
    ]
    assert message(orders, "Order").field[1].type_name == ".acme.common.v1.Money"
    assert display_path(contract, "acme/orders/v1/orders.proto") == os.path.join(
        "tree", "acme", "orders", "v1", "orders.proto"
    )
    assert display_path(contract, "google/protobuf/timestamp.proto") == (
        "google/protobuf/timestamp.proto"
    )


def test_import_paths_set_the_root_for_a_subdirectory(in_fixtures: Path) -> None:
    contract = load_proto("tree/acme/orders", import_paths=["tree"])

    assert contract.files == ["acme/orders/v1/orders.proto"]
    assert "acme/common/v1/money.proto" in [fd.name for fd in contract.descriptors.file]
    assert contract.version == "proto3"


def test_proto2_required_groups_and_extensions(in_fixtures: Path) -> None:
    contract = load_proto("tree/acme/legacy/v1/legacy.proto", import_paths=["tree"])

    assert contract.version == "proto2"
    assert contract.files == ["acme/legacy/v1/legacy.proto"]
    fd = by_name(contract, "acme/legacy/v1/legacy.proto")
    legacy = message(fd, "Legacy")
    fields = {f.name: f for f in legacy.field}
    assert fields["id"].label == FDP.LABEL_REQUIRED
    assert fields["count"].default_value == "7"
    assert fields["item"].type == FDP.TYPE_GROUP
    assert [(r.start, r.end) for r in legacy.extension_range] == [(100, 200)]
    assert fd.extension[0].name == "note"
    assert fd.extension[0].extendee == ".acme.legacy.v1.Legacy"


def test_editions_2023_compile(in_fixtures: Path) -> None:
    contract = load_proto("tree/acme/next/v1/next.proto", import_paths=["tree"])

    assert contract.version == "editions-2023"
    fd = by_name(contract, "acme/next/v1/next.proto")
    assert fd.syntax == "editions"
    assert fd.edition == descriptor_pb2.EDITION_2023
    quote = message(fd, "Quote")
    assert quote.field[1].options.features.field_presence == descriptor_pb2.FeatureSet.EXPLICIT


def test_editions_2024_are_reported_as_such(tmp_path: Path) -> None:
    write(tmp_path, {"e.proto": 'edition = "2024";\npackage e;\nmessage E { int32 x = 1; }\n'})
    assert load_proto(str(tmp_path / "e.proto")).version == "editions-2024"


def test_unused_import_is_a_warning_problem_not_an_error(in_fixtures: Path) -> None:
    contract = load_proto("errors/unused_import.proto")

    assert [(p.rule_id, p.message, p.location) for p in contract.problems] == [
        (
            WARNING_RULE_ID,
            "Import google/protobuf/timestamp.proto is unused.",
            Location("errors/unused_import.proto", 3, 1, None),
        )
    ]


# ----------------------------------------------------------------------------- compile errors


def compile_error(path: str, **kwargs: object) -> ProtoCompileError:
    with pytest.raises(ProtoCompileError) as info:
        load_proto(path, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_syntax_error_has_exact_file_line_col(in_fixtures: Path) -> None:
    err = compile_error("errors/syntax.proto")

    assert isinstance(err, InputError)
    assert str(err) == 'errors/syntax.proto:5:1: Expected ";".'
    assert (err.file, err.line, err.col, err.msg) == ("errors/syntax.proto", 5, 1, 'Expected ";".')
    assert [str(e) for e in err.errors] == ['errors/syntax.proto:5:1: Expected ";".']


def test_missing_import_points_at_the_import_statement(in_fixtures: Path) -> None:
    err = compile_error("errors/missing_import.proto")

    assert str(err) == (
        'errors/missing_import.proto:3:1: Import "does/not/exist.proto" was not found '
        "(searched errors and the well-known types)."
    )
    assert len(err.errors) == 1  # protoc's position-less "File not found." is merged into it


def test_undefined_type(in_fixtures: Path) -> None:
    err = compile_error("errors/undefined.proto")
    assert str(err) == 'errors/undefined.proto:5:3: "Nowhere" is not defined.'


def test_duplicate_definition_in_one_file_reports_in_source_order(in_fixtures: Path) -> None:
    err = compile_error("errors/duplicate.proto")

    assert [str(e) for e in err.errors] == [
        'errors/duplicate.proto:9:9: "Same" is already defined in "dup".',
        'errors/duplicate.proto:10:10: "id" is already defined in "dup.Same".',
    ]


def test_duplicate_definition_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        {
            "a.proto": 'syntax = "proto3";\npackage p;\nmessage Dup { int32 x = 1; }\n',
            "b.proto": 'syntax = "proto3";\npackage p;\nmessage Dup { int32 y = 1; }\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    err = compile_error(".")
    assert str(err) == 'b.proto:3:9: "p.Dup" is already defined in file "a.proto".'


def test_error_in_an_imported_file_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "a/a.proto": 'syntax = "proto3";\nimport "b/b.proto";\nmessage A { B b = 1; }\n',
            "b/b.proto": 'syntax = "proto3";\nmessage B { int32 y = 1 }\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    err = compile_error(".")
    assert [str(e) for e in err.errors] == [
        os.path.join("b", "b.proto") + ':2:25: Expected ";".',
        os.path.join("a", "a.proto") + ':2:1: Import "b/b.proto" was not found or had errors.',
        os.path.join("a", "a.proto") + ':3:13: "B" is not defined.',
    ]


def test_columns_are_characters_even_with_tabs_and_utf8(tmp_path: Path) -> None:
    # protoc counts bytes and expands tabs to 8; govern reports character columns
    write(
        tmp_path,
        {
            "t.proto": 'syntax = "proto3";\nmessage T {\n\tint32 x = 1;\tFoo y = 2;\n'
            "  /* ééé */ Bar z = 3;\n}\n"
        },
    )
    err = compile_error(str(tmp_path / "t.proto"))
    assert [(e.line, e.col, e.msg) for e in err.errors] == [
        (3, 15, '"Foo" is not defined.'),
        (4, 13, '"Bar" is not defined.'),
    ]


def test_compiler_errors_do_not_leak_to_stderr(
    in_fixtures: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    compile_error("errors/syntax.proto")
    os.write(2, b"still-stderr\n")  # fd 2 is restored after the call
    captured = capfd.readouterr()
    assert "Expected" not in captured.err
    assert "still-stderr" in captured.err


def test_concurrent_loads_are_serialised_and_all_succeed(in_fixtures: Path) -> None:
    results: list[object] = []

    def work(path: str) -> None:
        try:
            results.append(load_proto(path).version)
        except ProtoCompileError as exc:
            results.append(str(exc))

    threads = [
        threading.Thread(target=work, args=(p,))
        for p in ["tree", "single/greeter.proto", "errors/syntax.proto"] * 3
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == sorted(
        ["mixed", "proto3", 'errors/syntax.proto:5:1: Expected ";".'] * 3
    )


def test_directory_names_with_equals_signs(tmp_path: Path) -> None:
    # protoc reads "-I a=b" as a virtual-path mapping unless told otherwise
    write(tmp_path, {"x=y/p/a.proto": 'syntax = "proto3";\npackage p;\nmessage A {}\n'})
    assert load_proto(str(tmp_path / "x=y")).files == ["p/a.proto"]


# ----------------------------------------------------------------------------- refused input


def input_error(path: str, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        load_proto(path, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.proto").write_text('syntax = "proto3";\n')
    (tmp_path / "README.md").write_text("no protos here\n")
    err = input_error(str(tmp_path))
    assert err.msg == f"no .proto files in {tmp_path}"


def test_missing_path_and_bad_import_path(tmp_path: Path) -> None:
    assert input_error(str(tmp_path / "nope.proto")).msg == "no such file or directory"
    write(tmp_path, {"a.proto": 'syntax = "proto3";\n'})
    err = input_error(str(tmp_path / "a.proto"), import_paths=[str(tmp_path / "missing")])
    assert err.msg == "import path is not a directory"


def test_oversized_file_is_refused_before_compiling(tmp_path: Path) -> None:
    write(tmp_path, {"big.proto": 'syntax = "proto3";\n' + "// padding\n" * 50})
    err = input_error(str(tmp_path / "big.proto"), limits=Limits(max_file_bytes=100))
    assert err.msg == "file is 569 bytes, over the limit of 100"


def test_oversized_imported_file_is_refused_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.proto": 'syntax = "proto3";\nimport "dep/big.proto";\n',
            "vendor/dep/big.proto": 'syntax = "proto3";\n' + "// padding\n" * 50,
        },
    )
    err = input_error(
        str(tmp_path / "src"),
        import_paths=[str(tmp_path / "vendor")],
        limits=Limits(max_file_bytes=100),
    )
    assert err.file is not None and err.file.endswith(os.path.join("vendor", "dep", "big.proto"))


def test_too_many_files(tmp_path: Path) -> None:
    write(tmp_path, {f"p{i}.proto": 'syntax = "proto3";\n' for i in range(3)})
    err = input_error(str(tmp_path), limits=Limits(max_files=2))
    assert err.msg == "more than 2 .proto files (limit max_files)"


def test_too_many_files_through_imports(tmp_path: Path) -> None:
    files = {"main/a.proto": 'syntax = "proto3";\nimport "d0.proto";\n'}
    for i in range(3):
        files[f"lib/d{i}.proto"] = f'syntax = "proto3";\nimport "d{i + 1}.proto";\n'
    write(tmp_path, files)
    err = input_error(
        str(tmp_path / "main"),
        import_paths=[str(tmp_path / "lib")],
        limits=Limits(max_files=3),
    )
    assert err.msg == "more than 3 .proto files (limit max_files)"


def test_file_names_with_line_breaks_or_nul_are_refused(tmp_path: Path) -> None:
    write(tmp_path, {"ok.proto": 'syntax = "proto3";\n', "bad\nname.proto": 'syntax = "proto3";\n'})
    assert input_error(str(tmp_path)).msg == "file name contains a NUL byte or a line break"
    assert input_error("a\0b.proto").msg == "file name contains a NUL byte or a line break"


def test_symlinked_file_escaping_the_root_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"outside/secret.proto": 'syntax = "proto3";\n', "root/a.proto": 'syntax = "proto3";\n'},
    )
    (tmp_path / "root" / "link.proto").symlink_to(tmp_path / "outside" / "secret.proto")
    err = input_error(str(tmp_path / "root"))
    assert err.msg == f"symlink escapes {tmp_path / 'root'}"


def test_symlinked_directory_escaping_the_root_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"outside/x.proto": 'syntax = "proto3";\n', "root/a.proto": 'syntax = "proto3";\n'},
    )
    (tmp_path / "root" / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert input_error(str(tmp_path / "root")).msg == f"symlink escapes {tmp_path / 'root'}"


def test_import_through_a_symlink_out_of_the_roots_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "outside/x.proto": 'syntax = "proto3";\n',
            "root/a.proto": 'syntax = "proto3";\nimport "hidden/x.proto";\n',
        },
    )
    (tmp_path / "root" / "hidden").symlink_to(tmp_path / "outside", target_is_directory=True)
    # the walk refuses the symlinked dir itself; loading the one file reaches it via the import
    err = input_error(str(tmp_path / "root" / "a.proto"))
    assert err.msg == "symlink leads out of the import paths; add its target as an import path"


def test_symlink_inside_the_root_is_fine(tmp_path: Path) -> None:
    write(tmp_path, {"root/real/a.proto": 'syntax = "proto3";\npackage a;\nmessage A {}\n'})
    (tmp_path / "root" / "alias").symlink_to(tmp_path / "root" / "real", target_is_directory=True)
    assert load_proto(str(tmp_path / "root")).files == ["real/a.proto"]


def test_non_utf8_file_is_refused_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "latin1.proto").write_bytes(b'syntax = "proto3";\n// caf\xe9\n')
    err = input_error(str(tmp_path / "latin1.proto"))
    assert (err.msg, err.line, err.col) == ("not valid UTF-8 (byte 0xe9)", 2, 7)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.proto")
    assert input_error(str(tmp_path / "pipe.proto")).msg == "not a regular file"


# ----------------------------------------------------------------------------- locate


def test_locate_finds_a_field_and_falls_back_to_ancestors(in_fixtures: Path) -> None:
    contract = load_proto("single/greeter.proto")
    shown = os.path.join("single", "greeter.proto")

    # message 0 (HelloRequest), field 1 (locale) is on line 10, indented by two spaces
    assert locate(contract, "greeter.proto", [4, 0, 2, 1]) == Location(shown, 10, 3, None)
    # service 0, method 3 (Chat)
    assert locate(contract, "greeter.proto", [6, 0, 2, 3]) == Location(shown, 35, 3, None)
    # a path with no span of its own resolves to its nearest ancestor: message 1 (HelloReply)
    assert locate(contract, "greeter.proto", [4, 1, 2, 0, 999]) == Location(shown, 22, 3, None)
    assert locate(contract, "greeter.proto", (4, 1)) == Location(shown, 21, 1, None)
    assert locate(contract, "nope.proto", [4, 0]) == Location("nope.proto", None, None, None)


def test_locate_uses_character_columns(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"t.proto": 'syntax = "proto3";\nmessage T {\n\tint32 a = 1; /* é */ int32 b = 2;\n}\n'},
    )
    contract = load_proto(str(tmp_path / "t.proto"))
    assert locate(contract, "t.proto", [4, 0, 2, 1]).col == 23  # not protoc's 31


def test_locate_on_a_plain_contract(in_fixtures: Path) -> None:
    loaded = load_proto("single/greeter.proto")
    plain = Contract(kind="proto", path="x", descriptors=loaded.descriptors, files=loaded.files)
    assert locate(plain, "greeter.proto", [4, 0, 2, 1]) == Location("greeter.proto", 10, 3, None)


# ----------------------------------------------------------------------------- scale


def test_many_files_with_a_deep_import_chain(tmp_path: Path) -> None:
    count = 300
    files = {}
    for i in range(count):
        imp = f'import "pkg{(i - 1) % 7}/f{i - 1}.proto";\n' if i else ""
        field = f"  pkg{(i - 1) % 7}.M{i - 1} prev = 2;\n" if i else ""
        head = f'syntax = "proto3";\npackage pkg{i % 7};\n{imp}'
        files[f"pkg{i % 7}/f{i}.proto"] = f"{head}message M{i} {{\n  string id = 1;\n{field}}}\n"
    write(tmp_path, files)
    contract = load_proto(str(tmp_path))
    assert len(contract.files) == count
    assert len(contract.descriptors.file) == count
    assert locate(contract, f"pkg{(count - 1) % 7}/f{count - 1}.proto", [4, 0, 2, 1]).line == 6

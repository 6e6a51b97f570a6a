"""Protobuf breaking-change detection with buf's rule ids and categories (FILE, PACKAGE,
WIRE_JSON, WIRE), configured by an existing buf.yaml when there is one."""

from __future__ import annotations

from govern.diff.proto.bufconfig import BufBreakingConfig, find_buf_config, is_unstable_package
from govern.diff.proto.categories import CATEGORIES
from govern.diff.proto.compare import diff_proto, diff_proto_contracts

__all__ = [
    "CATEGORIES",
    "BufBreakingConfig",
    "diff_proto",
    "diff_proto_contracts",
    "find_buf_config",
    "is_unstable_package",
]

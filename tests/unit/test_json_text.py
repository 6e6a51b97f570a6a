"""`indented`: the JSON text of reports, written by orjson, read back as the same values."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from govern.report.json_report import indented

# What reports hold: strings (any Unicode), ints, bools, null, nested lists and objects.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_same_text_as_the_standard_library(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_integers_beyond_64_bits_fall_back_to_the_standard_library() -> None:
    value = {"maximum": 2**70, "items": [1, {"a": -(2**80)}]}
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_nan_becomes_null_and_small_floats_keep_their_value() -> None:
    text = indented({"a": float("nan"), "b": 1e-05, "c": 1.5})
    assert json.loads(text) == {"a": None, "b": 1e-05, "c": 1.5}

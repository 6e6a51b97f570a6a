"""Turning contract names into Python names: snake_case, PascalCase, keyword-safe identifiers."""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|\d+")
# Names a generated module already uses for itself; a contract name mapping to one is renamed.
RESERVED_ATTRIBUTES = frozenset({"additional_properties", "from_dict", "to_dict"})


def words(text: str) -> list[str]:
    """`listOrders` -> [list, Orders]; `Idempotency-Key` -> [Idempotency, Key]; `HTTPServer` -> [HTTP, Server]."""
    return _WORDS.findall(text)


def snake(text: str) -> str:
    """`listOrders` -> `list_orders`, `If-Match` -> `if_match`, `order_id` -> `order_id`."""
    return "_".join(w.lower() for w in words(text))


def pascal(text: str) -> str:
    """`order item` -> `OrderItem`, `CardPayment` -> `CardPayment`, `order_page` -> `OrderPage`."""
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def constant(text: str) -> str:
    return snake(text).upper()


def safe_identifier(name: str) -> str:
    """A valid, non-keyword Python identifier: a leading digit gets `n`, keywords get a trailing `_`."""
    if not name:
        return name
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED_ATTRIBUTES:
        name += "_"
    return name


def attribute(json_name: str) -> str:
    """The Python attribute for a JSON property or parameter name ('' when nothing usable is left)."""
    return safe_identifier(snake(json_name))


def is_package_name(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z_][a-z0-9_]*", name)) and not keyword.iskeyword(name)


def default_package(title: str, fallback: str) -> str:
    """`Acme Orders API` -> `acme_orders_api_client`."""
    base = snake(title) or snake(fallback) or "api"
    name = safe_identifier(base)
    return name if name.endswith("_client") else name + "_client"

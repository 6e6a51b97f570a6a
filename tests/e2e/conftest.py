"""Fixtures for end-to-end tests: generate clients from contracts/ and import them."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


def generate_and_import(contract: Path, out: Path, package: str) -> ModuleType:
    """Generate the client package for `contract` into `out` and import it."""
    from govern.generate import generate_client

    generate_client(str(contract), str(out), package=package)
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    return importlib.import_module(package)


@pytest.fixture(scope="session")
def orders_pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    pytest.importorskip("httpx", reason="httpx is needed to run generated REST clients")
    out = tmp_path_factory.mktemp("rest") / "orders"
    return generate_and_import(CONTRACTS / "orders" / "v2" / "openapi.yaml", out, "e2e_orders_client")


@pytest.fixture(scope="session")
def orders_server_session():
    from tests.e2e.orders_server import OrdersServer

    server = OrdersServer()
    yield server
    server.close()


@pytest.fixture
def orders_server(orders_server_session):
    orders_server_session.reset()
    yield orders_server_session
    orders_server_session.reset()

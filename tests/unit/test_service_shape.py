"""Every service has the shape docs/architecture.md#service-shape describes: the same files, and
use cases and rules that import none of the infrastructure (so they run on plain objects)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
NAMES = sorted(
    p.name for p in SERVICES.iterdir() if (p / "service.py").exists() and p.name != "common"
)  # common/service.py is the base class every service extends
EVERY_SERVICE_HAS = ("service.py", "usecases.py", "domain.py", "schemas.py", "exceptions.py")
INFRASTRUCTURE = (
    "nameko",
    "nameko_sqlalchemy",
    "sqlalchemy",
    "redis",
    "eventlet",
    "kombu",
    "psycopg2",
)
PURE = ("domain.py", "usecases.py")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def test_there_are_ten_services():
    assert len(NAMES) == 10, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_service_has_the_same_files(name):
    missing = [f for f in EVERY_SERVICE_HAS if not (SERVICES / name / f).exists()]
    assert not missing, f"services/{name} lacks {missing}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("module", PURE)
def test_use_cases_and_rules_import_no_infrastructure(name, module):
    path = SERVICES / name / module
    infra = {m for m in imported_modules(path) if m.split(".")[0] in INFRASTRUCTURE}
    assert not infra, f"services/{name}/{module} imports {sorted(infra)}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("module", PURE)
def test_use_cases_and_rules_import_no_adapter_of_their_service(name, module):
    """The pure modules reach adapters through ports only: they import no service.py,
    repository.py or dependencies.py (of any service)."""
    adapters = {
        m
        for m in imported_modules(SERVICES / name / module)
        if m.startswith("services.")
        and m.rsplit(".", 1)[-1] in {"service", "repository", "dependencies", "models"}
    }
    assert not adapters, f"services/{name}/{module} imports {sorted(adapters)}"


def test_no_service_keeps_demo_data_or_benchmarks():
    strays = sorted(
        str(p.relative_to(SERVICES)) for p in SERVICES.glob("*/*.py") if p.stem in {"seed", "bench"}
    )
    assert not strays, f"{strays}: demo data lives in scripts/seed/, benchmarks in scripts/"

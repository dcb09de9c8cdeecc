"""Every service has the shape docs/architecture.md#service-shape describes: the same files, and
use cases and rules that import none of the infrastructure (so they run on plain objects)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
NAMES = sorted(
    p.name for p in SERVICES.iterdir() if (p / "service.py").exists() and p.name != "common"
)  # common/service.py is the base class every service extends
EVERY_SERVICE_HAS = ("service.py", "usecases.py", "domain.py", "schemas.py", "exceptions.py")
# what the pure modules may import of ours: their own service's domain and exceptions, and these
PURE_COMMON = {"actor", "clock", "errors", "money", "pagination", "ports", "push"}
PURE = ("domain.py", "usecases.py")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.count(".") == 1 and node.module.startswith("services."):
                # `from services.payments import domain, webhooks`: the modules are the names
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                modules.add(node.module)
    return modules


def test_there_are_eleven_services():
    assert len(NAMES) == 11, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_service_has_the_same_files(name):
    missing = [f for f in EVERY_SERVICE_HAS if not (SERVICES / name / f).exists()]
    assert not missing, f"services/{name} lacks {missing}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("module", PURE)
def test_use_cases_and_rules_import_only_the_standard_library_and_pure_modules(name, module):
    """No nameko, SQLAlchemy, redis, marshmallow, Pillow, stripe...: only the standard library,
    their service's domain and exceptions, and services/common's pure modules (PURE_COMMON).
    Adapters reach the use cases through ports."""
    allowed_own = {f"services.{name}", f"services.{name}.domain", f"services.{name}.exceptions"}
    wrong = set()
    for imported in imported_modules(SERVICES / name / module):
        top = imported.split(".")[0]
        if top == "__future__" or top in sys.stdlib_module_names:
            continue
        if imported in allowed_own:
            continue
        if imported.startswith("services.common.") and imported.split(".")[2] in PURE_COMMON:
            continue
        wrong.add(imported)
    assert not wrong, f"services/{name}/{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("name", NAMES)
def test_every_entrypoint_module_runs_its_use_cases_in_a_unit_of_work(name):
    source = (SERVICES / name / "service.py").read_text()
    assert "unit_of_work" in source, f"services/{name}/service.py never opens a unit_of_work"
    assert f"services.{name}.usecases" in imported_modules(SERVICES / name / "service.py")


def test_no_service_keeps_demo_data_or_benchmarks():
    strays = sorted(
        str(p.relative_to(SERVICES)) for p in SERVICES.glob("*/*.py") if p.stem in {"seed", "bench"}
    )
    assert not strays, f"{strays}: demo data lives in scripts/seed/, benchmarks in scripts/"

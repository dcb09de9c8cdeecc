"""The shape test's purity rule for this service's rules and use cases, until its service.py
lands (tests/unit/test_service_shape.py checks only services that have one)."""

from __future__ import annotations

import pytest

from tests.unit import test_service_shape as shape


@pytest.mark.parametrize("module", shape.PURE)
def test_rules_and_use_cases_import_only_the_standard_library_and_pure_modules(module):
    shape.test_use_cases_and_rules_import_only_the_standard_library_and_pure_modules(
        "recommendations", module
    )

from __future__ import annotations

import pytest

from tests.billing.schematron import SchematronRules


@pytest.fixture(scope="session")
def schematron() -> SchematronRules:
    """The EN 16931 and BR-FR schematrons, compiled once per test process (seconds)."""
    return SchematronRules()

"""Every app's refusals derive from core's DomainError, and the API answers any of them
with its machine code and message instead of a 500."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from clausier.accounts.errors import AccountsError, InvalidInvitation, NotAllowed
from clausier.api.api import refused
from clausier.apikit.idempotency import IdempotencyKeyInUse
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.documents.errors import DocumentError
from clausier.core.errors import DomainError
from clausier.simulate.errors import ScenarioError
from clausier.terms.indices import IndexValueError
from clausier.terms.services import TermsError


@pytest.mark.parametrize(
    "error",
    [
        NotAllowed,
        InvalidInvitation,
        BillingError,
        TermsError,
        IndexValueError,
        DocumentError,
        ScenarioError,
        IdempotencyKeyInUse,
    ],
)
def test_each_apps_errors_derive_from_the_root(error):
    assert issubclass(error, DomainError)


def test_the_former_name_of_the_root_still_catches_every_domain_error():
    assert AccountsError is DomainError
    with pytest.raises(AccountsError):
        raise BillingError("refusée", "billing_refused")


def test_the_api_answers_a_domain_error_with_its_code_and_message():
    request = RequestFactory().get("/api/anything")
    error = ScenarioError("scenario.yaml", 3, "at", "date invalide")
    response = refused(request, error)
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "code": "invalid_scenario",
        "message": "date invalide",
        "fields": {},
    }
    assert str(error) == "scenario.yaml, line 3, field 'at': date invalide"

"""The back-office enters ECB rates and SYNTEC indices through `terms.indices`, like the
API: an implausible value is refused with its message, a correction keeps the old value
in the audit log."""

from __future__ import annotations

import pytest

from clausier.accounts.models import Role
from clausier.core.models import AuditEntry
from clausier.terms.models import EcbRateEntry
from tests.helpers import make_provider, make_staff

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/terms/ecbrateentry/add/"


def test_an_implausible_rate_is_refused_and_nothing_is_saved(client):
    provider = make_provider()
    client.force_login(make_staff(provider, Role.ACCOUNTANT))
    response = client.post(
        ADD_URL, {"provider": provider.pk, "effective": "2026-07-01", "percent": "99"}, follow=True
    )
    assert response.status_code == 200
    assert "Taux improbable" in response.content.decode()
    assert not EcbRateEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="ecb_rate.entered").exists()


def test_a_rate_and_its_correction_are_logged_with_the_value_replaced(client):
    provider = make_provider()
    accountant = make_staff(provider, Role.ACCOUNTANT)
    client.force_login(accountant)
    added = client.post(
        ADD_URL, {"provider": provider.pk, "effective": "2026-07-01", "percent": "2.15"}
    )
    assert added.status_code == 302
    entry = EcbRateEntry.objects.get()
    assert entry.entered_by == accountant
    corrected = client.post(f"/admin/terms/ecbrateentry/{entry.pk}/change/", {"percent": "2.40"})
    assert corrected.status_code == 302
    entry.refresh_from_db()
    assert str(entry.percent) == "2.400"
    logged = AuditEntry.objects.filter(action="ecb_rate.entered").order_by("pk")
    assert [e.details["previous"] for e in logged] == [None, "2.150"]
    assert all(e.actor == accountant and e.provider == provider for e in logged)

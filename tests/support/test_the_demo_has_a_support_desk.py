"""The demo data set has a support desk on the hosting client's server, once: tickets in
several states, an emergency answered late with its GTI credit in billing, an advice
session; the engineer's queue and the client's SLA report show them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from clausier.billing.models import SlaCredit
from clausier.demo.data import load_demo
from clausier.support.models import EmergencyRequest, ServerCredit, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_has_tickets_and_a_credited_emergency_even_loaded_twice(client):
    # Loaded at 16:00 Paris: its history spreads from midnight, the intervention starts
    # hours after its 3-hour night GTI.
    with time_machine.travel(datetime(2026, 12, 7, 15, tzinfo=UTC), tick=False):
        load_demo()
        load_demo()
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"new", "open", "waiting_client", "resolved"} <= statuses
    row = EmergencyRequest.objects.get()
    assert row.started_at and row.restored_at and row.ended_at and row.pauses.count() == 1
    credit = ServerCredit.objects.get(request=row, kind="gti")
    assert credit.granted > 0 and credit.sla_credit_id
    assert SlaCredit.objects.filter(pk=credit.sla_credit_id).exists()
    engineer = row.engineer
    client.force_login(engineer)
    home = client.get("/support/").content.decode()
    assert "Certificat TLS à renouveler" in home
    with time_machine.travel(datetime(2026, 12, 7, 16, tzinfo=UTC), tick=False):
        page = client.get("/support/rapport/?mois=2026-12").content.decode()
    assert row.reference in page and "Art. 14" in page

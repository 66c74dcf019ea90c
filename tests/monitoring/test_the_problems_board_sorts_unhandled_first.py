"""The staff problems board (art. 3.2): unhandled HARD problems across clients first,
then handled ones (acknowledged or in a downtime), by severity then age; staff
acknowledge from it through the same service and audit as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.accounts.models import Role
from clausier.core.models import AuditEntry
from clausier.monitoring.models import Acknowledgement, Escalation, ManagedServer
from clausier.monitoring.services.board import problems
from clausier.monitoring.services.operations import acknowledge, schedule_downtime
from clausier.probes.result import State
from tests.helpers import PASSWORD, make_client, make_client_user, make_staff
from tests.monitoring.helpers import feed, monitoring_world

CRIT, WARN, OK = State.CRITICAL, State.WARNING, State.OK


def problem(service, state, start):
    return feed(service, [OK, state, state, state], start)


@pytest.mark.django_db
def test_unhandled_first_then_by_severity_then_age(client):
    now = timezone.now()
    world = monitoring_world(now - timedelta(hours=3))
    other_client = make_client(world.provider, "Fromagerie")
    make_client_user(other_client, Role.CLIENT_ADMIN)
    other = ManagedServer.objects.create(
        provider=world.provider, client=other_client, name="db1", address="127.0.0.2"
    )
    start = now - timedelta(hours=2)
    problem(world.service("SMTP"), WARN, start)  # oldest, but only a WARNING
    problem(other.services.get(name="FTP"), CRIT, start + timedelta(minutes=10))
    problem(world.service("FTP"), CRIT, start + timedelta(minutes=20))
    problem(world.service("IMAP"), CRIT, start - timedelta(minutes=30))  # to acknowledge
    problem(other.services.get(name="POP3"), CRIT, start - timedelta(minutes=40))  # downtime
    acknowledge(world.service("IMAP"), world.engineer, "on s'en occupe", now)
    schedule_downtime(
        other,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        reason="travaux",
        now=now,
        service=other.services.get(name="POP3"),
    )
    rows = problems(world.engineer, now)
    order = [(r.service.server.name, r.service.name, r.handled) for r in rows]
    assert order == [
        ("db1", "FTP", False),
        ("www1", "FTP", False),
        ("www1", "SMTP", False),
        ("db1", "POP3", True),
        ("www1", "IMAP", True),
    ]
    # Client people and other providers' staff see nothing.
    assert problems(world.admin, now) == []
    client.login(username=world.admin.email, password=PASSWORD)
    assert client.get("/supervision/problemes/").status_code == 404


@pytest.mark.django_db
def test_acknowledging_from_the_board_stops_escalation_and_is_audited(client):
    now = timezone.now()
    world = monitoring_world(now - timedelta(hours=1))
    problem(world.service("HTTP"), CRIT, now - timedelta(minutes=10))
    http = world.service("HTTP")
    client.login(username=world.engineer.email, password=PASSWORD)
    page = client.get("/supervision/problemes/").content.decode()
    assert "1 problème non traité" in page and "Prendre en compte" in page
    url = f"/supervision/problemes/{http.pk}/prise-en-compte/"
    empty = client.post(url, {"comment": "  "}, follow=True)
    assert "commentaire est requis" in empty.content.decode()
    assert client.post(url, {"comment": "redémarrage d'Apache"}).status_code == 302
    ack = Acknowledgement.objects.get()
    assert ack.author == world.engineer and ack.comment == "redémarrage d'Apache"
    assert Escalation.objects.get().suppressed_by == "acknowledged"
    entry = AuditEntry.objects.get(action="monitoring.problem_acknowledged")
    assert entry.actor == world.engineer and entry.client == world.client
    partial = client.get("/supervision/problemes/?partial=1").content.decode()
    assert ">0 problème" in partial and "redémarrage d&#x27;Apache" in partial
    assert "<html" not in partial
    # The provider's accountant neither sees the board nor acknowledges.
    accountant = make_staff(world.provider, Role.ACCOUNTANT)
    client.logout()
    client.login(username=accountant.email, password=PASSWORD)
    assert client.get("/supervision/problemes/").status_code == 404
    assert client.post(url, {"comment": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_board_is_in_the_staff_menu_only(client):
    now = timezone.now()
    world = monitoring_world(now)
    client.login(username=world.engineer.email, password=PASSWORD)
    assert 'href="/supervision/problemes/"' in client.get("/supervision/").content.decode()
    client.logout()
    client.login(username=world.admin.email, password=PASSWORD)
    assert 'href="/supervision/problemes/"' not in client.get("/supervision/").content.decode()

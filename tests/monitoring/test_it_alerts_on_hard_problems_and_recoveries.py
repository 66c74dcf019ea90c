"""Art. 3.2: every HARD problem and recovery is e-mailed to the client's contacts and
the provider, citing the article; a recovery goes to whoever got the problem; nothing
is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.monitoring.models import Alert, AlertKind, StateChange
from clausier.monitoring.services.results import Observation, record_result
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.helpers import make_client_user
from tests.monitoring.helpers import feed, monitoring_world

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, office hours
OK, CRIT, WARN = State.OK, State.CRITICAL, State.WARNING


def alert_mails():
    return OutboxMessage.objects.filter(template="monitoring_alert").order_by("id")


@pytest.mark.django_db
def test_soft_states_are_recorded_and_hard_problem_alerts_everyone_once():
    world = monitoring_world(NOW)
    http = world.service("HTTP")
    feed(http, [OK, CRIT, CRIT], NOW)
    assert not alert_mails().exists()
    changes = list(
        StateChange.objects.filter(service=http).values_list(
            "state", "state_type", "attempt", "hard"
        )
    )
    assert changes == [(0, "hard", 1, True), (2, "soft", 1, False), (2, "soft", 2, False)]
    feed(http, [CRIT], NOW + timedelta(minutes=3))
    http.refresh_from_db()
    assert (http.state_type, http.attempt, http.last_hard_state) == ("hard", 3, 2)
    recipients = sorted(m.to_email for m in alert_mails())
    assert recipients == sorted(
        [world.admin.email, world.member.email, world.provider.support_email]
    )
    mail = alert_mails().first()
    assert "www1" in mail.subject and "HTTP" in mail.subject and "CRITICAL" in mail.subject
    assert "Art. 3.2" in mail.body and "CRITICAL - test output" in mail.body
    assert f"/supervision/serveurs/{world.server.pk}/" in mail.body
    # Still critical: no new alert.
    feed(http, [CRIT, CRIT], NOW + timedelta(minutes=4))
    assert alert_mails().count() == 3


@pytest.mark.django_db
def test_recovery_goes_to_whoever_got_the_problem():
    world = monitoring_world(NOW)
    http = world.service("HTTP")
    feed(http, [OK, CRIT, CRIT, CRIT], NOW)
    problem_recipients = sorted(m.to_email for m in alert_mails())
    newcomer = make_client_user(world.client)  # joined during the incident
    feed(http, [OK], NOW + timedelta(minutes=10))
    recovery = alert_mails().filter(subject__contains="RÉTABLI")
    assert sorted(m.to_email for m in recovery) == problem_recipients
    assert newcomer.email not in problem_recipients
    assert Alert.objects.filter(kind=AlertKind.RECOVERY).count() == 1


@pytest.mark.django_db
def test_a_stale_or_repeated_result_changes_nothing():
    world = monitoring_world(NOW)
    http = world.service("HTTP")
    last = feed(http, [OK, CRIT, CRIT, CRIT], NOW)
    before = (StateChange.objects.count(), alert_mails().count())
    assert record_result(http.pk, Observation(OK, "late"), last) is None
    assert record_result(http.pk, Observation(OK, "older"), last - timedelta(seconds=30)) is None
    assert (StateChange.objects.count(), alert_mails().count()) == before


@pytest.mark.django_db
def test_warning_to_critical_while_hard_is_alerted_again():
    world = monitoring_world(NOW)
    http = world.service("HTTP")
    feed(http, [OK, WARN, WARN, WARN], NOW)
    assert alert_mails().count() == 3
    feed(http, [CRIT], NOW + timedelta(minutes=5))
    assert alert_mails().count() == 6
    assert Alert.objects.filter(kind=AlertKind.PROBLEM).count() == 2


@pytest.mark.django_db
def test_host_down_makes_services_unreachable_and_silent():
    world = monitoring_world(NOW)
    ping, http = world.service("Ping"), world.service("HTTP")
    feed(ping, [OK, CRIT, CRIT, CRIT], NOW)
    assert alert_mails().count() == 3  # the host problem itself
    feed(http, [OK, CRIT, CRIT, CRIT], NOW + timedelta(minutes=5))
    http.refresh_from_db()
    assert http.last_hard_state == CRIT and not http.reachable
    assert alert_mails().count() == 3
    assert "DOWN" in alert_mails().first().subject


@pytest.mark.django_db
def test_flapping_replaces_problem_and_recovery_alerts():
    world = monitoring_world(NOW)
    http = world.service("HTTP")
    http.max_check_attempts = 1
    http.save()
    feed(http, [OK] + [CRIT, OK] * 8, NOW)
    kinds = list(Alert.objects.filter(service=http).order_by("id").values_list("kind", flat=True))
    assert kinds.count(AlertKind.FLAPPING_START) == 1
    start = kinds.index(AlertKind.FLAPPING_START)
    assert all(k == AlertKind.FLAPPING_START for k in kinds[start:])

"""Re-notification of a HARD problem still unhandled (art. 3.2 alerts; Icinga 2's
notification `interval`): every N minutes after the problem alert, the same recipients
get a reminder, until the problem is acknowledged, recovers, or enters a downtime.

N is the service's `renotify_minutes`, else its provider's `MonitoringPolicy`, else none
(the issue's default; Icinga's is 30 min). 0 on a service turns it off for that service.

The n-th reminder is due at `problem alert + n × N`; it is a `Renotification` row unique
per (problem, n) and its e-mails are outbox rows keyed on it, written in one transaction:
a job killed and restarted, or run twice, sends each reminder exactly once. A job late by
several intervals sends only the latest reminder (never a burst of missed ones).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from clausier.monitoring.models import (
    Acknowledgement,
    Alert,
    AlertKind,
    MonitoredService,
    MonitoringPolicy,
    Renotification,
)
from clausier.monitoring.services.alerts import ALERT_TEMPLATE, _context, _send
from clausier.monitoring.services.results import in_downtime, is_reachable


def interval_of(service: MonitoredService) -> timedelta | None:
    minutes = service.renotify_minutes
    if minutes is None:
        minutes = (
            MonitoringPolicy.objects.filter(provider_id=service.server.provider_id)
            .values_list("renotify_minutes", flat=True)
            .first()
        )
    return timedelta(minutes=minutes) if minutes else None


def renotify_due(now: datetime) -> int:
    """Send the reminders due at `now`; returns how many were sent."""
    sent = 0
    candidates = (
        MonitoredService.objects.filter(
            enabled=True, server__active=True, problem__isnull=False, flapping=False
        )
        .exclude(renotify_minutes=0)
        .select_related("server__provider", "server__client", "problem")
    )
    for service in candidates:
        interval = interval_of(service)
        problem = service.problem
        if interval is None or problem is None:
            continue
        if Acknowledgement.objects.filter(problem=problem).exists():
            continue
        if in_downtime(service, now) or not is_reachable(service):
            continue
        first = Alert.objects.filter(change=problem, kind=AlertKind.PROBLEM).first()
        if first is None:
            continue  # never notified (suppressed): nothing to repeat
        number = int((now - first.created_at) / interval)
        if number < 1 or Renotification.objects.filter(problem=problem, number=number).exists():
            continue
        try:
            with transaction.atomic():
                reminder = Renotification.objects.create(
                    service=service,
                    problem=problem,
                    number=number,
                    recipients=first.recipients,
                    clause=first.clause,
                    created_at=now,
                )
                context = _context(service, problem, "renotification", first.clause)
                _send(
                    ALERT_TEMPLATE,
                    f"monitoring-renotify:{problem.pk}:{number}",
                    first.recipients,
                    context,
                    service,
                    now,
                )
        except IntegrityError:
            continue  # another run sent this one
        sent += 1 if reminder.pk else 0
    return sent

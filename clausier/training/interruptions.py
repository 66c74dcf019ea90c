"""The application's interruptions applied to trainings (coaching contract art. 7.3, 7.4):
an outage not fixed within 48 business hours extends each trainee's e-learning access by
the whole unavailability, a maintenance by its duration, "dans le cas de formations" only.

Each interruption becomes at most one `AccessExtension` per enrolment (a unique constraint:
recording it, the hourly job and the simulator may all run it, it extends once), in whole
days rounded up (the access counts in days; the shorter reading would take hours from the
client, Code civil art. 1190). An enrolment is extended when the interruption began while
its access was open, extensions already granted included (the rule
`coaching.access.training_extension`); interruptions are applied in the order they began so
that one extension can bring a later interruption inside the window.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Membership, Person, Provider, ServiceLine
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.coaching import access as coaching_access
from clausier.coaching import interruptions as coaching_interruptions
from clausier.coaching.models import ServiceInterruption
from clausier.core import audit
from clausier.core.formatting import format_date, format_datetime
from clausier.notify.services import Draft, enqueue_many
from clausier.terms.packs import Pack, load_pack
from clausier.terms.zone import contract_day, contract_zone
from clausier.training import access, services
from clausier.training.models import AccessExtension, Enrolment, EnrolmentStatus

CLAUSE_OF_KIND = {"outage": "7.3", "maintenance": "7.4"}


def extension_days(extension: timedelta) -> int:
    """Whole days, rounded up: what one interruption adds to an enrolment's access."""
    return max(1, math.ceil(extension / timedelta(days=1)))


def _reason(row: ServiceInterruption) -> str:
    label = _("Panne") if row.kind == "outage" else _("Maintenance")
    return f"{label} {format_date(contract_day(row.starts_at))} — {row.scope or row.description}"[
        :300
    ]


def apply_interruption(row: ServiceInterruption, now: datetime) -> list[AccessExtension]:
    """Extend, once, the trainings whose access was open when `row` began (art. 7.3/7.4)."""
    if row.ends_at is None or row.ends_at > now:
        return []  # the duration is known at the fix / the end of the maintenance
    done = set(
        AccessExtension.objects.filter(interruption=row).values_list("enrolment_id", flat=True)
    )
    enrolments = (
        Enrolment.objects.filter(
            quote__provider_id=row.provider_id,
            status=EnrolmentStatus.ACTIVE,
            enrolled_at__lte=row.starts_at,
        )
        .exclude(pk__in=done)
        .select_related("quote__client", "quote__session__training")
    )
    packs: dict[int, Pack] = {}
    created = []
    for enrolment in enrolments:
        if not access.window(enrolment).open_at(row.starts_at):
            continue
        client = enrolment.quote.client
        if client.pk not in packs:
            packs[client.pk] = services.training_pack(client)
        added, clause = coaching_access.interruption_extension(row, packs[client.pk], now)
        if not added:
            continue
        created.append(_extend(enrolment, row, added, clause, now))
    return created


def _extend(
    enrolment: Enrolment, row: ServiceInterruption, added: timedelta, clause: str, now: datetime
) -> AccessExtension:
    before = access.window(enrolment).closes_at
    days = extension_days(added)
    try:
        with transaction.atomic():
            extension = AccessExtension.objects.create(
                enrolment=enrolment,
                days=days,
                clause=access.CLAUSES[CLAUSE_OF_KIND[row.kind]],
                reason=_reason(row),
                interruption=row,
                created_at=now,
            )
    except IntegrityError:  # another process applied it first: once only
        return AccessExtension.objects.get(enrolment=enrolment, interruption=row)
    audit.record(
        "training.access_extended",
        enrolment,
        client=enrolment.quote.client,
        details={
            "days": days,
            "interruption": row.pk,
            "unavailability_minutes": int(added / timedelta(minutes=1)),
            "reason": extension.reason,
            "clause": clause,
            "closed_at": before.isoformat(),
            "closes_at": access.window(enrolment).closes_at.isoformat(),
        },
    )
    return extension


def apply_interruptions(now: datetime, provider_ids: Iterable[int] | None = None) -> int:
    """The job: every ended interruption extends the trainings it hit, once; returns how
    many extensions were granted."""
    rows = ServiceInterruption.objects.filter(
        ends_at__lte=now, cancelled_at__isnull=True
    ).select_related("provider")
    if provider_ids is not None:
        rows = rows.filter(provider_id__in=list(provider_ids))
    return sum(len(apply_interruption(row, now)) for row in rows.order_by("starts_at", "pk"))


def record_outage(
    *,
    now: datetime,
    actor: Any,
    provider: Provider,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    cause: str,
) -> tuple[ServiceInterruption, int]:
    """Art. 7.3: staff record a fixed outage; the trainings it hit are extended at once
    when it lasted past 48 business hours. Returns the row and the extensions granted."""
    with transaction.atomic():
        row = coaching_interruptions.record_outage(
            now=now,
            actor=actor,
            provider=provider,
            starts_at=starts_at,
            ends_at=ends_at,
            scope=scope,
            cause=cause,
            pack=_provider_pack(provider),
        )
        extended = apply_interruptions(now, [provider.pk])
    return row, extended


def _provider_pack(provider: Provider) -> Pack:
    """The pack the outage's 48-business-hour deadline is judged on for the audit entry
    (each trainee's own accepted pack decides their extension): the latest version."""
    return load_pack(ServiceLine.COACHING_TRAINING)


def maintenance_recipients(row: ServiceInterruption) -> list[Person]:
    """Who is told of a maintenance (art. 7.4): the people of the provider's active clients
    (an active subscription) and the trainees whose access is open when it starts."""
    active_clients = Subscription.objects.filter(
        provider_id=row.provider_id, status=SubscriptionStatus.ACTIVE
    ).values("client_id")
    members = Membership.objects.active().client_side().filter(client_id__in=active_clients)
    people = {p.pk: p for p in Person.objects.filter(memberships__in=members)}
    for enrolment in Enrolment.objects.filter(
        quote__provider_id=row.provider_id, status=EnrolmentStatus.ACTIVE
    ).select_related("participant", "quote__session__training"):
        if access.window(enrolment).open_at(row.starts_at):
            people.setdefault(enrolment.participant_id, enrolment.participant)
    return [people[pk] for pk in sorted(people) if people[pk].is_active and people[pk].email]


def send_maintenance_notice(row: ServiceInterruption, now: datetime) -> int:
    """The notice e-mail of art. 7.4, through the outbox, once per person and maintenance
    (the idempotency key); returns how many were queued."""
    return _send_maintenance_mail("maintenance_notice", "maintenance", row, now)


def _send_maintenance_mail(template: str, key: str, row: ServiceInterruption, now: datetime) -> int:
    zone = contract_zone()
    drafts = []
    assert row.ends_at is not None
    for person in maintenance_recipients(row):
        drafts.append(
            Draft(
                template,
                person.email,
                person.language,
                {
                    "provider": row.provider.legal_name,
                    "starts_at": format_datetime(
                        row.starts_at, zone, person.language, "day_and_time"
                    ),
                    "ends_at": format_datetime(row.ends_at, zone, person.language, "day_and_time"),
                    "scope": row.scope,
                    "emergency": row.emergency,
                    "reason": row.cancel_reason,
                    "clause": access.CLAUSES["7.4"],
                },
                f"{key}:{row.pk}:{person.pk}",
                row.provider,
            )
        )
    return enqueue_many(drafts, now)


def cancel_maintenance(
    *, now: datetime, actor: Any, row: ServiceInterruption, reason: str
) -> tuple[ServiceInterruption, int]:
    """Art. 7.4: call off a maintenance before it starts and tell the people its notice
    went to that it is cancelled. Returns the row and the number of e-mails queued."""
    with transaction.atomic():
        row = coaching_interruptions.cancel_maintenance(
            now=now, actor=actor, row=row, reason=reason
        )
        sent = _send_maintenance_mail("maintenance_cancelled", "maintenance-cancelled", row, now)
    return row, sent


def schedule_maintenance(
    *,
    now: datetime,
    actor: Any,
    provider: Provider,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    cause: str = "",
    emergency: bool = False,
) -> tuple[ServiceInterruption, int]:
    """Art. 7.4: schedule a maintenance at least 48 hours ahead (or flagged urgent), tell
    the affected people by e-mail now; the trainings get its duration back once it is over
    (the hourly job). Returns the row and the number of notices queued."""
    with transaction.atomic():
        row = coaching_interruptions.schedule_maintenance(
            now=now,
            actor=actor,
            provider=provider,
            starts_at=starts_at,
            ends_at=ends_at,
            scope=scope,
            cause=cause,
            emergency=emergency,
            pack=_provider_pack(provider),
        )
        sent = send_maintenance_notice(row, now)
    return row, sent

"""Interruptions of the application recorded by the provider's staff (coaching contract
art. 7.3, 7.4): an outage (a malfunction, with its start, its end, what it hit and why) and
a planned maintenance. Each is one audited row; what it does to access lives above:
`training.interruptions` extends the trainings (the only service the articles extend, "dans
le cas de formations"); a subscription's coaching access is never extended by it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Provider, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from clausier.core import audit
from clausier.core.formatting import format_datetime
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import maintenance_notice, outage_outcome
from clausier.terms.zone import contract_zone

# Who records the application's interruptions: the provider's owners and engineers.
RECORDERS = {Role.OWNER.value, Role.ENGINEER.value}
# An interruption longer than this is a typing error, not an outage (training extensions
# are bounded at 365 days a row).
LONGEST = timedelta(days=365)


def _require_recorder(actor: Any, provider: Provider) -> None:
    if provider.pk not in staff_provider_ids(actor, RECORDERS):
        raise NotAllowed(_("Réservé aux responsables et ingénieurs du prestataire."))


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _check_period(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise CoachingError(_("Indiquez les heures avec leur fuseau horaire."), "naive_datetime")
    if ends_at <= starts_at:
        raise CoachingError(_("La fin doit suivre le début."), "bad_period")
    if ends_at - starts_at > LONGEST:
        raise CoachingError(_("Une interruption dure au plus 365 jours."), "bad_period")


def record_outage(
    *,
    now: datetime,
    actor: Any,
    provider: Provider,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    cause: str,
    pack: Pack,
) -> ServiceInterruption:
    """Staff record an outage of the application once it is fixed (art. 7.3): its start,
    its end (the fix), what was unavailable and why. Audited with the 48-business-hour
    deadline of art. 7.3 and whether it was met."""
    _require_recorder(actor, provider)
    _check_period(starts_at, ends_at)
    if ends_at > now:
        raise CoachingError(
            _("Une panne s'enregistre une fois corrigée : la fin ne peut être dans le futur."),
            "outage_not_over",
        )
    scope, cause = _text(scope, 200), _text(cause, 300)
    if not scope or not cause:
        raise CoachingError(
            _("Le périmètre et la cause de la panne sont obligatoires."), "outage_incomplete"
        )
    outcome = outage_outcome(
        starts_at, ends_at, pack, now, subdivision=provider.holiday_subdivision or None
    )
    row = ServiceInterruption.objects.create(
        provider=provider,
        kind=InterruptionKind.OUTAGE,
        starts_at=starts_at,
        ends_at=ends_at,
        scope=scope,
        cause=cause,
        description=cause,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=now,
    )
    audit.record(
        "coaching.outage_recorded",
        row,
        actor=actor,
        provider=provider,
        details={
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "scope": scope,
            "cause": cause,
            "fix_deadline": outcome.fix_deadline.isoformat(),
            "fixed_late": outcome.late,
            "clause": str(outcome.clause),
        },
    )
    return row


def schedule_maintenance(
    *,
    now: datetime,
    actor: Any,
    provider: Provider,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    cause: str,
    emergency: bool,
    pack: Pack,
) -> ServiceInterruption:
    """Art. 7.4: staff schedule a maintenance of the application, announced now. It must
    start at least 48 clock hours later; a shorter notice is refused with the clause unless
    staff say it is an emergency (the article only binds the provider to "s'efforcer de
    prévenir" 48 hours ahead: an urgent fix cannot wait, and is flagged as such)."""
    _require_recorder(actor, provider)
    _check_period(starts_at, ends_at)
    if starts_at <= now:
        raise CoachingError(
            _("Une maintenance se programme avant son début."), "maintenance_started"
        )
    scope, cause = _text(scope, 200), _text(cause, 300)
    if not scope:
        raise CoachingError(
            _("Le périmètre de la maintenance est obligatoire."), "maintenance_incomplete"
        )
    notice = maintenance_notice(starts_at, ends_at, now, pack)
    if not notice.announced_in_time and not emergency:
        raise CoachingError(
            _(
                "Une maintenance s'annonce au moins 48 heures à l'avance (%(clause)s) : pour "
                "ce début, au plus tard le %(by)s. Reportez-la, ou cochez « urgence » si elle "
                "ne peut attendre."
            )
            % {
                "clause": notice.clause,
                "by": format_datetime(notice.announce_by, contract_zone(pack), form="day_and_time"),
            },
            "maintenance_notice_too_short",
        )
    row = ServiceInterruption.objects.create(
        provider=provider,
        kind=InterruptionKind.MAINTENANCE,
        starts_at=starts_at,
        ends_at=ends_at,
        announced_at=now,
        emergency=emergency,
        scope=scope,
        cause=cause,
        description=scope,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=now,
    )
    # Now for this process, and again at commit for a reader that cached the old state.
    cache.delete(_banner_key(provider.pk))
    transaction.on_commit(lambda: cache.delete(_banner_key(provider.pk)))
    audit.record(
        "coaching.maintenance_scheduled",
        row,
        actor=actor,
        provider=provider,
        details={
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "scope": scope,
            "cause": cause,
            "announce_by": notice.announce_by.isoformat(),
            "announced_in_time": notice.announced_in_time,
            "emergency": emergency,
            "clause": str(notice.clause),
        },
    )
    return row


def cancel_refusal(row: ServiceInterruption, now: datetime) -> CoachingError | None:
    """Why this interruption cannot be called off at `now` (art. 7.4), or None: only a
    maintenance, once, before it starts (under way or over, it happened). The service
    below decides races with a conditional UPDATE; the simulator asks this directly."""
    if row.kind != InterruptionKind.MAINTENANCE:
        return CoachingError(_("Seule une maintenance programmée s'annule."), "not_a_maintenance")
    if row.cancelled_at is not None:
        return CoachingError(_("Cette maintenance est déjà annulée."), "already_cancelled")
    if row.starts_at <= now:
        return CoachingError(
            _("Cette maintenance a commencé : elle ne s'annule plus."), "maintenance_started"
        )
    return None


def cancel_maintenance(
    *, now: datetime, actor: Any, row: ServiceInterruption, reason: str
) -> ServiceInterruption:
    """Staff call off a maintenance before it starts (art. 7.4): it then interrupts and
    extends nothing, and leaves the banner. Once: the conditional UPDATE decides a race;
    a maintenance under way or over is not cancelled (it happened)."""
    _require_recorder(actor, row.provider)
    refusal = cancel_refusal(row, now)
    if refusal is not None:
        raise refusal
    reason = _text(reason, 300)
    if not reason:
        raise CoachingError(_("Indiquez le motif de l'annulation."), "cancel_reason_missing")
    cancelled = ServiceInterruption.objects.filter(
        pk=row.pk, cancelled_at__isnull=True, starts_at__gt=now
    ).update(cancelled_at=now, cancelled_by=actor, cancel_reason=reason)
    if cancelled != 1:
        # Another request won the race (cancelled it) or the start passed meanwhile.
        row.refresh_from_db()
        raise cancel_refusal(row, now) or CoachingError(
            _("Cette maintenance est déjà annulée."), "already_cancelled"
        )
    row.refresh_from_db()
    cache.delete(_banner_key(row.provider_id))
    transaction.on_commit(lambda: cache.delete(_banner_key(row.provider_id)))
    audit.record(
        "coaching.maintenance_cancelled",
        row,
        actor=actor,
        provider=row.provider,
        details={"starts_at": row.starts_at.isoformat(), "reason": reason, "clause": "7.4"},
    )
    return row


BANNER_CACHE_SECONDS = 300


def _banner_key(provider_id: int) -> str:
    return f"coaching:maintenances:{provider_id}"


def upcoming_maintenances(provider_ids: set[int], now: datetime) -> list[ServiceInterruption]:
    """The maintenances of these providers not over at `now`, from the cache (one query
    for the providers missing from it). `schedule_maintenance` clears its provider's entry;
    a cached row past its end is left out by the caller's own test of `now`."""
    keys = {_banner_key(pid): pid for pid in provider_ids}
    cached = cache.get_many(list(keys))
    missing = [pid for key, pid in keys.items() if key not in cached]
    if missing:
        found: dict[int, list[ServiceInterruption]] = {pid: [] for pid in missing}
        for row in ServiceInterruption.objects.filter(
            provider_id__in=missing,
            kind=InterruptionKind.MAINTENANCE,
            ends_at__gt=now,
            cancelled_at__isnull=True,
        ).order_by("starts_at", "pk"):
            found[row.provider_id].append(row)
        cache.set_many(
            {_banner_key(pid): rows for pid, rows in found.items()}, BANNER_CACHE_SECONDS
        )
        cached.update({_banner_key(pid): rows for pid, rows in found.items()})
    rows = [row for key in keys for row in cached[key] if row.ends_at and row.ends_at > now]
    return sorted(rows, key=lambda row: (row.starts_at, row.pk))


def announced_maintenances(person: Any, now: datetime) -> QuerySet[ServiceInterruption]:
    """The banner of art. 7.4: maintenances announced and not over yet, for the people who
    may see them."""
    return visible_interruptions(person).filter(
        kind=InterruptionKind.MAINTENANCE,
        announced_at__lte=now,
        ends_at__gt=now,
        cancelled_at__isnull=True,
    )


def visible_interruptions(person: Any) -> QuerySet[ServiceInterruption]:
    """The provider's staff see its interruptions; a client's people see those of their
    providers (they were told of them, art. 7.4)."""
    providers = ClientOrganisation.objects.filter(pk__in=client_ids(person)).values("provider_id")
    return ServiceInterruption.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) | Q(provider_id__in=providers)
    )

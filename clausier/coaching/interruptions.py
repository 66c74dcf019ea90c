"""Interruptions of the application recorded by the provider's staff (coaching contract
art. 7.3, 7.4): an outage (a malfunction, with its start, its end, what it hit and why) and
a planned maintenance. Each is one audited row; what it does to access lives above:
`training.interruptions` extends the trainings (the only service the articles extend, "dans
le cas de formations"); a subscription's coaching access is never extended by it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Provider, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from clausier.core import audit
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import outage_outcome

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


def visible_interruptions(person: Any) -> QuerySet[ServiceInterruption]:
    """The provider's staff see its interruptions; a client's people see those of their
    providers (they were told of them, art. 7.4)."""
    providers = ClientOrganisation.objects.filter(pk__in=client_ids(person)).values("provider_id")
    return ServiceInterruption.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) | Q(provider_id__in=providers)
    )

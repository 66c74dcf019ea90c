"""Access to a training's content (art. 7.2.1): from enrolment (the modules come before the
first half-day, art. 8.1.2) until `Training.access_days` after the first half-day starts,
plus the extensions staff grant with a reason: an outage not fixed within 48 business
hours extends the access by the outage's length (art. 7.3), maintenance by the
interruption's length (art. 7.4). The module player and the progress API refuse once
access has closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role
from clausier.core import audit
from clausier.terms.zone import contract_day, contract_zone
from clausier.training.errors import TrainingError
from clausier.training.models import AccessExtension, Enrolment, EnrolmentStatus, first_start

CLAUSES = {"7.3": "Art. 7.3", "7.4": "Art. 7.4", "": ""}
MAX_EXTENSION_DAYS = 365


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime
    extended_days: int

    def open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def window(enrolment: Enrolment) -> Window:
    session = enrolment.quote.session
    start = first_start(session) or enrolment.enrolled_at
    extended = (
        AccessExtension.objects.filter(enrolment=enrolment).aggregate(total=Sum("days"))["total"]
        or 0
    )
    return window_of(enrolment.enrolled_at, start, session.training.access_days, extended)


def window_of(enrolled_at: datetime, start: datetime, access_days: int, extended: int) -> Window:
    """The access window from its parts (the simulator builds it without rows)."""
    # Calendar days in the contract's zone: across a DST change the access still closes at
    # the local hour it opened (aware arithmetic on a ZoneInfo datetime is wall-clock).
    local_start = start.astimezone(contract_zone())
    closes = local_start + timedelta(days=access_days + extended)
    return Window(enrolled_at, closes, extended)


def require_open(now: datetime, enrolment: Enrolment) -> None:
    current = window(enrolment)
    if not current.open_at(now):
        raise TrainingError(
            _(
                "L'accès à cette formation a pris fin le %(day)s (art. 7.2.1) : "
                "demandez une prolongation au prestataire."
            )
            % {"day": contract_day(current.closes_at).isoformat()},
            "access_closed",
        )


def extend(
    *, now: datetime, actor: Any, enrolment: Enrolment, days: int, reason: str, clause: str = ""
) -> AccessExtension:
    """Staff extend one participant's access by `days`, saying why (audited)."""
    if actor is not None and enrolment.quote.provider_id not in scoping.staff_provider_ids(
        actor, {Role.OWNER.value, Role.COACH.value}
    ):
        raise NotAllowed(_("Réservé à l'équipe du prestataire."))
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise TrainingError(_("Cette inscription est retirée."))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise TrainingError(
            _("Une prolongation compte de 1 à %(max)s jours.") % {"max": MAX_EXTENSION_DAYS},
            "invalid_days",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise TrainingError(_("Le motif de la prolongation est obligatoire."), "reason_required")
    if clause not in CLAUSES:
        raise TrainingError(_("Clause inconnue."), "invalid_clause")
    with transaction.atomic():
        before = window(enrolment).closes_at
        extension = AccessExtension.objects.create(
            enrolment=enrolment,
            days=days,
            clause=CLAUSES[clause],
            reason=reason[:300],
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
        )
        audit.record(
            "training.access_extended",
            enrolment,
            actor=actor,
            client=enrolment.quote.client,
            details={
                "days": days,
                "reason": extension.reason,
                "clause": extension.clause,
                "closed_at": before.isoformat(),
                "closes_at": window(enrolment).closes_at.isoformat(),
            },
        )
    return extension

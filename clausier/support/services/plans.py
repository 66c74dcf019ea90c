"""Interventions that immobilise the system (art. 5 "Durée d'une intervention": "Si ces
interventions devaient immobiliser le système informatique, leurs dates seraient fixées
d'un commun accord"): the provider's staff propose one or more slots, the client's users
accept one; nothing is agreed until then.

The clock: such an intervention is planned work, not an emergency. No GTI or GTR runs
on it (art. 14's deadlines start from a client's contact about a failure); the agreed
slot is the commitment. A slot outside office hours (Mon-Fri 9-18, holidays closed) may
be billed on top of the fee only after the client's acceptance (art. 5 "Support"), so
accepting such a slot takes that acceptance explicitly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Person
from clausier.core import audit
from clausier.core.businesstime import Calendar
from clausier.monitoring.models import ManagedServer
from clausier.support.errors import NotSupportStaff, SupportError
from clausier.support.models import InterventionPlan, PlanSlot
from clausier.support.services.contract import (
    calendar_of,
    is_client_user,
    pack_of_client,
    require_support_staff,
)

CLAUSE = "Art. 5 — Durée d'une intervention"
MAX_SLOTS = 5
MAX_LENGTH = timedelta(hours=24)


def _out_of_hours(calendar: Calendar, start: datetime, end: datetime) -> bool:
    """Any part of the slot outside office hours."""
    return calendar.between(start, end) < end - start


def propose(
    *,
    now: datetime,
    server: ManagedServer,
    actor: Person,
    description: str,
    slots: list[tuple[datetime, datetime]],
) -> InterventionPlan:
    require_support_staff(actor, server.provider_id)
    if not description.strip():
        raise SupportError(_("Décrivez les travaux prévus."), "invalid_plan")
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise SupportError(_("Proposez de 1 à 5 créneaux."), "invalid_plan")
    for start, end in slots:
        if start <= now or not timedelta(0) < end - start <= MAX_LENGTH:
            raise SupportError(
                _("Un créneau commence dans le futur et dure au plus 24 heures."), "invalid_slot"
            )
    client = server.client
    calendar = calendar_of(client, pack_of_client(client))
    with transaction.atomic():
        plan = InterventionPlan.objects.create(
            provider_id=server.provider_id,
            client=client,
            server=server,
            description=description.strip(),
            proposed_by=actor,
            proposed_at=now,
            clause=CLAUSE,
        )
        PlanSlot.objects.bulk_create(
            PlanSlot(plan=plan, starts_at=s, ends_at=e, out_of_hours=_out_of_hours(calendar, s, e))
            for s, e in sorted(slots)
        )
        audit.record(
            "support.plan_proposed",
            plan,
            actor=actor,
            provider=client.provider,
            client=client,
            details={"slots": len(slots), "clause": CLAUSE},
        )
    return plan


def accept(
    *,
    now: datetime,
    plan: InterventionPlan,
    slot_id: int,
    actor: Person,
    accept_out_of_hours: bool = False,
) -> InterventionPlan:
    if not is_client_user(actor, plan.client_id):
        raise NotSupportStaff(_("Seul le client convient de la date."))
    slot = plan.slots.filter(pk=slot_id).first()
    if slot is None:
        raise SupportError(_("Ce créneau n'est pas proposé."), "invalid_slot")
    if slot.starts_at <= now:
        raise SupportError(_("Ce créneau est passé."), "invalid_slot")
    if slot.out_of_hours and not accept_out_of_hours:
        raise SupportError(
            _(
                "Ce créneau est hors heures ouvrées : acceptez qu'il puisse être facturé "
                "en plus (art. 5)."
            ),
            "out_of_hours_not_accepted",
        )
    with transaction.atomic():
        changed = InterventionPlan.objects.filter(pk=plan.pk, accepted_at__isnull=True).update(
            accepted_slot=slot,
            accepted_at=now,
            accepted_by=actor,
            out_of_hours_accepted=slot.out_of_hours,
        )
        if not changed:
            raise SupportError(_("La date est déjà convenue."), "already_agreed")
        plan.accepted_slot, plan.accepted_at, plan.accepted_by = slot, now, actor
        plan.out_of_hours_accepted = slot.out_of_hours
        audit.record(
            "support.plan_agreed",
            plan,
            actor=actor,
            provider=plan.client.provider,
            client=plan.client,
            details={"slot": slot.pk, "out_of_hours": slot.out_of_hours, "clause": CLAUSE},
        )
    return plan

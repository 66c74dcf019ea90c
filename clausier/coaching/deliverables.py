"""Written deliverables (coaching art. 15): deemed conforming when the client makes no
reservation within two days of delivery (to the end of the second day, contract zone).
The rule is `terms.rules.coaching_training.deliverable_acceptance`."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing.models import Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import CoachingSession, Deliverable
from clausier.terms.rules.coaching_training import DeliverableAcceptance, deliverable_acceptance


def post(
    *,
    now: datetime,
    actor: Person,
    subscription: Subscription,
    title: str,
    body: str = "",
    session: CoachingSession | None = None,
) -> Deliverable:
    if subscription.provider_id not in scoping.staff_provider_ids(actor, {Role.OWNER, Role.COACH}):
        raise NotAllowed(_("Seul le prestataire remet un livrable."))
    if session is not None and session.subscription_id != subscription.pk:
        raise CoachingError(_("Cette séance relève d'un autre abonnement."), code="other_contract")
    return Deliverable.objects.create(
        provider_id=subscription.provider_id,
        client_id=subscription.client_id,
        subscription=subscription,
        session=session,
        title=title,
        body=body,
        posted_by=actor,
        posted_at=now,
    )


def acceptance(deliverable: Deliverable, now: datetime) -> DeliverableAcceptance:
    return deliverable_acceptance(
        deliverable.posted_at,
        deliverable.reserved_at,
        pack_of(deliverable.subscription),
        now,
    )


def reserve(*, now: datetime, actor: Person, deliverable: Deliverable, text: str) -> Deliverable:
    """The client records a reservation; refused once the deliverable is deemed accepted."""
    if deliverable.client_id not in scoping.client_ids(actor):
        raise NotAllowed(_("Seul le client émet une réserve sur ce livrable."))
    if deliverable.reserved_at is not None:
        raise CoachingError(_("Une réserve est déjà enregistrée."), code="already_reserved")
    if not text.strip():
        raise CoachingError(_("Précisez la réserve."), code="empty_reservation")
    if acceptance(deliverable, now).status == "accepted":
        raise CoachingError(
            _("Le délai de réserve de deux jours est passé : le livrable est réputé conforme."),
            code="deemed_accepted",
        )
    deliverable.reservation, deliverable.reserved_at, deliverable.reserved_by = text, now, actor
    deliverable.save(update_fields=["reservation", "reserved_at", "reserved_by"])
    return deliverable

"""The support rows a person may see (the reach comes from `scoping`): the provider's
staff see their provider's tickets and emergencies, a client's users their own; internal
notes are for the provider's staff only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.monitoring.models import ManagedServer
from clausier.support.models import (
    CLOSED_STATUSES,
    PAUSING_STATUSES,
    AdviceSession,
    Attachment,
    EmergencyRequest,
    InterventionPlan,
    Ticket,
    TicketMessage,
)


@dataclass(frozen=True)
class Reach:
    """A person's providers (as staff) and clients, read once: a page that lists several
    kinds of rows passes it to each selector instead of the person."""

    staff: frozenset[int]
    clients: frozenset[int]

    @classmethod
    def of(cls, person: Any) -> Reach:
        if isinstance(person, Reach):
            return person
        return cls(frozenset(staff_provider_ids(person)), frozenset(client_ids(person)))


def _reach(person: Any, provider_field: str = "provider_id", client_field: str = "client_id") -> Q:
    reach = Reach.of(person)
    return Q(**{f"{provider_field}__in": reach.staff}) | Q(**{f"{client_field}__in": reach.clients})


def visible_tickets(person: Any) -> QuerySet[Ticket]:
    return Ticket.objects.filter(_reach(person))


def visible_messages(person: Any) -> QuerySet[TicketMessage]:
    reach = Reach.of(person)
    staff = Q(ticket__provider_id__in=reach.staff)
    client = Q(ticket__client_id__in=reach.clients, internal=False)
    return TicketMessage.objects.filter(staff | client)


def visible_attachments(person: Any) -> QuerySet[Attachment]:
    reach = Reach.of(person)
    staff = Q(message__ticket__provider_id__in=reach.staff)
    client = Q(message__ticket__client_id__in=reach.clients, message__internal=False)
    return Attachment.objects.filter(staff | client)


def visible_emergencies(person: Any) -> QuerySet[EmergencyRequest]:
    return EmergencyRequest.objects.filter(_reach(person))


def visible_plans(person: Any) -> QuerySet[InterventionPlan]:
    return InterventionPlan.objects.filter(_reach(person))


def visible_servers(person: Any) -> QuerySet[ManagedServer]:
    return ManagedServer.objects.filter(_reach(person))


def visible_advice(person: Any) -> QuerySet[AdviceSession]:
    return AdviceSession.objects.filter(_reach(person))


def staff_queue(person: Any, limit: int = 100, **filters: int) -> list[Ticket]:
    """The provider's open tickets, next breach first: unacknowledged ones with a running
    clock by deadline, then those paused (waiting on the client or a third party), then
    the acknowledged ones. Three queries, each walking the `ticket_queue` index (provider,
    acknowledged_at, ack_due_at) in order and stopping at `limit`: the page costs the same
    over 100 or 100,000 tickets."""
    staff = sorted(Reach.of(person).staff)
    base = Ticket.objects.exclude(status__in=list(CLOSED_STATUSES)).filter(**filters)
    base = (
        base.filter(provider_id=staff[0]) if len(staff) == 1 else base.filter(provider_id__in=staff)
    )
    pending = base.filter(acknowledged_at__isnull=True)
    parts = (
        pending.exclude(status__in=list(PAUSING_STATUSES)),
        pending.filter(status__in=list(PAUSING_STATUSES)),
        base.filter(acknowledged_at__isnull=False),
    )
    found: list[Ticket] = []
    for part in parts:
        if len(found) >= limit:
            break
        found += part.select_related("client", "server", "assignee").order_by("ack_due_at", "pk")[
            : limit - len(found)
        ]
    return found

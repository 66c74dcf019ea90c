"""A client's coaching at a glance, for the provider's staff (the staff client page,
`portal/staff.py`): its coaching subscriptions with the current period's allowance
(art. 10.1: sessions granted per annual period, used, booked, remaining), its upcoming
and past sessions. Read-only; the caller has already checked that the person works for
the client's provider. Links to a session are offered only where `visible_sessions`
lets the person open it (the owner, the session's coach), not to the accountant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clausier.accounts.models import ClientOrganisation
from clausier.billing.models import Subscription
from clausier.coaching import ledger, selectors
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import CoachingSession, SessionStatus

SHOWN = 20  # sessions per list (upcoming, past): the client's page is not an archive


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    subscription: Subscription
    allowance: ledger.Allowance | None  # None before the contract starts (first payment)


@dataclass(frozen=True, slots=True)
class ClientCoaching:
    subscriptions: list[SubscriptionRow] = field(default_factory=list)
    upcoming: list[CoachingSession] = field(default_factory=list)
    past: list[CoachingSession] = field(default_factory=list)
    openable: set[int] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.subscriptions or self.upcoming or self.past)


def client_coaching(client: ClientOrganisation, person: Any, now: datetime) -> ClientCoaching:
    """The client's coaching subscriptions, allowances at `now`, and sessions around `now`."""
    subscriptions = Subscription.objects.filter(
        client=client, plan__session_allowance__gt=0
    ).select_related("plan", "acceptance")
    rows = []
    for subscription in subscriptions.order_by("-ordered_at", "-pk"):
        summary = None
        if subscription.start_date is not None:
            try:
                summary = ledger.allowance(subscription, now, now)
            except CoachingError:
                summary = None  # not started at `now`: shown as such
        rows.append(SubscriptionRow(subscription, summary))
    sessions = CoachingSession.objects.filter(client=client).select_related(
        "coach__person", "subscription__plan"
    )
    upcoming = list(
        sessions.filter(starts_at__gte=now, status=SessionStatus.BOOKED).order_by(
            "starts_at", "pk"
        )[:SHOWN]
    )
    past = list(sessions.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:SHOWN])
    ids = [s.pk for s in upcoming + past]
    openable = (
        set(selectors.visible_sessions(person).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    return ClientCoaching(rows, upcoming, past, openable)

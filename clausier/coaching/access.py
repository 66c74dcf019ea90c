"""How long the client's people keep the application (coaching contract art. 7.2–7.4).

- Art. 7.2.2 (subscriptions): access lasts until 2 months after the subscription's
  termination, by the client or by the provider. `Subscription.end_date` is the first day
  without contract; the rule `terms.rules.coaching_training.access_after_end` counts the two
  months from it and the access closes at midnight after that day, in the contract's zone.
- Art. 7.2.3 (other services): the same two months after the service's end.
- Art. 7.3 and 7.4: an interruption extends access "dans le cas de formations" only: a
  malfunction not fixed within 48 business hours extends it by the whole unavailability,
  a maintenance by its duration. A subscription's window is not extended (the articles
  say trainings); `training_extension` gives a training's extension to the training app.

Between the contract's end and the access end nothing changes for the people: they keep
reading, booking from what remains of the period and joining rooms (the article grants
access, not a read-only view; the allowance of the last period still bounds bookings).
After it, every coaching page and API operation of the client's side answers 403 with the
day the access ended and the clause; the provider's staff and coaches keep their view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Provider, Role
from clausier.accounts.scoping import staff_provider_ids
from clausier.billing.models import Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from clausier.core.formatting import format_date
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import (
    access_after_end,
    maintenance_notice,
    outage_outcome,
)


class AccessEnded(NotAllowed):
    """The access window of art. 7.2.2 / 7.2.3 is over (answered 403)."""

    code = "access_ended"


@dataclass(frozen=True, slots=True)
class AccessEnd:
    last_day: date  # the last day with access (local to the contract)
    until: datetime  # the instant access ends
    clause: str
    extension: timedelta = timedelta(0)  # art. 7.3 / 7.4, trainings only


def access_end(subscription: Subscription, pack: Pack | None = None) -> AccessEnd | None:
    """Art. 7.2.2: the end of a terminated subscription's access; None while it runs."""
    if subscription.end_date is None:
        return None
    window = access_after_end(subscription.end_date, pack or pack_of(subscription))
    return AccessEnd(window.last_day, window.until, str(window.clause))


def has_ended(subscription: Subscription, now: datetime) -> AccessEnd | None:
    """The access end when `now` is past it (art. 7.2.2), else None."""
    end = access_end(subscription)
    return end if end is not None and now >= end.until else None


def require(subscription: Subscription, person: object, now: datetime) -> None:
    """Refuse the client's side a subscription whose access window is over (art. 7.2.2).

    The provider's owners and coaches keep access to their own records."""
    ended = has_ended(subscription, now)
    if ended is None or subscription.provider_id in staff_provider_ids(
        person, {Role.OWNER, Role.COACH}
    ):
        return
    raise AccessEnded(refusal(ended))


def refusal(ended: AccessEnd) -> str:
    return _(
        "L'accès à l'application a pris fin le %(day)s, deux mois après la résiliation "
        "de l'abonnement (%(clause)s)."
    ) % {"day": format_date(ended.last_day), "clause": ended.clause}


def open_subscriptions(
    subscriptions: Iterable[Subscription], person: object, now: datetime
) -> tuple[list[Subscription], dict[int, AccessEnd]]:
    """The subscriptions still open to the person, and the access ends of the others."""
    opened: list[Subscription] = []
    ended: dict[int, AccessEnd] = {}
    staff = staff_provider_ids(person, {Role.OWNER, Role.COACH})
    for subscription in subscriptions:
        end = has_ended(subscription, now)
        if end is None or subscription.provider_id in staff:
            opened.append(subscription)
        else:
            ended[subscription.pk] = end
    return opened, ended


def gate(subscriptions: Iterable[Subscription], person: object, now: datetime) -> set[int]:
    """Refuse a person whose every coaching subscription is past its access window
    (art. 7.2.2); otherwise the ids of the closed ones, for the caller to leave out."""
    opened, ended = open_subscriptions(subscriptions, person, now)
    if ended and not opened:
        raise AccessEnded(refusal(max(ended.values(), key=lambda end: end.until)))
    return set(ended)


def training_extension(
    provider: Provider, access_from: datetime, access_until: datetime, pack: Pack, now: datetime
) -> tuple[timedelta, list[str]]:
    """Art. 7.3 and 7.4: how much a training's access [access_from, access_until) is
    extended by the provider's recorded interruptions, and the clauses applied.

    A malfunction counts when it was not fixed within 48 business hours (by `now` if it
    still runs); it then extends by its whole unavailability. A maintenance extends by its
    duration. An interruption counts when it began within the access, extension included
    (an extension can bring a later interruption inside the window)."""
    rows = list(
        ServiceInterruption.objects.filter(
            provider=provider, starts_at__gte=access_from, cancelled_at__isnull=True
        )
        .select_related("provider")
        .order_by("starts_at", "pk")
    )
    extension, clauses = timedelta(0), []
    for row in rows:
        if row.starts_at >= access_until + extension:
            break
        added, clause = interruption_extension(row, pack, now)
        if added:
            extension += added
            clauses.append(clause)
    return extension, clauses


def interruption_extension(
    row: ServiceInterruption, pack: Pack, now: datetime
) -> tuple[timedelta, str]:
    """Art. 7.3 / 7.4: what one recorded interruption adds to a training's access, and the
    clause. An outage adds its whole unavailability when it was not fixed within 48 business
    hours (judged at `now` while it runs); a maintenance adds its duration once its end is
    known."""
    if row.kind == InterruptionKind.OUTAGE:
        outcome = outage_outcome(
            row.starts_at,
            row.ends_at,
            pack,
            now,
            subdivision=row.provider.holiday_subdivision or None,
        )
        return outcome.training_access_extension, str(outcome.clause)
    if row.ends_at is None or row.cancelled_at is not None:
        return timedelta(0), ""  # not over yet, or called off: it interrupted nothing
    notice = maintenance_notice(row.starts_at, row.ends_at, row.announced_at, pack)
    return notice.training_access_extension, str(notice.clause)

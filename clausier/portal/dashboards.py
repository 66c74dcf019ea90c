"""What each person's home page shows (issue 16): read-only figures, a bounded number
of queries whatever the volume (tests/portal asserts the count).

- a client administrator: what needs action (terms to accept, unpaid or overdue
  invoices, no SEPA mandate), the next invoice, the spend of the year;
- a collaborator: their organisations, and who handles invoices there;
- provider staff: the owner's revenue, overdue and clients; the accountant's
  invoices to issue, debits to match against the bank and rejected debits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from clausier.accounts.models import ClientOrganisation, Membership, Person, Role
from clausier.billing import services as billing
from clausier.billing.invoicing.balances import with_balances
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import (
    DebitStatus,
    DirectDebit,
    Invoice,
    Mandate,
    MandateStatus,
    Subscription,
    SubscriptionStatus,
)
from clausier.core.money import to_cents
from clausier.core.prepared import DATE, DATETIME, INTS, Prepared, counted
from clausier.portal.reach import Reach, billing_provider_ids
from clausier.terms.models import Acceptance
from clausier.terms.selectors import published_terms
from clausier.terms.zone import contract_zone

ZERO = Decimal("0.00")
# The open invoices listed on a home page; the invoice list has the rest.
SHOWN = 5


@dataclass
class OpenInvoices:
    count: int = 0
    total: Decimal = ZERO
    overdue_count: int = 0
    overdue_total: Decimal = ZERO
    first: list[OpenInvoice] = field(default_factory=list)


@dataclass(frozen=True)
class OpenInvoice:
    """One of the first open invoices a client administrator's home lists."""

    pk: int
    series: str
    number: int
    due_on: date
    currency: str
    balance: Decimal
    overdue: bool

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:06d}"


def _year_bounds(today: date) -> tuple[datetime, datetime]:
    """The calendar year of `today`, as the contract's zone counts it (`local_date`)."""
    zone = contract_zone()
    return (
        datetime(today.year, 1, 1, tzinfo=zone),
        datetime(today.year + 1, 1, 1, tzinfo=zone),
    )


# The homes' figures, compiled once (core.prepared): building and compiling these
# querysets took nine tenths of a home page's query time. `by` is the invoices' column
# the ids are of: their clients (a client administrator) or providers (staff).
def _open_rows(by: str, *shown: str) -> Prepared[Invoice]:
    """(id, due date, balance, *shown) of the invoices with something left to pay:
    a client administrator's home lists the first ones (`shown`: what it shows of
    them), a staff home counts them (an owner's list can be long: nothing more)."""
    return Prepared(
        lambda ids: (
            with_balances(Invoice.objects.filter(**{f"{by}__in": ids}, kind="invoice"))
            .filter(Q(balance_total__gt=0))
            .order_by("due_on", "pk")
            .values_list("pk", "due_on", "balance_total", *shown)
        ),
        INTS,
    )


def _year_sums(by: str) -> Prepared[Invoice]:
    """(kind, total TTC) of the invoices and credit notes issued in [start, end)."""
    return Prepared(
        lambda ids, start, end: (
            Invoice.objects.filter(**{f"{by}__in": ids}, issued_at__gte=start, issued_at__lt=end)
            .order_by()
            .values("kind")
            .annotate(total=Sum("total_ttc"))
            .values_list("kind", "total")
        ),
        INTS,
        DATETIME,
        DATETIME,
    )


_OPEN_ROWS = {
    "client_id": _open_rows("client_id", "series", "number", "currency"),
    "provider_id": _open_rows("provider_id"),
}
_YEAR_SUMS = {"client_id": _year_sums("client_id"), "provider_id": _year_sums("provider_id")}
_CLIENTS = Prepared(
    # What the home shows of them: their name, their provider (for the terms to accept)
    # and whether a SEPA mandate is active.
    lambda ids: (
        ClientOrganisation.objects.filter(pk__in=ids)
        .only("pk", "legal_name", "provider_id")
        .annotate(
            has_mandate=Exists(
                Mandate.objects.filter(client_id=OuterRef("pk"), status=MandateStatus.ACTIVE)
            )
        )
        .order_by("legal_name")
    ),
    INTS,
)
_ACCEPTED = Prepared(
    lambda ids: Acceptance.objects.filter(client_id__in=ids).values_list("terms_id", "client_id"),
    INTS,
)
_PUBLISHED_TERMS = Prepared(
    lambda provider_ids: (
        published_terms(provider_ids)
        .select_related("provider")
        .only("pk", "version", "provider_id", "published_at", "provider__legal_name")
        .order_by("-published_at")
    ),
    INTS,
)
_LIVE_SUBSCRIPTIONS = Prepared(
    lambda ids: (
        Subscription.objects.filter(
            client_id__in=ids,
            status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING],
        )
        .only("pk", "client_id", "status", "label", "price_ht", "billed_until")
        .order_by("billed_until", "pk")
    ),
    INTS,
)
_CLIENT_COUNT = Prepared(
    lambda ids: counted(ClientOrganisation.objects.filter(provider_id__in=ids)),
    INTS,
)
_ACTIVE_SUBSCRIPTION_COUNT = Prepared(
    lambda ids: counted(
        Subscription.objects.filter(provider_id__in=ids, status=SubscriptionStatus.ACTIVE)
    ),
    INTS,
)
_TO_ISSUE_COUNT = Prepared(
    lambda ids, today: counted(billing.due_subscriptions(today).filter(provider_id__in=ids)),
    INTS,
    DATE,
)
_DEBIT_COUNTS = Prepared(
    lambda ids: (
        DirectDebit.objects.filter(provider_id__in=ids)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ),
    INTS,
)
_REJECTED_DEBITS = Prepared(
    lambda ids: (
        DirectDebit.objects.filter(provider_id__in=ids, status=DebitStatus.REJECTED)
        .select_related("invoice", "invoice__client")
        .order_by("-pk")[:SHOWN]
    ),
    INTS,
)


def _open_invoices(by: str, ids: set[int], today: date, shown_count: int = SHOWN) -> OpenInvoices:
    """Invoices with something left to pay: their number, balances and due dates in one
    light query (no model rows: an owner's list can be long), then the SHOWN first ones."""
    rows = _OPEN_ROWS[by].rows(ids)
    result = OpenInvoices(count=len(rows))
    for _pk, due_on, balance_total, *_shown in rows:
        balance = to_cents(balance_total)
        result.total += balance
        if due_on < today:
            result.overdue_count += 1
            result.overdue_total += balance
    # Staff homes show the totals only (shown_count 0).
    result.first = [
        OpenInvoice(pk, series, number, due_on, currency, to_cents(balance), due_on < today)
        for pk, due_on, balance, series, number, currency in rows[:shown_count]
    ]
    return result


def _year_total(by: str, ids: set[int], today: date) -> Decimal:
    """Invoiced this calendar year, TTC, less the credit notes of the year."""
    sums = dict.fromkeys(("invoice", "credit_note"), ZERO)
    for kind, total in _YEAR_SUMS[by].rows(ids, *_year_bounds(today)):
        sums[kind] = total or ZERO
    return to_cents(sums["invoice"] - sums["credit_note"])


def _total(prepared: Prepared[Any], *args: Any) -> int:
    """A prepared `counted()` query's count."""
    rows = prepared.rows(*args)
    return int(rows[0][0]) if rows else 0


def client_admin(reach: Reach, now: datetime) -> dict[str, Any]:
    today = local_date(now)
    client_ids = reach.admin_client_ids
    clients = _CLIENTS.objects(client_ids)
    accepted = set(_ACCEPTED.rows(client_ids))
    to_accept = [
        (terms, client)
        for terms in _PUBLISHED_TERMS.objects({c.provider_id for c in clients})
        for client in clients
        if client.provider_id == terms.provider_id and (terms.pk, client.pk) not in accepted
    ]
    subscriptions = _LIVE_SUBSCRIPTIONS.objects(client_ids)
    subscribed = {s.client_id for s in subscriptions}
    upcoming = [
        s for s in subscriptions if s.status == SubscriptionStatus.ACTIVE and s.billed_until
    ]
    return {
        "clients": clients,
        "to_accept": to_accept,
        "open": _open_invoices("client_id", client_ids, today),
        "year_total": _year_total("client_id", client_ids, today),
        "year": today.year,
        "subscriptions": subscriptions,
        "next_subscription": upcoming[0] if upcoming else None,
        "without_mandate": [c for c in clients if c.pk in subscribed and not c.has_mandate],
    }


_MEMBER_CLIENTS = Prepared(
    lambda ids: (
        ClientOrganisation.objects.filter(pk__in=ids)
        .annotate(invoice_count=Count("invoices", distinct=True))
        .order_by("legal_name")
    ),
    INTS,
)
_CLIENT_ADMINS = Prepared(
    lambda ids: (
        Membership.objects.filter(client_id__in=ids, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person")
    ),
    INTS,
)


def collaborator(reach: Reach, person: Person) -> dict[str, Any]:
    client_ids = reach.member_client_ids
    clients = _MEMBER_CLIENTS.objects(client_ids)
    admins: dict[int, list[Person]] = {}
    for membership in _CLIENT_ADMINS.objects(client_ids):
        if membership.client_id is not None:
            admins.setdefault(membership.client_id, []).append(membership.person)
    for client in clients:
        client.admins = admins.get(client.pk, [])  # type: ignore[attr-defined]
    return {"clients": clients}


def staff(reach: Reach, now: datetime) -> dict[str, Any]:
    today = local_date(now)
    result: dict[str, Any] = {"owner": None, "accountant": None}
    owned = reach.owner_provider_ids
    if owned:
        result["owner"] = {
            "year": today.year,
            "revenue": _year_total("provider_id", owned, today),
            "open": _open_invoices("provider_id", owned, today, shown_count=0),
            "clients": _total(_CLIENT_COUNT, owned),
            "active_subscriptions": _total(_ACTIVE_SUBSCRIPTION_COUNT, owned),
        }
    billing_ids = billing_provider_ids(reach)
    if billing_ids:
        debits = dict(_DEBIT_COUNTS.rows(billing_ids))
        result["accountant"] = {
            "to_issue": _total(_TO_ISSUE_COUNT, billing_ids, today),
            "to_match": debits.get(DebitStatus.EXPORTED, 0),
            "rejected": _REJECTED_DEBITS.objects(billing_ids)
            if debits.get(DebitStatus.REJECTED)
            else [],
            "open": (
                result["owner"]["open"]
                if result["owner"] is not None and billing_ids == owned
                else _open_invoices("provider_id", billing_ids, today, shown_count=0)
            ),
        }
    return result

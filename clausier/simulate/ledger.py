"""The simulator's books: subscription events run through the billing services.

`subscription_started`, `first_invoice_paid`, `price_increase_announced`,
`termination_notice` and `debit_rejected` also subscribe, pay, announce, terminate and
reject through `clausier.billing` — the same code as
production — on the throwaway transaction the command rolls back. After each event the
daily billing run is replayed up to the event's day, and every invoice or credit note
issued is reported (kinds `invoice` and `credit_note`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from clausier.accounts.models import (
    ClientOrganisation,
    Membership,
    Person,
    Provider,
    Role,
)
from clausier.billing import services as billing
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import Alignment, Invoice, PaymentMethod, Plan, Subscription
from clausier.billing.subscriptions import price_changes
from clausier.billing.subscriptions.acceleration import accelerate_after_rejection
from clausier.billing.termination import terminate
from clausier.coaching.models import PlanDelivery
from clausier.core.clauses import ClauseRef
from clausier.simulate.context import Context
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, amount, instant, percent
from clausier.terms import services as terms_services

PERIODICITIES = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "half_yearly": "semiannual",
    "yearly": "annual",
}


@dataclass
class Books:
    provider: Provider
    client: ClientOrganisation
    owner: Person
    admin: Person
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    # Every document with a greater primary key is still to report: keys only grow, and
    # a growing `pk NOT IN (...)` list made each report slower than the last.
    reported_up_to: int = 0


def books_of(context: Context) -> Books:
    """The simulation's provider, client and subscriptions (for the session handlers)."""
    return _open_books(context)


def _open_books(context: Context) -> Books:
    """A provider, a client and its admin, and accepted terms, made on the throwaway database."""
    existing = getattr(context, "_books", None)
    if existing is not None:
        return existing
    now = context.now
    slug = f"simulation-{int(now.timestamp())}"
    # Scenarios run one after the other on one database (a test) may start at the same
    # instant: each keeps books of its own.
    taken = set(Provider.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    slug = next(
        s for s in (slug, *(f"{slug}-{n}" for n in range(2, len(taken) + 2))) if s not in taken
    )
    provider = Provider.objects.create(
        slug=slug,
        legal_name="Simulation SAS",
        service_line=context.scenario.service_line,
        siren="812345676",
        siret="81234567600017",
        vat_number="FR19812345676",
        address_line1="1 rue de la Paix",
        postal_code="75002",
        city="Paris",
        contact_email="contact@simulation.example",
        support_email="support@simulation.example",
        iban="FR7630006000011234567890189",
        holiday_country=context.scenario.seat.country,
        holiday_subdivision=context.scenario.seat.subdivision or "",
    )
    client = ClientOrganisation.objects.create(
        provider=provider,
        legal_name="Client simulé",
        address_line1="3 place du Marché",
        postal_code="69002",
        city="Lyon",
    )
    owner = Person.objects.create(email=f"owner@{provider.slug}.example")
    admin = Person.objects.create(email=f"admin@{provider.slug}.example")
    Membership.objects.create(person=owner, provider=provider, role=Role.OWNER)
    terms = terms_services.create_draft(
        now=now,
        actor=owner,
        provider=provider,
        service_line=context.scenario.service_line,
        version="simulation",
        pack_version=context.pack.version,
        text_fr="CGV (simulation)",
    )
    terms_services.publish(now=now, actor=owner, terms=terms)
    # The client's admin joins after publication: nobody to e-mail the new terms to, so
    # the simulation neither writes that message nor loads the URLconf for its link.
    Membership.objects.create(
        person=admin, provider=provider, client=client, role=Role.CLIENT_ADMIN
    )
    first, _text = terms_services.review(
        now=now, person=admin, client=client, terms=terms, language="fr"
    )
    terms_services.accept(
        now=now, person=admin, client=client, terms=terms, review_token=first.sign()
    )
    books = Books(provider, client, owner, admin)
    context._books = books  # type: ignore[attr-defined]
    return books


def _report(context: Context, books: Books, at: datetime | None = None) -> None:
    """Emit every invoice or credit note issued since the last report, in number order."""
    fresh = (
        Invoice.objects.filter(provider=books.provider)
        .filter(pk__gt=books.reported_up_to)
        .prefetch_related("lines")
        .order_by("series", "number")
    )
    refs = {s.pk: ref for ref, s in books.subscriptions.items()}
    for invoice in fresh:
        books.reported_up_to = max(books.reported_up_to, invoice.pk)
        lines = list(invoice.lines.all())
        ref = next(
            (refs[line.subscription_id] for line in lines if line.subscription_id in refs), ""
        )
        clause_text = next((line.clause for line in lines if line.clause), "")
        fields: dict[str, JsonValue] = {
            "number": invoice.display_number,
            "issued_at": instant(invoice.issued_at, context.scenario.zone),
            "due_on": invoice.due_on.isoformat(),
            "lines": [
                {
                    "description": line.description,
                    "quantity": str(line.quantity.normalize()),
                    "unit_price_ht": amount(line.unit_price_ht),
                    "vat_rate": percent(line.vat_rate),
                    "total_ht": amount(line.total_ht),
                    "clause": line.clause.split(" — ")[0],
                }
                for line in lines
            ],
            "total_ht": amount(invoice.total_ht),
            "vat": amount(invoice.total_vat),
            "total_ttc": amount(invoice.total_ttc),
        }
        if invoice.corrects_id:
            fields["corrects"] = invoice.corrects.display_number if invoice.corrects else None
        # The clause of the line that produced it, as the invoice shows it.
        clause = (
            ClauseRef("law", clause_text.split(" — ")[0]) if clause_text else ClauseRef("law", "")
        )
        context.emit(invoice.kind, ref, clause, fields, at=at)


def _run_billing(context: Context, books: Books) -> None:
    """Replay the daily billing run between events: each period billed on its first day."""
    ids = [s.pk for s in books.subscriptions.values()]
    today = local_date(context.now)
    previous_day = None
    while True:
        next_day = (
            billing.due_subscriptions(today)
            .filter(pk__in=ids)
            .order_by("billed_until")
            .values_list("billed_until", flat=True)
            .first()
        )
        if next_day is None:
            return
        # That morning's run, at 06:00 in the scenario's time zone.
        run_at = min(datetime.combine(next_day, time(6), tzinfo=context.scenario.zone), context.now)
        if billing.bill_due(now=run_at, until=next_day, subscription_ids=ids):
            _report(context, books, at=run_at)
        elif next_day == previous_day:
            return  # nothing billable is left that day: never go round on it forever
        previous_day = next_day


def after_event(context: Context, event: Event) -> None:
    # The books' events belong to the coaching contract: the loader refuses them in a
    # scenario of another service line (`EVENT_TYPES[...].lines`), so the type decides.
    if event.type not in STEPS:
        return
    books = _open_books(context)
    _run_billing(context, books)  # the days between events were billed by the daily run
    STEPS[event.type](context, event, books)
    _report(context, books)


def _subscribe(context: Context, event: Event, books: Books) -> None:
    plan = Plan.objects.create(
        provider=books.provider,
        service_line=context.scenario.service_line,
        code=f"plan-{event.id}",
        name=f"Formule {event.id}",
        price_ht=event.decimal("instalment_ht"),
        vat_rate=Decimal("20.00"),
        periodicity=PERIODICITIES[event.text("periodicity")],
        alignment=Alignment.ANNIVERSARY,
        commitment_months=12,
        session_allowance=event.count("sessions"),
    )
    group = event.count("group_size") or 1
    if group > 1:
        PlanDelivery.objects.create(plan=plan, max_participants=group)
    books.subscriptions[event.id] = billing.subscribe(
        now=context.now, actor=books.admin, client=books.client, plan=plan
    )


def _pay_first_invoice(context: Context, event: Event, books: Books) -> None:
    subscription = books.subscriptions[event.text("subscription")]
    first = Invoice.objects.filter(lines__subscription=subscription).order_by("number").first()
    assert first is not None
    billing.record_payment(
        now=context.now,
        invoice=first,
        amount=first.total_ttc,
        method=PaymentMethod.TRANSFER,
        reference=f"{event.line}",
    )
    subscription.refresh_from_db()


def _terminate(context: Context, event: Event, books: Books) -> None:
    subscription = books.subscriptions[event.text("subscription")]
    subscription.refresh_from_db()
    terminate(now=context.now, actor=books.admin, subscription=subscription)


def _announce_increase(context: Context, event: Event, books: Books) -> None:
    subscription = books.subscriptions[event.text("subscription")]
    subscription.refresh_from_db()
    # Too short a notice is refused by the service: the rule's result already says so.
    with contextlib.suppress(BillingError):
        price_changes.announce(
            now=context.now,
            actor=books.owner,
            subscription=subscription,
            new_price_ht=event.decimal("new_instalment_ht"),
            applies_from=event.day("applies_from"),
        )


def _reject(context: Context, event: Event, books: Books) -> None:
    subscription = books.subscriptions[event.text("subscription")]
    today = local_date(context.now)
    rejected = (
        Invoice.objects.filter(lines__subscription=subscription, lines__period_start__lte=today)
        .order_by("-lines__period_start")
        .first()
    )
    if rejected is not None:
        accelerate_after_rejection(now=context.now, invoice=rejected)


STEPS: dict[str, Any] = {
    "subscription_started": _subscribe,
    "first_invoice_paid": _pay_first_invoice,
    "price_increase_announced": _announce_increase,
    "termination_notice": _terminate,
    "debit_rejected": _reject,
}


def finish(context: Context) -> None:
    books = getattr(context, "_books", None)
    if books is not None:
        _run_billing(context, books)
        _report(context, books)

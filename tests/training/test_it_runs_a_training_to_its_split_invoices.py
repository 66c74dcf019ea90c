"""From the quote to the two invoices (coaching art. 8.1.1, 8.1.2, 8.2.4, 10.2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.billing.models import Invoice, InvoiceKind
from clausier.training import services
from clausier.training.errors import HoursMismatch, TrainingError
from clausier.training.models import Payment, Presence, QuoteStatus, Signature
from tests.training.world import AFTER, FIRST_START, ORDERED, PARIS, run_training, training_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return training_world()


def quote_of(w, *people):
    return services.create_quote(
        now=ORDERED,
        actor=w["admin"],
        session=w["session"],
        client=w["client"],
        participants=list(people) or [w["alice"], w["bob"]],
    )


def funded(w, quote, covered="3200.00", hours="30.00", received=ORDERED):
    request = services.request_funding(
        now=ORDERED,
        actor=w["admin"],
        quote=quote,
        funder=w["funder"],
        file_number="ATLAS-26-0042",
        amount_ht=Decimal(covered),
    )
    return services.record_agreement(
        now=max(received, ORDERED),
        actor=w["owner"],
        request=request,
        reference="ACC-0042",
        covered_ht=Decimal(covered),
        covered_hours=Decimal(hours),
        received_at=received,
    )


def complete_modules(w, quote, *people):
    for enrolment in quote.enrolments.all():
        if enrolment.participant in people:
            services.record_module_progress(
                now=ORDERED,
                actor=enrolment.participant,
                enrolment=enrolment,
                module=w["module"],
                minutes=65,
                completed=True,
            )


def test_a_quote_prices_per_participant_and_freezes_its_list_at_the_first_slot(w):
    quote = quote_of(w, w["alice"])
    assert quote.price_ht == Decimal("1600.00")
    services.add_participant(
        now=FIRST_START - timedelta(seconds=1), actor=w["admin"], quote=quote, person=w["bob"]
    )
    quote.refresh_from_db()
    assert quote.price_ht == Decimal("3200.00")
    with pytest.raises(TrainingError) as refused:
        services.add_participant(now=FIRST_START, actor=w["admin"], quote=quote, person=w["owner"])
    assert refused.value.code == "participants_frozen"


def test_a_withdrawal_after_the_start_is_recorded_as_affecting_funding(w):
    quote = quote_of(w)
    funded(w, quote)
    bob = quote.enrolments.get(participant=w["bob"])
    services.withdraw_participant(
        now=FIRST_START + timedelta(hours=1), actor=w["admin"], enrolment=bob
    )
    bob.refresh_from_db()
    quote.refresh_from_db()
    assert bob.affects_funding and quote.price_ht == Decimal("3200.00")


def test_only_people_of_the_client_are_enrolled(w):
    with pytest.raises(TrainingError):
        quote_of(w, w["coach"])


@pytest.mark.parametrize(
    ("requested", "billed"),
    [
        (datetime(2026, 2, 9, 23, 59, tzinfo=PARIS), False),  # exactly one month before
        (datetime(2026, 2, 10, 0, 0, tzinfo=PARIS), True),  # the day after
    ],
)
def test_the_client_cancels_free_until_one_month_before(w, requested, billed):
    quote = quote_of(w)
    services.cancel_by_client(now=requested, actor=w["admin"], quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CANCELLED and quote.cancellation_billed is billed
    assert (quote.client_invoice is not None) is billed
    if billed:
        assert quote.client_invoice.total_ht == Decimal("3200.00")
        assert quote.client_invoice.lines.get().clause == "Art. 10.2"


def test_the_provider_cancels_at_the_latest_seven_days_before_and_the_client_chooses(w):
    quote = quote_of(w)
    with pytest.raises(TrainingError) as late:
        services.cancel_by_provider(
            now=datetime(2026, 3, 3, 0, 0, tzinfo=PARIS), actor=w["owner"], session=w["session"]
        )
    assert late.value.code == "too_late_to_cancel"
    services.cancel_by_provider(
        now=datetime(2026, 3, 2, 23, 59, tzinfo=PARIS), actor=w["owner"], session=w["session"]
    )
    quote.refresh_from_db()
    services.choose_settlement(now=AFTER, actor=w["admin"], quote=quote, settlement="credit_note")
    quote.refresh_from_db()
    assert quote.settlement == "credit_note"


@pytest.mark.parametrize(("price", "allowed"), [("2999.99", False), ("3000.00", True)])
def test_subrogation_needs_a_quote_of_3000_euros(price, allowed):
    w = training_world(price=price, pricing="per_group")
    quote = quote_of(w)
    call = lambda: services.request_funding(  # noqa: E731
        now=ORDERED,
        actor=w["admin"],
        quote=quote,
        funder=w["funder"],
        file_number="F-1",
        amount_ht=Decimal(price),
    )
    if allowed:
        assert call().quote.payment == Payment.FUNDER
    else:
        with pytest.raises(TrainingError) as refused:
            call()
        assert refused.value.code == "below_subrogation_minimum"


def test_an_agreement_received_the_day_before_splits_the_billing(w):
    quote = quote_of(w)
    funded(w, quote, received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    # Fully covered, fully attended: one invoice, to the OPCO.
    (opco,) = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert opco.funder == w["funder"] and opco.total_ht == Decimal("3200.00")
    assert opco.funding_reference == "ACC-0042"


def test_an_agreement_received_at_the_start_bills_everything_to_the_client_on_day_one(w):
    quote = quote_of(w)
    funded(w, quote, received=FIRST_START)
    invoice = services.bill_first_day(now=FIRST_START, quote=quote)
    assert invoice is not None and invoice.funder is None
    assert invoice.total_ht == Decimal("3200.00") and invoice.lines.get().clause == "Art. 8.2.4"
    assert services.bill_first_days(FIRST_START + timedelta(hours=1)) == 0  # once


def test_absences_partial_presence_and_missing_elearning_go_to_the_client(w):
    quote = quote_of(w)
    funded(w, quote, covered="3000.00", received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"])  # Bob skips the 1 h module
    run_training(
        w,
        quote,
        {
            w["alice"]: {1: (Presence.ABSENT, None)},  # one afternoon: 3.5 h
            w["bob"]: {2: (Presence.PARTIAL, 120)},  # 2 h of a 3.5 h morning: 1.5 h missed
        },
    )
    opco, client = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    # Planned 30 h, done 30 - 3.5 - 1.5 - 1 = 24 h; OPCO 3000 x 24 / 30 = 2400.
    assert opco.total_ht == Decimal("2400.00")
    assert "24,00 h" in opco.lines.get().description
    lines = {line.clause: line for line in client.lines.all()}
    assert lines["Art. 8.2.4"].total_ht == Decimal("200.00")  # partial coverage
    assert lines["Art. 8.1.2"].total_ht == Decimal("600.00")  # 6 h not done
    assert opco.total_ht + client.total_ht == quote.price_ht


def test_a_training_paid_by_the_client_is_billed_in_full_whatever_the_attendance(w):
    quote = quote_of(w)
    run_training(w, quote, {w["alice"]: {0: (Presence.ABSENT, None), 1: (Presence.EXCUSED, None)}})
    (invoice,) = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert invoice.funder is None and invoice.total_ht == Decimal("3200.00")
    assert invoice.lines.get().clause == "Art. 8.1.1"


def test_the_funders_non_payment_falls_back_to_the_client(w):
    quote = quote_of(w)
    request = funded(w, quote, received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    fallback = services.funder_non_payment(
        now=AFTER + timedelta(days=60), actor=w["accountant"], request=request
    )
    assert fallback.funder is None and fallback.total_ht == Decimal("3200.00")
    credit = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert credit.corrects == quote.funder_invoice and credit.funder == w["funder"]


def test_agreement_hours_that_differ_from_the_plan_block_the_billing(w):
    quote = quote_of(w)
    funded(w, quote, hours="28.00", received=FIRST_START - timedelta(days=1))
    run_training(w, quote)
    with pytest.raises(HoursMismatch) as blocked:
        services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert "28.00" in str(blocked.value) and "30.00" in str(blocked.value)
    assert not Invoice.objects.exists()


def test_a_half_day_not_validated_blocks_the_billing(w):
    quote = quote_of(w)
    with pytest.raises(HoursMismatch) as blocked:
        services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert blocked.value.code == "half_day_not_validated"


def test_signatures_are_chained_and_a_tampered_one_is_found(w):
    quote = quote_of(w)
    run_training(w, quote)
    session = w["session"]
    assert services.verify_chain(session) == []
    assert Signature.objects.filter(session=session).count() == 4 * 3
    first = Signature.objects.filter(session=session).order_by("pk").first()
    assert first.ip == "192.0.2.7" and first.statement["slot"]["half"] == "am"
    Signature.objects.filter(pk=first.pk).update(statement={**first.statement, "ip": "203.0.113.9"})
    assert services.verify_chain(session) == [first.pk]


def test_a_presence_must_be_signed_and_only_the_trainer_validates(w):
    quote = quote_of(w)
    slot = w["session"].slots.order_by("starts_at").first()
    alice = quote.enrolments.get(participant=w["alice"])
    with pytest.raises(NotAllowed):
        services.validate_half_day(now=slot.ends_at, actor=w["owner"], slot=slot, ip=None)
    services.mark_attendance(actor=w["coach"], slot=slot, enrolment=alice, status="present")
    with pytest.raises(TrainingError) as unsigned:
        services.validate_half_day(now=slot.ends_at, actor=w["coach"], slot=slot, ip=None)
    assert unsigned.value.code == "unsigned_presence"
    with pytest.raises(TrainingError):
        services.sign_half_day(
            now=slot.starts_at - timedelta(minutes=1), actor=w["alice"], slot=slot, ip=None
        )


def test_both_invoices_carry_valid_facturx_and_pdfs(w):
    from clausier.billing.invoicing.documents import build_facturx_xml, render_invoice_pdf
    from clausier.billing.invoicing.documents.facturx_xml import check_xsd

    quote = quote_of(w)
    funded(w, quote, covered="3000.00", received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"])
    run_training(w, quote)
    opco, client = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    for invoice in (opco, client):
        xml = build_facturx_xml(invoice)
        check_xsd(xml)
        assert render_invoice_pdf(invoice, "fr").startswith(b"%PDF")
    assert b"ACC-0042" in build_facturx_xml(opco)
    assert b"OPCO Atlas" in build_facturx_xml(opco)


def test_a_quote_whose_participants_all_withdrew_is_not_billed_but_refused(w):
    quote = quote_of(w, w["alice"])
    alice = quote.enrolments.get()
    services.withdraw_participant(now=ORDERED, actor=w["admin"], enrolment=alice)
    quote.refresh_from_db()
    assert quote.price_ht == Decimal("0.00")
    for slot in w["session"].slots.all():
        services.validate_half_day(now=slot.ends_at, actor=w["coach"], slot=slot, ip=None)
    with pytest.raises(TrainingError) as refused:
        services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert refused.value.code == "no_participant"
    assert services.bill_first_days(AFTER) == 0

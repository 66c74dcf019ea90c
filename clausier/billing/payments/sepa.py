"""SEPA Core direct debit: mandates, pain.008 collection files, pain.002 status reports.

Coaching art. 8.2.1 lets clients pay "par prélèvement SEPA sur RIB/IBAN". The provider
collects with its own creditor identifier (ICS, `CreditorSettings`): every issued invoice
with a balance due and an active mandate is presented once (`DirectDebit`, end-to-end id =
invoice number). The bank's status report (pain.002) marks debits rejected; a rejected
coaching instalment makes the rest of the 12-month period due (art. 9.1.3, see
`billing.subscriptions.acceleration`). A debit that is settled records its payment (method "sepa").
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree
from sepaxml import SepaDD
from sepaxml.validation import ValidationError as SepaValidationError
from sepaxml.validation import try_valid_xml

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.billing import notices
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.balances import balance_due
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import (
    CreditorSettings,
    DebitCollection,
    DebitStatus,
    DirectDebit,
    Invoice,
    InvoiceKind,
    Mandate,
    MandateStatus,
    Payment,
    SequenceType,
)
from clausier.billing.payments.recording import record_payment
from clausier.billing.payments.reminders import resume_reminding
from clausier.billing.subscriptions import acceleration
from clausier.core import audit
from clausier.core.money import to_cents
from clausier.terms.zone import contract_zone

SCHEMA = "pain.008.001.02"
METHOD = "sepa"
RETURN_METHOD = "sepa-return"
# Reasons saying the mandate itself is dead: no further debit on it (EPC R-codes).
MANDATE_ENDING_CODES = {"AC01", "AC04", "AC06", "AG01", "MD01", "MD07"}
# Days after the collection date without a rejection after which a debit counts as paid.
DEFAULT_SETTLEMENT_DAYS = 5


class NothingToCollect(BillingError):
    code = "nothing_to_collect"


class MalformedReport(BillingError):
    code = "malformed_report"


# -- Mandates ---------------------------------------------------------------------------


def create_mandate(
    *,
    now: datetime,
    client: ClientOrganisation,
    reference: str,
    iban: str,
    signed_on: date,
    debtor_name: str = "",
    bic: str = "",
    actor: Any = None,
) -> Mandate:
    """Record a signed mandate; the IBAN (and BIC) are checked, the RUM is unique."""
    reference = reference.strip()
    if Mandate.objects.filter(provider_id=client.provider_id, reference=reference).exists():
        raise BillingError(
            _("La référence de mandat %(rum)s est déjà utilisée.") % {"rum": reference},
            "duplicate_mandate",
        )
    mandate = Mandate(
        provider_id=client.provider_id,
        client=client,
        reference=reference,
        debtor_name=(debtor_name or client.legal_name)[:70],
        iban=iban,
        bic=bic,
        signed_on=signed_on,
        created_at=now,
    )
    try:
        mandate.full_clean()
    except ValidationError as exc:
        raise BillingError("; ".join(exc.messages), "invalid_mandate") from None
    mandate.save()
    audit.record(
        "sepa.mandate.created",
        mandate,
        actor=actor,
        provider=client.provider,
        client=client,
        details={"reference": reference},
    )
    return mandate


def revoke_mandate(*, now: datetime, mandate: Mandate, reason: str, actor: Any = None) -> bool:
    """Revoke a mandate once; returns False when it already was."""
    revoked = Mandate.objects.filter(pk=mandate.pk, status=MandateStatus.ACTIVE).update(
        status=MandateStatus.REVOKED, revoked_at=now, revocation_reason=reason[:200]
    )
    if revoked:
        mandate.refresh_from_db()
        audit.record(
            "sepa.mandate.revoked",
            mandate,
            actor=actor,
            provider=mandate.provider,
            client=mandate.client,
            details={"reason": reason},
        )
    return bool(revoked)


def active_mandate(client: ClientOrganisation) -> Mandate | None:
    return (
        Mandate.objects.filter(client=client, status=MandateStatus.ACTIVE)
        .order_by("-signed_on", "-pk")
        .first()
    )


# -- Collection file (pain.008) ---------------------------------------------------------


def _creditor(provider: Provider) -> tuple[str, str, str]:
    try:
        creditor = provider.sepa_creditor
    except CreditorSettings.DoesNotExist:
        raise BillingError(
            _("Renseignez l'identifiant créancier SEPA (ICS) du prestataire."), "no_creditor_id"
        ) from None
    iban = creditor.iban or provider.iban
    bic = creditor.bic or provider.bic
    if not bic:
        # pain.008.001.02 requires the creditor agent's BIC.
        raise BillingError(_("Renseignez le BIC du compte de remise."), "no_creditor_bic")
    return creditor.creditor_id, iban, bic


def _collectable(provider: Provider, due_until: date) -> list[tuple[Invoice, Mandate, Decimal]]:
    invoices = (
        Invoice.objects.filter(
            provider=provider,
            kind=InvoiceKind.INVOICE,
            due_on__lte=due_until,
            direct_debits__isnull=True,
            # The client's mandate never pays what a funder owes (coaching art. 8.2.4).
            funder__isnull=True,
            client__sepa_mandates__status=MandateStatus.ACTIVE,
        )
        .distinct()
        .select_related("client")
        .order_by("due_on", "series", "number")
    )
    found = []
    for invoice in invoices:
        mandate = active_mandate(invoice.client)
        amount = balance_due(invoice)
        if mandate is not None and amount > 0:
            found.append((invoice, mandate, amount))
    return found


def _paris(at: datetime) -> datetime:
    return at.astimezone(contract_zone())


def _build_xml(
    provider: Provider,
    message_id: str,
    now: datetime,
    debits: list[tuple[Invoice, Mandate, Decimal, date, str]],
) -> bytes:
    creditor_id, iban, bic = _creditor(provider)
    sepa = SepaDD(
        {
            "name": provider.legal_name,
            "IBAN": iban,
            "BIC": bic,
            "batch": True,
            "creditor_id": creditor_id,
            "currency": "EUR",
        },
        schema=SCHEMA,
    )
    for invoice, mandate, amount, collection_date, sequence_type in debits:
        payment: dict[str, Any] = {
            "name": mandate.debtor_name,
            "IBAN": mandate.iban,
            "amount": int(to_cents(amount) * 100),
            "type": sequence_type,
            "collection_date": collection_date,
            "mandate_id": mandate.reference,
            "mandate_date": mandate.signed_on,
            "description": _("Facture %(number)s") % {"number": invoice.display_number},
            "endtoend_id": invoice.display_number,
        }
        if mandate.bic:
            payment["BIC"] = mandate.bic
        sepa.add_payment(payment)
    raw = sepa.export(validate=False)
    return _stamp(raw, message_id, now)


def _stamp(raw: bytes, message_id: str, now: datetime) -> bytes:
    """Replace sepaxml's random ids and wall-clock time by ours, then validate."""
    namespace = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
    ns = {"p": namespace}
    ET.register_namespace("", namespace)
    root = ET.fromstring(raw)  # noqa: S314 — our own output, not foreign input
    header = root.find("p:CstmrDrctDbtInitn/p:GrpHdr", ns)
    assert header is not None
    header.find("p:MsgId", ns).text = message_id  # type: ignore[union-attr]
    header.find("p:CreDtTm", ns).text = _paris(now).strftime("%Y-%m-%dT%H:%M:%S")  # type: ignore[union-attr]
    for info in root.iterfind("p:CstmrDrctDbtInitn/p:PmtInf", ns):
        sequence = info.findtext("p:PmtTpInf/p:SeqTp", "", ns)
        when = info.findtext("p:ReqdColltnDt", "", ns).replace("-", "")
        info.find("p:PmtInfId", ns).text = f"{message_id}-{sequence}-{when}"[:35]  # type: ignore[union-attr]
    out = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8")
    try:
        try_valid_xml(out, SCHEMA)
    except SepaValidationError as exc:
        raise BillingError(
            _("Le fichier de prélèvements ne respecte pas le schéma %(schema)s : %(error)s")
            % {"schema": SCHEMA, "error": exc.__cause__ or exc},
            "invalid_pain008",
        ) from exc
    return out


def collection_date_for(invoice: Invoice, now: datetime) -> date:
    # SEPA Core: the file reaches the bank at least one day before the collection date.
    return max(invoice.due_on, local_date(now) + timedelta(days=1))


def export_pain008(provider: Provider, due_until: date, now: datetime) -> bytes:
    """Present every issued invoice due by `due_until` with a balance and an active mandate.

    Each invoice is presented once: run again, only invoices not yet presented appear;
    with none, `NothingToCollect`. The file is kept (`DebitCollection.xml`).
    """
    _creditor(provider)
    with transaction.atomic():
        found = _collectable(provider, due_until)
        if not found:
            raise NothingToCollect(_("Aucune facture à prélever."))
        sequence_by_mandate: dict[int, str] = {}
        debits = []
        for invoice, mandate, amount in found:
            sequence = sequence_by_mandate.setdefault(mandate.pk, mandate.sequence_type)
            debits.append((invoice, mandate, amount, collection_date_for(invoice, now), sequence))
        count = DebitCollection.objects.filter(provider=provider).count()
        message_id = f"CLZ{provider.pk}-{_paris(now):%Y%m%d%H%M%S}-{count + 1}"[:35]
        xml = _build_xml(provider, message_id, now, debits)
        collection = DebitCollection.objects.create(
            provider=provider,
            message_id=message_id,
            created_at=now,
            due_until=due_until,
            transactions=len(debits),
            total=sum((amount for _i, _m, amount, _d, _s in debits), Decimal("0.00")),
            xml=xml.decode(),
        )
        DirectDebit.objects.bulk_create(
            DirectDebit(
                provider=provider,
                invoice=invoice,
                mandate=mandate,
                collection=collection,
                channel=METHOD,
                end_to_end_id=invoice.display_number,
                amount=amount,
                sequence_type=sequence,
                collection_date=collection_date,
                exported_at=now,
            )
            for invoice, mandate, amount, collection_date, sequence in debits
        )
        # After a first presentation, the mandate's next debits are recurrent.
        Mandate.objects.filter(pk__in=sequence_by_mandate).update(
            sequence_type=SequenceType.RECURRING
        )
        audit.record(
            "sepa.collection.exported",
            collection,
            provider=provider,
            details={"message_id": message_id, "transactions": len(debits)},
        )
    return xml


# -- Settlement and rejection -----------------------------------------------------------


def collect_debit(*, now: datetime, debit: DirectDebit, method: str = METHOD) -> Payment | None:
    """The debit was paid: record its payment once (reference = end-to-end id)."""
    with transaction.atomic():
        debit = DirectDebit.objects.select_for_update().get(pk=debit.pk)
        if debit.status == DebitStatus.REJECTED:
            return None
        # The bank took the money: a surplus (the client also paid otherwise) is
        # recorded and flagged for a refund, never left out.
        payment = record_payment(
            now=now,
            invoice=debit.invoice,
            amount=debit.amount,
            method=method,
            reference=debit.external_id or debit.end_to_end_id,
            overpayment=True,
        )
        if debit.status != DebitStatus.COLLECTED:
            DirectDebit.objects.filter(pk=debit.pk).update(
                status=DebitStatus.COLLECTED, settled_at=now
            )
    return payment


def settle_due_debits(
    *, provider: Provider, now: datetime, days: int = DEFAULT_SETTLEMENT_DAYS
) -> list[Payment]:
    """Debits presented in our files and not rejected `days` after their date are paid."""
    cutoff = local_date(now) - timedelta(days=days)
    due = DirectDebit.objects.filter(
        provider=provider,
        channel=METHOD,
        status=DebitStatus.EXPORTED,
        collection_date__lte=cutoff,
    ).order_by("pk")
    payments = [collect_debit(now=now, debit=debit) for debit in due]
    return [payment for payment in payments if payment is not None]


@dataclass
class Rejection:
    debit: DirectDebit
    accelerated: Invoice | None


def reject_debit(
    *,
    now: datetime,
    debit: DirectDebit,
    code: str,
    reason: str = "",
    accelerate: bool = True,
) -> Rejection | None:
    """Mark a debit rejected once; a paid one has its payment reversed.

    Returns None when the debit was already rejected (a replayed report). A coaching
    instalment triggers art. 9.1.3 §2 unless `accelerate` is False.
    """
    with transaction.atomic():
        debit = DirectDebit.objects.select_for_update().select_related("invoice").get(pk=debit.pk)
        if debit.status == DebitStatus.REJECTED:
            return None
        was_collected = debit.status == DebitStatus.COLLECTED
        DirectDebit.objects.filter(pk=debit.pk).update(
            status=DebitStatus.REJECTED,
            settled_at=now,
            reason_code=code[:35],
            reason=reason[:300],
        )
        debit.refresh_from_db()
        if was_collected:
            _reverse_payment(now, debit)
        _after_rejection(now, debit, code)
        audit.record(
            "sepa.debit.rejected",
            debit,
            provider=debit.invoice.provider,
            client=debit.invoice.client,
            details={"invoice": debit.invoice.display_number, "code": code},
        )
        accelerated = (
            acceleration.accelerate_after_rejection(now=now, invoice=debit.invoice)
            if accelerate
            else None
        )
        notices.payment_failed(debit, code, accelerated, now)
    return Rejection(debit, accelerated)


def _reverse_payment(now: datetime, debit: DirectDebit) -> None:
    # A return after settlement (R-transaction): the money went back, the invoice is due.
    reversal, created = Payment.objects.get_or_create(
        provider_id=debit.provider_id,
        method=RETURN_METHOD,
        reference=debit.external_id or debit.end_to_end_id,
        defaults={"invoice": debit.invoice, "amount": -debit.amount, "received_at": now},
    )
    if created:
        resume_reminding(debit.invoice)
        audit.record(
            "payment.reversed",
            reversal,
            provider=debit.invoice.provider,
            client=debit.invoice.client,
            details={"invoice": debit.invoice.display_number, "amount": str(reversal.amount)},
        )


def _after_rejection(now: datetime, debit: DirectDebit, code: str) -> None:
    mandate = debit.mandate
    if mandate is None:
        return
    if code in MANDATE_ENDING_CODES:
        revoke_mandate(now=now, mandate=mandate, reason=_("Rejet %(code)s") % {"code": code})
    elif (
        debit.sequence_type == SequenceType.FIRST
        and not mandate.debits.filter(status=DebitStatus.COLLECTED).exists()
    ):
        # A first debit that failed leaves the mandate unused: the next one is FRST again.
        Mandate.objects.filter(pk=mandate.pk).update(sequence_type=SequenceType.FIRST)


# -- Status reports (pain.002, CSV) -----------------------------------------------------


@dataclass(frozen=True)
class StatusLine:
    end_to_end_id: str
    status: str  # RJCT, ACSC, ACCP, PDNG…
    reason_code: str = ""
    reason: str = ""


@dataclass
class ImportReport:
    rejected: list[DirectDebit] = field(default_factory=list)
    collected: list[DirectDebit] = field(default_factory=list)
    accelerated: list[Invoice] = field(default_factory=list)
    already_done: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(node: Any, *path: str) -> Any:
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node: Any, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _children(node: Any, name: str) -> list[Any]:
    return [c for c in node if _local(c.tag) == name]


def _reason(node: Any) -> tuple[str, str]:
    info = _child(node, "StsRsnInf")
    if info is None:
        return "", ""
    code = _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
    return code, " ".join(_text(i) for i in _children(info, "AddtlInf"))


def parse_pain002(text: str | bytes) -> tuple[list[StatusLine], list[tuple[str, str, str]]]:
    """Transaction statuses, and whole groups or batches rejected (msg id, batch id, code)."""
    raw = text.encode() if isinstance(text, str) else text
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedReport(
            _("Le compte rendu n'est pas un XML lisible : %(error)s") % {"error": exc}
        ) from None
    report = _child(root, "CstmrPmtStsRpt")
    if _local(root.tag) != "Document" or report is None:
        raise MalformedReport(_("Ce fichier n'est pas un compte rendu pain.002."))
    lines: list[StatusLine] = []
    wholesale: list[tuple[str, str, str]] = []
    group = _child(report, "OrgnlGrpInfAndSts")
    message_id = _text(group, "OrgnlMsgId")
    if _text(group, "GrpSts") == "RJCT":
        wholesale.append((message_id, "", _reason(group)[0]))
    for batch in _children(report, "OrgnlPmtInfAndSts"):
        if _text(batch, "PmtInfSts") == "RJCT" and not _children(batch, "TxInfAndSts"):
            wholesale.append((message_id, _text(batch, "OrgnlPmtInfId"), _reason(batch)[0]))
        for tx in _children(batch, "TxInfAndSts"):
            code, reason = _reason(tx)
            status = _text(tx, "TxSts") or _text(batch, "PmtInfSts")
            lines.append(StatusLine(_text(tx, "OrgnlEndToEndId"), status, code, reason))
    return lines, wholesale


def parse_csv(text: str) -> list[StatusLine]:
    """A simple bank export: end_to_end_id;status;reason_code[;reason] with a header."""
    header, _newline, _rest = text.partition("\n")
    # The header names the delimiter; sniffing the data guessed wrong on short files.
    delimiter = max(",;\t", key=header.count)
    try:
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise MalformedReport(_("Le CSV est illisible : %(error)s") % {"error": exc}) from None
    if not rows or "end_to_end_id" not in rows[0] or "status" not in rows[0]:
        raise MalformedReport(
            _("Le CSV doit avoir les colonnes end_to_end_id, status et reason_code.")
        )
    return [
        StatusLine(
            (row.get("end_to_end_id") or "").strip(),
            (row.get("status") or "").strip().upper(),
            (row.get("reason_code") or "").strip(),
            (row.get("reason") or "").strip(),
        )
        for row in rows
    ]


def _wholesale_debits(provider: Provider, message_id: str, batch_id: str) -> Iterable[DirectDebit]:
    debits = DirectDebit.objects.filter(provider=provider, collection__message_id=message_id)
    for debit in debits.order_by("pk"):
        when = debit.collection_date.strftime("%Y%m%d") if debit.collection_date else ""
        if not batch_id or batch_id == f"{message_id}-{debit.sequence_type}-{when}"[:35]:
            yield debit


def import_rejections(provider: Provider, text: str | bytes, now: datetime) -> ImportReport:
    """Apply a bank status report: rejections (and settlements) of presented debits.

    Replaying the same report changes nothing; unknown references are listed, not lost.
    """
    is_xml = text.lstrip()[:1] in (b"<", "<")
    if is_xml:
        lines, wholesale = parse_pain002(text)
    else:
        decoded = text.decode("utf-8-sig") if isinstance(text, bytes) else text
        lines, wholesale = parse_csv(decoded), []
    report = ImportReport()
    for message_id, batch_id, code in wholesale:
        for presented in _wholesale_debits(provider, message_id, batch_id):
            _apply(report, now, presented, StatusLine(presented.end_to_end_id, "RJCT", code))
    for line in lines:
        debit = DirectDebit.objects.filter(
            provider=provider, end_to_end_id=line.end_to_end_id
        ).first()
        if debit is None:
            report.unknown.append(line.end_to_end_id)
            continue
        _apply(report, now, debit, line)
    return report


def _apply(report: ImportReport, now: datetime, debit: DirectDebit, line: StatusLine) -> None:
    if line.status == "RJCT":
        rejection = reject_debit(now=now, debit=debit, code=line.reason_code, reason=line.reason)
        if rejection is None:
            report.already_done.append(debit.end_to_end_id)
            return
        report.rejected.append(rejection.debit)
        if rejection.accelerated is not None:
            report.accelerated.append(rejection.accelerated)
    elif line.status == "ACSC":
        if debit.status != DebitStatus.EXPORTED:
            report.already_done.append(debit.end_to_end_id)
            return
        collect_debit(now=now, debit=debit)
        debit.refresh_from_db()
        report.collected.append(debit)
    else:
        report.ignored.append(debit.end_to_end_id)

"""Settling a quote with its evidence (coaching art. 8.2.4): the OPCO's invoice e-mail
carries the signed attendance sheets (feuilles d'émargement) of the half-days and the
certificates of realisation of the participants it bills, as PDF attachments read back
from the kept documents (each checked against its SHA-256).

Above `documents` and `services` (documents reads services' hours), so that neither has
to import the other: the portal's button and the API both call `settle` here.

An attendance sheet lists every participant of the half-day; in an inter-company
session, a sheet that names another client's trainees is not sent to this client's OPCO
(art. 23: their data are not disclosed to a third party): it is counted in the audit
entry (`sheets_withheld`) and stays available to staff.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clausier.billing.models import Invoice
from clausier.core import audit
from clausier.notify.services import Attachment
from clausier.training import documents, services
from clausier.training.models import (
    Attendance,
    FundingRequest,
    Quote,
    QuoteStatus,
    Slot,
)

PDF = "application/pdf"


def _own_sheet(quote: Quote, slot: Slot) -> bool:
    return not Attendance.objects.filter(slot=slot).exclude(enrolment__quote=quote).exists()


def evidence(*, now: datetime, quote: Quote) -> tuple[tuple[Attachment, ...], int]:
    """The sheets of the session's validated half-days and the billed participants'
    certificates (made now if missing), as attachments; and how many sheets were withheld."""
    enrolments = services.billed_enrolments(quote)
    certificates = [documents.certificate(now=now, enrolment=e) for e in enrolments]
    slots = list(quote.session.slots.filter(validated_at__isnull=False).order_by("starts_at"))
    sheets = [(slot, documents.attendance_sheet(now=now, slot=slot)) for slot in slots]
    own = [(slot, sheet) for slot, sheet in sheets if _own_sheet(quote, slot)]
    files = [
        Attachment(
            f"emargement-{slot.day.isoformat()}-{slot.half}.pdf",
            PDF,
            documents.stored_bytes(sheet),
        )
        for slot, sheet in own
    ] + [
        Attachment(
            f"certificat-realisation-{certificate.enrolment_id}.pdf",
            PDF,
            documents.stored_bytes(certificate),
        )
        for certificate in certificates
    ]
    return tuple(files), len(sheets) - len(own)


def settle(*, now: datetime, actor: Any, quote: Quote) -> list[Invoice]:
    """Certificates, then the split invoices; the OPCO's e-mail with its evidence."""
    services.require_billing_staff(actor, quote)
    funded = FundingRequest.objects.filter(quote=quote, agreement_received_at__isnull=False)
    if quote.status != QuoteStatus.ACCEPTED or not funded.exists():
        # Nothing goes to an OPCO (paid by the client, billed, or no agreement): the
        # certificates are still made for the participants, as before.
        if quote.status == QuoteStatus.ACCEPTED:
            for enrolment in services.billed_enrolments(quote):
                documents.certificate(now=now, enrolment=enrolment)
        return services.settle(now=now, actor=actor, quote=quote)
    files, withheld = evidence(now=now, quote=quote)
    invoices = services.settle(now=now, actor=actor, quote=quote, evidence=files)
    if quote.funder_invoice_id is not None:
        audit.record(
            "training.evidence_sent",
            quote,
            actor=actor,
            client=quote.client,
            details={
                "clause": "Art. 8.2.4",
                "files": [f.filename for f in files],
                "sheets_withheld": withheld,
            },
        )
    return invoices

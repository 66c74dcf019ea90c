"""Billing's background work as Celery tasks: inline without a broker, on a worker with one.

Tasks take primary keys and ISO dates, never model instances (pretix's habit), and each
is safe to run twice or on two workers at once: the billing run is idempotent per
period, documents are written once, reminder batches claim their rows.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from clausier.billing.invoicing.documents import storage
from clausier.billing.invoicing.documents.labels import DEFAULT_LANGUAGE
from clausier.billing.models import Invoice
from clausier.billing.payments.reminders import BATCH_SIZE, send_reminders
from clausier.billing.services import bill_due
from clausier.celery import app


def _instant(now: str | None) -> datetime:
    # Given by the dispatcher (the scheduler's clock, a test's) or, if not, the worker's.
    return datetime.fromisoformat(now) if now else timezone.now()


@app.task(name="clausier.billing.send_reminder_batches")
def send_reminder_batches(now: str | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Queue every reminder due at `now`, batch by batch; returns how many were queued."""
    return send_reminders(_instant(now), batch_size)


@app.task(name="clausier.billing.run")
def billing_run(until: str, now: str | None = None, batch_size: int = 500) -> list[int]:
    """What `clausier bill --until` does: issue everything due; returns the new invoices."""
    issued = bill_due(now=_instant(now), until=date.fromisoformat(until), batch_size=batch_size)
    return [invoice.pk for invoice in issued]


@app.task(name="clausier.billing.render_documents")
def render_documents(invoice_id: int, languages: list[str] | None = None) -> list[str]:
    """Generate and keep an invoice's Factur-X XML and PDFs; returns the files' names."""
    invoice = Invoice.objects.select_related("provider").get(pk=invoice_id)
    storage.stored_xml(invoice)
    names = [storage.xml_path(invoice).name]
    for language in languages or [DEFAULT_LANGUAGE]:
        storage.stored_pdf(invoice, language)
        names.append(storage.pdf_path(invoice, language).name)
    return names


def dispatch_reminders(now: datetime) -> object:
    """The scheduler's hourly job: hand the reminders to a worker (or run them inline)."""
    return send_reminder_batches.delay(now.isoformat())


__all__ = ["billing_run", "dispatch_reminders", "render_documents"]

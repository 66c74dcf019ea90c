"""How many invoice documents (PDF/A-3b with Factur-X XML) one process renders per second.

    from clausier.billing.invoicing.documents.bench import bench_documents
    bench_documents(20)  # -> documents per second

No database: the documents are built in memory from a realistic invoice (a quarterly
managed-hosting line with its clause, a set-up fee, an SLA credit, a training at the
reduced VAT rate), in turn in French, German and English, and every fourth one is a
credit note. Each document goes through the whole path: HTML template, WeasyPrint,
CII XML, XSD check, factur-x embedding.

The rate is per core: documents divided by the CPU time of this process
(`time.process_time`), so other work on a shared machine does not lower it the way it
lowers a wall-clock rate.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import django
from django.apps import apps

if TYPE_CHECKING:
    from clausier.billing.invoicing.documents.data import InvoiceDocument


def _setup_django() -> None:
    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
        django.setup()


def sample_document(number: int, credit_note: bool = False) -> InvoiceDocument:
    # After _setup_django: both import models.
    from clausier.billing.invoicing.documents.data import (  # noqa: PLC0415 - needs Django set up
        CorrectedInvoice,
        DocumentLine,
        Party,
        assemble,
    )
    from clausier.billing.models import InvoiceKind  # noqa: PLC0415 - needs Django set up

    seller = Party.from_snapshot(
        {
            "legal_name": "Kalanda SAS",
            "siren": "812345676",
            "siret": "81234567600017",
            "vat_number": "FR19812345676",
            "address": ["1 rue de la Paix", "", "75002 Paris"],
            "email": "facturation@kalanda.example",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
            "legal_form": "SAS",
            "share_capital": "50000.00",
            "rcs_city": "Paris",
        }
    )
    buyer = Party.from_snapshot(
        {
            "legal_name": "Boulangerie L'Épi d'Or",
            "siren": "456789122",
            "vat_number": "FR72456789122",
            "address": ["3 place du Marché", "Bâtiment B", "69002 Lyon"],
        }
    )
    lines = (
        DocumentLine(
            1,
            "Infogérance serveur — du 01/10/2026 au 31/12/2026",
            Decimal(1),
            Decimal("900.00"),
            Decimal("20.00"),
            Decimal("900.00"),
            "Art. 8.3 — Facturation terme à échoir",
            date(2026, 10, 1),
            date(2026, 12, 31),
        ),
        DocumentLine(
            2,
            "Frais de mise en service",
            Decimal(1),
            Decimal("450.00"),
            Decimal("20.00"),
            Decimal("450.00"),
        ),
        DocumentLine(
            3,
            "Crédit de service 09/2026 : GTI dépassée",
            Decimal(1),
            Decimal("-75.00"),
            Decimal("20.00"),
            Decimal("-75.00"),
            "Art. 14 — Pénalités et SLA",
        ),
        DocumentLine(
            4,
            "Formation « Prise de parole » — 2 jours",
            Decimal(2),
            Decimal("650.00"),
            Decimal("5.50"),
            Decimal("1300.00"),
            "Art. 12.1 — Formations",
        ),
    )
    return assemble(
        number=f"{'A' if credit_note else 'F'}2026-{number:06d}",
        kind=InvoiceKind.CREDIT_NOTE if credit_note else InvoiceKind.INVOICE,
        issue_date=date(2026, 11, 22),
        due_on=date(2026, 12, 22),
        currency="EUR",
        seller=seller,
        buyer=buyer,
        lines=lines,
        corrects=CorrectedInvoice("F2026-000001", date(2026, 11, 2)) if credit_note else None,
        reason="Option sauvegarde facturée à tort" if credit_note else "",
    )


def bench_documents(n: int) -> float:
    """Render `n` documents one after the other; return documents per CPU-second."""
    if n < 1:
        raise ValueError("n must be at least 1")
    _setup_django()
    from clausier.billing.invoicing.documents.pdf import render_document_pdf  # noqa: PLC0415 - after setup

    languages = ("fr", "de", "en")
    # One warm-up document: fonts, templates and the XSD are loaded once per process.
    render_document_pdf(sample_document(0), "fr")
    started = time.process_time()
    for index in range(n):
        doc = sample_document(index + 1, credit_note=index % 4 == 3)
        pdf = render_document_pdf(doc, languages[index % 3])
        if not pdf.startswith(b"%PDF-"):
            raise RuntimeError("the renderer returned something that is not a PDF")
    return n / (time.process_time() - started)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    print(f"{bench_documents(count):.2f} documents/s per core ({count} documents, goal >= 10)")

"""Invoices and credit notes render in the client's language, French mentions always."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.billing.invoicing.documents import render_invoice_pdf
from clausier.billing.invoicing.documents.labels import money, percent
from clausier.billing.invoicing.issue import local_date
from clausier.terms.rules.late_payment import statutory_rate
from tests.billing.test_documents_world import (
    BUYER_SIREN,
    BUYER_VAT,
    CREDIT_CLAUSE,
    HOSTING_CLAUSE,
    TRAINING_CLAUSE,
    credit_note_of,
    issued_invoice,
    pdf_text,
)

pytestmark = pytest.mark.django_db

TITLES = {
    ("invoice", "fr"): "FACTURE",
    ("invoice", "de"): "RECHNUNG",
    ("invoice", "en"): "INVOICE",
    ("credit_note", "fr"): "AVOIR",
    ("credit_note", "de"): "GUTSCHRIFT",
    ("credit_note", "en"): "CREDIT NOTE",
}
LOCAL_WORDS = {
    "fr": ["Date d'émission", "Net à payer", "Base HT"],
    "de": ["Rechnungsdatum", "Zahlbetrag", "Maßgeblich ist die französische Fassung"],
    "en": ["Issue date", "Amount due", "The French version prevails"],
}
DUE_DATE = {"fr": "22 décembre 2026", "de": "22. Dezember 2026", "en": "22 December 2026"}


def flat(text: str) -> str:
    """Line breaks inside a paragraph are layout, and every kind of space is a space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def spaced(siren: str) -> str:
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def french_mentions(invoice) -> list[str]:
    rate = statutory_rate(local_date(invoice.issued_at))
    seller = invoice.seller
    return [
        f"SIREN {seller['siren']}",
        f"SIRET {seller['siret']}",
        seller["vat_number"],
        f"SIREN {BUYER_SIREN}",
        BUYER_VAT,
        "Catégorie de l'opération : prestations de services.",
        # Code de commerce R123-237: legal form, share capital, RCS city and number.
        flat(f"SAS au capital de 10 000,00 € · RCS Paris {spaced(seller['siren'])}"),
        "Pénalités de retard (art. L441-10 du Code de commerce)",
        flat(f"BCE ({percent(rate.ecb_percent, 'fr')}) majoré de 10 points"),
        flat(f"soit {percent(rate.annual_percent, 'fr')} l'an"),
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
        "40,00 € (art. D441-5 du Code de commerce).",
        "Pas d'escompte pour paiement anticipé.",
    ]


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_an_invoice_speaks_the_clients_language_and_keeps_the_french_mentions(language):
    invoice = issued_invoice()
    text = flat(pdf_text(render_invoice_pdf(invoice, language)))
    assert TITLES[("invoice", language)] in text
    assert invoice.display_number in text
    for word in [*LOCAL_WORDS[language], DUE_DATE[language]]:
        assert word in text
    for mention in french_mentions(invoice):
        assert mention in text, mention
    assert invoice.seller["legal_name"] in text and invoice.buyer["legal_name"] in text


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_each_line_shows_its_clause(language):
    text = flat(pdf_text(render_invoice_pdf(issued_invoice(), language)))
    for clause in (HOSTING_CLAUSE, CREDIT_CLAUSE, TRAINING_CLAUSE):
        assert clause in text


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_the_printed_totals_are_the_invoice_totals(language):
    invoice = issued_invoice()
    text = flat(pdf_text(render_invoice_pdf(invoice, language)))

    def shown(amount) -> str:
        return flat(money(amount, "EUR", language))

    labels = {
        "fr": ("Total HT", "Total TVA", "Total TTC", "Net à payer"),
        "de": ("Summe netto", "Summe USt.", "Gesamtbetrag brutto", "Zahlbetrag"),
        "en": ("Total excl. VAT", "Total VAT", "Total incl. VAT", "Amount due"),
    }[language]
    total_ht, total_vat, total_ttc, due = labels
    assert f"{total_ht} {shown(invoice.total_ht)}" in text
    assert f"{total_vat} {shown(invoice.total_vat)}" in text
    assert f"{total_ttc} {shown(invoice.total_ttc)}" in text
    assert f"{due} {shown(invoice.total_ttc)}" in text
    # The VAT breakdown, per rate: base and VAT on one row.
    for rate, base, vat in [("5.50", "1300.00", "71.50"), ("20.00", "1275.00", "255.00")]:
        row = (
            f"{flat(percent(Decimal(rate), language))} {shown(Decimal(base))} {shown(Decimal(vat))}"
        )
        assert row in text, row


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_a_credit_note_names_the_invoice_it_corrects_and_why(language):
    invoice = issued_invoice()
    note = credit_note_of(invoice, reason="Option sauvegarde facturée à tort")
    text = flat(pdf_text(render_invoice_pdf(note, language)))
    assert TITLES[("credit_note", language)] in text
    assert note.display_number in text
    assert invoice.display_number in text
    assert "Option sauvegarde facturée à tort" in text
    # The French mention of the correction is there in every language.
    assert (
        f"Avoir portant sur la facture {invoice.display_number} du 22/11/2026. "
        "Motif : Option sauvegarde facturée à tort"
    ) in text
    for mention in french_mentions(note):
        assert mention in text, mention

"""Words and number formats of invoice documents in French, German and English.

The document's language is the active Django language (`translation.override`), so the
renderer reads it from one place. The words live here rather than in locale/*.po because
they are the fixed vocabulary of a legal document reviewed as a whole, per language,
beside the French mentions they translate (see docs/invoices.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clausier.core import formatting

LANGUAGES = formatting.LANGUAGES
DEFAULT_LANGUAGE = formatting.DEFAULT_LANGUAGE
PDF_LANG = {"fr": "fr-FR", "de": "de-DE", "en": "en-GB"}
BABEL_LOCALE = formatting.BABEL_LOCALES

WORDS: dict[str, dict[str, str]] = {
    "invoice": {"fr": "Facture", "de": "Rechnung", "en": "Invoice"},
    "credit_note": {"fr": "Avoir", "de": "Gutschrift", "en": "Credit note"},
    "number": {"fr": "Numéro", "de": "Nummer", "en": "Number"},
    "issue_date": {"fr": "Date d'émission", "de": "Rechnungsdatum", "en": "Issue date"},
    "due_date": {"fr": "Échéance", "de": "Fällig am", "en": "Due date"},
    "seller": {"fr": "Émetteur", "de": "Rechnungssteller", "en": "From"},
    "buyer": {"fr": "Client", "de": "Kunde", "en": "Bill to"},
    "vat_number": {"fr": "N° TVA intracom.", "de": "USt-IdNr.", "en": "VAT no."},
    "description": {"fr": "Désignation", "de": "Beschreibung", "en": "Description"},
    "quantity": {"fr": "Qté", "de": "Menge", "en": "Qty"},
    "unit_price": {"fr": "PU HT", "de": "Einzelpreis netto", "en": "Unit price excl. VAT"},
    "vat": {"fr": "TVA", "de": "USt.", "en": "VAT"},
    "line_total": {"fr": "Montant HT", "de": "Betrag netto", "en": "Amount excl. VAT"},
    "clause": {"fr": "Clause", "de": "Klausel", "en": "Clause"},
    "period": {"fr": "Période", "de": "Zeitraum", "en": "Period"},
    "total_ht": {"fr": "Total HT", "de": "Summe netto", "en": "Total excl. VAT"},
    "total_vat": {"fr": "Total TVA", "de": "Summe USt.", "en": "Total VAT"},
    "total_ttc": {"fr": "Total TTC", "de": "Gesamtbetrag brutto", "en": "Total incl. VAT"},
    "amount_due": {"fr": "Net à payer", "de": "Zahlbetrag", "en": "Amount due"},
    "credit_amount": {"fr": "Montant de l'avoir", "de": "Gutschriftsbetrag", "en": "Credit total"},
    "vat_breakdown": {"fr": "Détail de la TVA", "de": "Umsatzsteuer", "en": "VAT breakdown"},
    "vat_rate": {"fr": "Taux", "de": "Satz", "en": "Rate"},
    "vat_base": {"fr": "Base HT", "de": "Bemessungsgrundlage", "en": "Taxable amount"},
    "vat_amount": {"fr": "Montant TVA", "de": "Steuerbetrag", "en": "VAT amount"},
    "payment": {"fr": "Règlement", "de": "Zahlung", "en": "Payment"},
    "by_transfer": {
        "fr": "Par virement bancaire",
        "de": "Per Banküberweisung",
        "en": "By bank transfer",
    },
    "payment_reference": {
        "fr": "Référence à rappeler",
        "de": "Verwendungszweck",
        "en": "Payment reference",
    },
    "credit_settlement": {
        "fr": "Montant déduit de votre prochain règlement ou remboursé.",
        "de": "Der Betrag wird mit Ihrer nächsten Zahlung verrechnet oder erstattet.",
        "en": "Deducted from your next payment or refunded.",
    },
    "corrects": {"fr": "Facture corrigée", "de": "Berichtigte Rechnung", "en": "Corrected invoice"},
    "reason": {"fr": "Motif", "de": "Grund", "en": "Reason"},
    "legal": {"fr": "Mentions légales", "de": "Rechtliche Hinweise", "en": "Legal notices"},
    "french_prevails": {
        "fr": "",
        "de": "Maßgeblich ist die französische Fassung:",
        "en": "The French version prevails:",
    },
    "out_of_scope": {"fr": "Hors champ", "de": "Nicht steuerbar", "en": "Out of scope"},
    "exempt": {"fr": "Exonéré", "de": "Steuerfrei", "en": "Exempt"},
    "operation": {"fr": "Opération", "de": "Umsatzart", "en": "Operation"},
    "category_services": {
        "fr": "Prestations de services",
        "de": "Dienstleistungen",
        "en": "Services",
    },
    "category_goods": {"fr": "Livraisons de biens", "de": "Warenlieferungen", "en": "Goods"},
    "category_mixed": {
        "fr": "Biens et services",
        "de": "Waren und Dienstleistungen",
        "en": "Goods and services",
    },
    "page": {"fr": "Page", "de": "Seite", "en": "Page"},
    "page_of": {"fr": "sur", "de": "von", "en": "of"},
    # An invoice addressed to a funder paying for the client (coaching art. 8.2.4).
    "payer_funder": {"fr": "Adressée à", "de": "Rechnungsempfänger", "en": "Addressed to"},
    "funding_reference": {
        "fr": "Accord de financement",
        "de": "Finanzierungszusage",
        "en": "Funding agreement",
    },
    "beneficiary": {"fr": "Pour le compte de", "de": "Im Auftrag von", "en": "On behalf of"},
}


def language() -> str:
    """The document language: the active Django language, reduced to fr, de or en."""
    return formatting.language()


def words(lang: str | None = None) -> dict[str, str]:
    lang = lang or language()
    return {key: texts[lang] for key, texts in WORDS.items()}


# Numbers, amounts and dates as the mails and pages write them (core.formatting).
def money(value: Decimal, currency: str = "EUR", lang: str | None = None) -> str:
    return formatting.format_money(value, currency, lang)


def decimal(value: Decimal, lang: str | None = None, places: int = 2) -> str:
    return formatting.format_number(value, lang, places)


def percent(value: Decimal, lang: str | None = None) -> str:
    return formatting.format_percent(value, lang)


def quantity(value: Decimal, lang: str | None = None) -> str:
    """1 rather than 1,0000; 1,5 rather than 1,5000."""
    return formatting.format_number(value, lang)


def long_date(day: date, lang: str | None = None) -> str:
    return formatting.format_date(day, lang, "long")


def short_date(day: date, lang: str | None = None) -> str:
    return formatting.format_date(day, lang, "numeric")

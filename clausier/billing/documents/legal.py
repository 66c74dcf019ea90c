"""The mandatory mentions of a French invoice (Code de commerce L441-9, CGI art. 242 nonies A).

They appear in French on every document, whatever the client's language: French is the
language of the contract (coaching art. 38) and of the tax administration. A German or
English document shows its own translation first and the French text below it, which
prevails.

- nature of the supply: services (both contracts sell services only);
- late-payment interest, L441-10: ECB main refinancing rate + 10 points, the rate of the
  half-year of the issue date (`clausier.terms.rules.late_payment.statutory_rate`);
- recovery indemnity, D441-5: 40 €;
- no discount for early payment ("Pas d'escompte pour paiement anticipé");
- a credit note names the invoice it corrects and why.
"""

from __future__ import annotations

from clausier.billing.documents import labels
from clausier.billing.documents.data import InvoiceDocument

MENTIONS: dict[str, dict[str, str]] = {
    "nature": {
        "fr": "Nature de l'opération : prestations de services.",
        "de": "Art der Leistung: Dienstleistungen.",
        "en": "Nature of the supply: provision of services.",
    },
    "penalties": {
        "fr": (
            "Pénalités de retard ({law} du Code de commerce) : taux de refinancement de la "
            "BCE ({ecb}) majoré de 10 points, soit {rate} l'an, sur le montant TTC, "
            "exigibles de plein droit dès le lendemain de la date d'échéance."
        ),
        "de": (
            "Verzugszinsen (Art. {law} des französischen Handelsgesetzbuchs): "
            "Hauptrefinanzierungssatz der EZB ({ecb}) zuzüglich 10 Prozentpunkten, d. h. "
            "{rate} pro Jahr auf den Bruttobetrag, ohne Mahnung ab dem Tag nach Fälligkeit."
        ),
        "en": (
            "Late-payment interest (French Commercial Code, art. {law}): ECB main "
            "refinancing rate ({ecb}) plus 10 points, i.e. {rate} a year on the amount "
            "including VAT, due without notice from the day after the due date."
        ),
    },
    "indemnity": {
        "fr": (
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
            "{amount} ({law} du Code de commerce)."
        ),
        "de": (
            "Pauschale Entschädigung für Beitreibungskosten bei Zahlungsverzug: {amount} "
            "(Art. {law} des französischen Handelsgesetzbuchs)."
        ),
        "en": (
            "Fixed compensation for recovery costs in case of late payment: {amount} "
            "(French Commercial Code, art. {law})."
        ),
    },
    "no_discount": {
        "fr": "Pas d'escompte pour paiement anticipé.",
        "de": "Kein Skonto bei vorzeitiger Zahlung.",
        "en": "No discount for early payment.",
    },
    "corrects": {
        "fr": "Avoir portant sur la facture {number} du {date}. Motif : {reason}",
        "de": "Gutschrift zur Rechnung {number} vom {date}. Grund: {reason}",
        "en": "Credit note for invoice {number} of {date}. Reason: {reason}",
    },
}

ARTICLE_PREFIX = "Code de commerce, art. "


def _law(article: str, lang: str) -> str:
    bare = article.removeprefix(ARTICLE_PREFIX)
    return f"art. {bare}" if lang == "fr" else bare


def mention(key: str, doc: InvoiceDocument, lang: str) -> str:
    terms = doc.late_payment
    if key == "penalties":
        return MENTIONS[key][lang].format(
            law=_law(terms.interest_law, lang),
            ecb=labels.percent(terms.rate.ecb_percent, lang),
            rate=labels.percent(terms.rate.annual_percent, lang),
        )
    if key == "indemnity":
        return MENTIONS[key][lang].format(
            law=_law(terms.indemnity_law, lang), amount=labels.money(terms.indemnity, "EUR", lang)
        )
    if key == "corrects":
        assert doc.corrects is not None
        return MENTIONS[key][lang].format(
            number=doc.corrects.number,
            date=labels.short_date(doc.corrects.issue_date, lang),
            reason=doc.reason or "—",
        )
    return MENTIONS[key][lang]


def mentions(doc: InvoiceDocument, lang: str, with_correction: bool = True) -> list[str]:
    keys = ["nature", "penalties", "indemnity", "no_discount"]
    if doc.corrects is not None and with_correction:
        keys.insert(0, "corrects")
    return [mention(key, doc, lang) for key in keys]


def notes_fr(doc: InvoiceDocument) -> list[tuple[str, str]]:
    """Header notes of the Factur-X XML, with the UNTDID 4451 subject codes French
    e-invoicing rules expect: PMT indemnity, PMD penalties, AAB discount."""
    notes = [("", mention("nature", doc, "fr"))]
    if doc.corrects is not None:
        notes.insert(0, ("", mention("corrects", doc, "fr")))
    notes += [
        ("PMT", mention("indemnity", doc, "fr")),
        ("PMD", mention("penalties", doc, "fr")),
        ("AAB", mention("no_discount", doc, "fr")),
    ]
    return notes


def payment_terms_fr(doc: InvoiceDocument) -> str:
    due = labels.short_date(doc.due_on, "fr")
    if doc.is_credit_note:
        return f"Avoir à déduire du prochain règlement ou remboursé au plus tard le {due}."
    return f"Paiement par virement au plus tard le {due}. {mention('no_discount', doc, 'fr')}"

"""The mandatory mentions of a French invoice (Code de commerce L441-9 and R123-237,
CGI art. 242 nonies A as the e-invoicing reform amended it).

They appear in French on every document, whatever the client's language: French is the
language of the contract (coaching art. 38) and of the tax administration. A German or
English document shows its own translation first and the French text below it, which
prevails.

- the seller's legal form, share capital and "RCS <city>" beside its SIREN (R123-237);
- the category of the operations: services, goods or both (the reform);
- the option for VAT on debits, when the seller took it (the reform);
- for an invoice outside the scope of VAT (late-payment interest and indemnity), why;
- late-payment interest, L441-10: ECB main refinancing rate + 10 points, the rate of the
  half-year of the issue date (`clausier.terms.rules.late_payment.statutory_rate`);
- recovery indemnity, D441-5: 40 €;
- no discount for early payment ("Pas d'escompte pour paiement anticipé");
- a credit note names the invoice it corrects and why;
- an invoice addressed to a funder (coaching art. 8.2.4) names the client it pays for and
  the funding agreement.
The buyer's SIREN, the other mention of the reform, is printed with the buyer.
"""

from __future__ import annotations

from clausier.billing.invoicing.documents import labels
from clausier.billing.invoicing.documents.data import InvoiceDocument, Party

MENTIONS: dict[str, dict[str, str]] = {
    "category_services": {
        "fr": "Catégorie de l'opération : prestations de services.",
        "de": "Art des Umsatzes: Dienstleistungen.",
        "en": "Category of the operation: provision of services.",
    },
    "category_goods": {
        "fr": "Catégorie de l'opération : livraisons de biens.",
        "de": "Art des Umsatzes: Lieferungen von Gegenständen.",
        "en": "Category of the operation: supply of goods.",
    },
    "category_mixed": {
        "fr": "Catégorie de l'opération : livraisons de biens et prestations de services.",
        "de": "Art des Umsatzes: Lieferungen von Gegenständen und Dienstleistungen.",
        "en": "Category of the operation: supply of goods and provision of services.",
    },
    "vat_on_debits": {
        "fr": "Option pour le paiement de la taxe d'après les débits.",
        "de": "Option für die Entrichtung der Umsatzsteuer nach vereinbarten Entgelten "
        "(« d'après les débits »).",
        "en": "Option for payment of VAT on an accruals basis (« d'après les débits »).",
    },
    "exempt_training": {
        "fr": "Exonération de TVA, article 261-4-4° a du CGI (formation professionnelle continue).",
        "de": ("Von der Umsatzsteuer befreit, Art. 261-4-4° a CGI (berufliche Weiterbildung)."),
        "en": "VAT exempt, article 261-4-4° a of the French tax code (vocational training).",
    },
    "out_of_scope": {
        "fr": (
            "TVA non applicable : intérêts de retard et indemnité forfaitaire de recouvrement "
            "réparent un préjudice et ne rémunèrent aucune prestation, hors du champ de la "
            "TVA (CGI art. 256)."
        ),
        "de": (
            "Keine Umsatzsteuer: Verzugszinsen und Beitreibungspauschale sind Schadensersatz, "
            "kein Entgelt für eine Leistung, und nicht steuerbar (Art. 256 CGI)."
        ),
        "en": (
            "VAT not applicable: late-payment interest and the recovery indemnity compensate "
            "a loss and pay for no supply, outside the scope of VAT (CGI art. 256)."
        ),
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
    "funded": {
        "fr": "Prise en charge par {funder} pour le compte de {client}, accord de "
        "financement n° {reference}.",
        "de": "Kostenübernahme durch {funder} für {client}, Finanzierungszusage Nr. {reference}.",
        "en": "Funded by {funder} on behalf of {client}, funding agreement no. {reference}.",
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


# EN 16931 BT-121, VATEX code list: "not subject to VAT".
OUT_OF_SCOPE_REASON_CODE = "VATEX-EU-O"
# BT-121 for category E: exempt under art. 132(1)(i) of directive 2006/112/EC (education
# and vocational training), which CGI art. 261-4-4° a transposes.
EXEMPT_REASON_CODE = "VATEX-EU-132-1I"

REGISTRATION = {
    "capital": {
        "fr": "{form} au capital de {capital}",
        "de": "{form} mit einem Gesellschaftskapital von {capital}",
        "en": "{form} with a share capital of {capital}",
    },
}


def registration(party: Party, lang: str = "fr") -> str:
    """Code de commerce R123-237: "SAS au capital de 50 000,00 € · RCS Paris 812 345 676".

    The RCS number is the SIREN, written in groups of three as the registry does."""
    parts = []
    if party.legal_form and party.share_capital is not None:
        parts.append(
            REGISTRATION["capital"][lang].format(
                form=party.legal_form, capital=labels.money(party.share_capital, "EUR", lang)
            )
        )
    elif party.legal_form:
        parts.append(party.legal_form)
    siren = " ".join(party.siren[i : i + 3] for i in range(0, len(party.siren), 3))
    if party.rcs_city:
        parts.append(f"RCS {party.rcs_city} {siren}".strip())
    elif siren:
        parts.append(f"SIREN {siren}")
    return " · ".join(parts)


def category_key(doc: InvoiceDocument) -> str:
    category = doc.seller.operation_category
    return f"category_{category}" if f"category_{category}" in MENTIONS else "category_services"


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
    if key == "funded":
        return MENTIONS[key][lang].format(
            funder=doc.buyer.legal_name,
            client=doc.buyer.beneficiary or "—",
            reference=doc.buyer.funding_reference,
        )
    if key == "corrects":
        assert doc.corrects is not None
        return MENTIONS[key][lang].format(
            number=doc.corrects.number,
            date=labels.short_date(doc.corrects.issue_date, lang),
            reason=doc.reason or "—",
        )
    return MENTIONS[key][lang]


def tax_keys(doc: InvoiceDocument) -> list[str]:
    """The VAT mentions: why no VAT, or the option for VAT on debits (which only concerns
    taxed services)."""
    if doc.out_of_scope:
        return ["out_of_scope"]
    keys = ["exempt_training"] if doc.exempt else []
    taxed = any(not sub.exempt for sub in doc.vat_breakdown)
    if taxed and doc.seller.vat_on_debits and doc.seller.operation_category != "goods":
        keys.append("vat_on_debits")
    return keys


def mentions(doc: InvoiceDocument, lang: str, with_correction: bool = True) -> list[str]:
    keys = [category_key(doc), *tax_keys(doc), "penalties", "indemnity", "no_discount"]
    if doc.buyer.is_funder:
        keys.insert(0, "funded")
    if doc.corrects is not None and with_correction:
        keys.insert(0, "corrects")
    texts = [mention(key, doc, lang) for key in keys]
    seller_registration = registration(doc.seller, lang)
    return [seller_registration, *texts] if seller_registration else texts


def notes_fr(doc: InvoiceDocument) -> list[tuple[str, str]]:
    """Header notes of the Factur-X XML, with the UNTDID 4451 subject codes French
    e-invoicing rules expect: PMT indemnity, PMD penalties, AAB discount."""
    notes = [("", mention(category_key(doc), doc, "fr"))]
    notes += [("", mention(key, doc, "fr")) for key in tax_keys(doc)]
    if doc.buyer.is_funder:
        notes.insert(0, ("", mention("funded", doc, "fr")))
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

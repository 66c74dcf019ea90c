"""The Factur-X EN 16931 XML (UN/CEFACT CII D16B) of an invoice or credit note.

Element order follows the CII schema, which is a sequence everywhere: the tests validate
every document against the XSD the `factur-x` library ships.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from lxml import etree

from clausier.billing.documents import legal
from clausier.billing.documents.data import DocumentLine, InvoiceDocument, Party
from clausier.core.money import to_cents

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
VAT_STANDARD = "S"
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIREN
UNIT_ONE = "C62"  # UN/ECE rec. 20 "one": a service, a period, a unit
PAYMENT_SEPA_TRANSFER = "58"
PAYMENT_TRANSFER = "30"
XSD_PATH = "xsd_and_schematron/facturx-en16931/Factur-X_EN16931.xsd"


def amount(value: Decimal) -> str:
    return f"{to_cents(value):f}"


def quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _sub(parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs or None)
    if text is not None:
        element.text = text
    return element


def _date(parent: Any, tag: str, day: date, ns: str = RAM, value_ns: str = UDT) -> Any:
    wrapper = _sub(parent, ns, tag)
    _sub(wrapper, value_ns, "DateTimeString", day.strftime("%Y%m%d"), format="102")
    return wrapper


def _note(parent: Any, content: str, subject: str = "") -> None:
    note = _sub(parent, RAM, "IncludedNote")
    _sub(note, RAM, "Content", content)
    if subject:
        _sub(note, RAM, "SubjectCode", subject)


def _party(parent: Any, tag: str, party: Party) -> None:
    element = _sub(parent, RAM, tag)
    _sub(element, RAM, "Name", party.legal_name)
    if party.siren:
        legal_org = _sub(element, RAM, "SpecifiedLegalOrganization")
        _sub(legal_org, RAM, "ID", party.siren, schemeID=SIREN_SCHEME)
    address = _sub(element, RAM, "PostalTradeAddress")
    if party.postcode:
        _sub(address, RAM, "PostcodeCode", party.postcode)
    for tag_name, line in zip(
        ("LineOne", "LineTwo", "LineThree"), party.street_lines, strict=False
    ):
        _sub(address, RAM, tag_name, line)
    if party.city:
        _sub(address, RAM, "CityName", party.city)
    _sub(address, RAM, "CountryID", party.country)
    if party.email:
        uri = _sub(element, RAM, "URIUniversalCommunication")
        _sub(uri, RAM, "URIID", party.email, schemeID="EM")
    if party.vat_number:
        registration = _sub(element, RAM, "SpecifiedTaxRegistration")
        _sub(registration, RAM, "ID", party.vat_number, schemeID="VA")


def _line(parent: Any, line: DocumentLine) -> None:
    item = _sub(parent, RAM, "IncludedSupplyChainTradeLineItem")
    document = _sub(item, RAM, "AssociatedDocumentLineDocument")
    _sub(document, RAM, "LineID", str(line.position))
    if line.clause:
        _note(document, line.clause)
    product = _sub(item, RAM, "SpecifiedTradeProduct")
    _sub(product, RAM, "Name", line.description)
    # EN 16931 BR-27: the net price is never negative; a deduction (an SLA credit, unit
    # price -50) is a negative quantity at a positive price, so the line total holds.
    sign = -1 if line.unit_price_ht < 0 else 1
    agreement = _sub(item, RAM, "SpecifiedLineTradeAgreement")
    price = _sub(agreement, RAM, "NetPriceProductTradePrice")
    _sub(price, RAM, "ChargeAmount", amount(abs(line.unit_price_ht)))
    delivery = _sub(item, RAM, "SpecifiedLineTradeDelivery")
    _sub(delivery, RAM, "BilledQuantity", quantity(sign * line.quantity), unitCode=UNIT_ONE)
    settlement = _sub(item, RAM, "SpecifiedLineTradeSettlement")
    tax = _sub(settlement, RAM, "ApplicableTradeTax")
    _sub(tax, RAM, "TypeCode", "VAT")
    _sub(tax, RAM, "CategoryCode", VAT_STANDARD)
    _sub(tax, RAM, "RateApplicablePercent", amount(line.vat_rate))
    if line.period_start and line.period_end:
        period = _sub(settlement, RAM, "BillingSpecifiedPeriod")
        _date(period, "StartDateTime", line.period_start)
        _date(period, "EndDateTime", line.period_end)
    summation = _sub(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, RAM, "LineTotalAmount", amount(line.total_ht))


def _settlement(parent: Any, doc: InvoiceDocument) -> None:
    settlement = _sub(parent, RAM, "ApplicableHeaderTradeSettlement")
    _sub(settlement, RAM, "PaymentReference", doc.number)
    _sub(settlement, RAM, "InvoiceCurrencyCode", doc.currency)
    means = _sub(settlement, RAM, "SpecifiedTradeSettlementPaymentMeans")
    if doc.seller.iban and not doc.is_credit_note:
        _sub(means, RAM, "TypeCode", PAYMENT_SEPA_TRANSFER)
        account = _sub(means, RAM, "PayeePartyCreditorFinancialAccount")
        _sub(account, RAM, "IBANID", doc.seller.iban)
        if doc.seller.bic:
            bank = _sub(means, RAM, "PayeeSpecifiedCreditorFinancialInstitution")
            _sub(bank, RAM, "BICID", doc.seller.bic)
    else:
        _sub(means, RAM, "TypeCode", PAYMENT_TRANSFER)
    for subtotal in doc.vat_breakdown:
        tax = _sub(settlement, RAM, "ApplicableTradeTax")
        _sub(tax, RAM, "CalculatedAmount", amount(subtotal.amount))
        _sub(tax, RAM, "TypeCode", "VAT")
        _sub(tax, RAM, "BasisAmount", amount(subtotal.base))
        _sub(tax, RAM, "CategoryCode", VAT_STANDARD)
        _sub(tax, RAM, "RateApplicablePercent", amount(subtotal.rate))
    terms = _sub(settlement, RAM, "SpecifiedTradePaymentTerms")
    _sub(terms, RAM, "Description", legal.payment_terms_fr(doc))
    _date(terms, "DueDateDateTime", doc.due_on)
    totals = _sub(settlement, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(totals, RAM, "LineTotalAmount", amount(sum((li.total_ht for li in doc.lines), Decimal(0))))
    _sub(totals, RAM, "TaxBasisTotalAmount", amount(doc.total_ht))
    _sub(totals, RAM, "TaxTotalAmount", amount(doc.total_vat), currencyID=doc.currency)
    _sub(totals, RAM, "GrandTotalAmount", amount(doc.total_ttc))
    _sub(totals, RAM, "DuePayableAmount", amount(doc.total_ttc))
    if doc.corrects is not None:
        reference = _sub(settlement, RAM, "InvoiceReferencedDocument")
        _sub(reference, RAM, "IssuerAssignedID", doc.corrects.number)
        _date(reference, "FormattedIssueDateTime", doc.corrects.issue_date, value_ns=QDT)


def facturx_tree(doc: InvoiceDocument) -> Any:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _sub(root, RSM, "ExchangedDocumentContext")
    guideline = _sub(context, RAM, "GuidelineSpecifiedDocumentContextParameter")
    _sub(guideline, RAM, "ID", EN16931_GUIDELINE)

    header = _sub(root, RSM, "ExchangedDocument")
    _sub(header, RAM, "ID", doc.number)
    _sub(header, RAM, "TypeCode", TYPE_CREDIT_NOTE if doc.is_credit_note else TYPE_INVOICE)
    _date(header, "IssueDateTime", doc.issue_date)
    for subject, content in legal.notes_fr(doc):
        _note(header, content, subject)

    transaction = _sub(root, RSM, "SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line)
    agreement = _sub(transaction, RAM, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", doc.seller)
    _party(agreement, "BuyerTradeParty", doc.buyer)
    _sub(transaction, RAM, "ApplicableHeaderTradeDelivery")
    _settlement(transaction, doc)
    return root


def facturx_bytes(doc: InvoiceDocument) -> bytes:
    return bytes(
        etree.tostring(facturx_tree(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


@functools.cache
def en16931_schema() -> Any:
    """The Factur-X EN 16931 XSD shipped with the `factur-x` library (read once)."""
    path = resources.files("facturx").joinpath(XSD_PATH)
    return etree.XMLSchema(file=str(path))


def check_xsd(xml: bytes) -> None:
    """Raise ValueError with the schema's message when the XML is not valid EN 16931."""
    schema = en16931_schema()
    tree = etree.fromstring(xml)
    if not schema.validate(tree):
        raise ValueError(f"Factur-X XML invalid against the EN 16931 XSD: {schema.error_log}")

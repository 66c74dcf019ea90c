"""Portal pages write amounts with core.formatting's filters, in the page's language."""

from __future__ import annotations

import pytest

from clausier.accounts.models import Membership, Role
from clausier.core.formatting import format_money
from tests.billing.document_kinds import DOCUMENT_KINDS, issued

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_the_invoice_pages_write_amounts_in_the_readers_language(client, language):
    invoice = issued(next(iter(DOCUMENT_KINDS)))
    admin = Membership.objects.get(client=invoice.client, role=Role.CLIENT_ADMIN).person
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    for url in ("/factures/", f"/factures/{invoice.pk}/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        shown_in = page.headers.get("Content-Language", "fr")
        assert shown_in == language
        total = format_money(invoice.total_ttc, invoice.currency, shown_in)
        assert total in page.content.decode(), (url, shown_in, total)

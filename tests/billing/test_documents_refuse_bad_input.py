"""Documents refuse what they cannot render faithfully, with a clear error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from clausier.billing.invoicing.documents import DocumentError, render_invoice_pdf
from clausier.billing.invoicing.documents.data import DocumentLine, Party, assemble
from clausier.billing.invoicing.documents.pdf import css_string, render_html
from clausier.billing.invoicing.issue import LineDraft
from clausier.billing.models import VatCategory
from tests.billing.test_documents_world import issued_invoice

SELLER = Party.from_snapshot(
    {"legal_name": "Kalanda SAS", "siren": "812345676", "address": ["1 rue X", "75002 Paris"]}
)
BUYER = Party.from_snapshot(
    {"legal_name": 'Acme "</style><b>" & Co', "address": ["10115 Berlin"], "country": "de"}
)


def document(lines, totals=None, kind="invoice"):
    return assemble(
        number="F2026-000009",
        kind=kind,
        issue_date=date(2026, 11, 22),
        due_on=date(2026, 12, 22),
        currency="EUR",
        seller=SELLER,
        buyer=BUYER,
        lines=tuple(lines),
        totals=totals,
    )


def line(price: str, rate: str = "20.00") -> DocumentLine:
    return DocumentLine(1, "Prestation", Decimal(1), Decimal(price), Decimal(rate), Decimal(price))


@pytest.mark.django_db
def test_an_unknown_language_is_refused():
    with pytest.raises(DocumentError, match="unsupported document language 'it'"):
        render_invoice_pdf(issued_invoice([LineDraft("X", Decimal(10), Decimal(20))]), "it")


def test_a_line_without_vat_is_refused_rather_than_mislabelled():
    with pytest.raises(DocumentError, match=r"standard-rated .* at 0\.00 %"):
        document([line("100.00", "0.00")])


def test_an_out_of_scope_line_with_a_vat_rate_is_refused():
    taxed = replace(line("100.00", "20.00"), vat_category=VatCategory.OUT_OF_SCOPE)
    with pytest.raises(DocumentError, match=r"outside the scope of VAT .* VAT rate 20\.00"):
        document([taxed])


def test_out_of_scope_lines_beside_taxed_ones_are_refused():
    indemnity = replace(line("40.00", "0.00"), position=2, vat_category=VatCategory.OUT_OF_SCOPE)
    with pytest.raises(DocumentError, match="BR-O-11"):
        document([line("100.00"), indemnity])


def test_an_unknown_vat_category_is_refused():
    with pytest.raises(DocumentError, match="unsupported VAT category 'Z'"):
        document([replace(line("100.00"), vat_category="Z")])


def test_totals_that_disagree_with_the_lines_are_refused():
    with pytest.raises(DocumentError, match="disagree"):
        document([line("100.00")], totals=(Decimal("100.00"), Decimal("20.00"), Decimal("121.00")))


def test_a_credit_note_must_name_the_invoice_it_corrects():
    with pytest.raises(DocumentError, match="must name the invoice"):
        document([line("100.00")], kind="credit_note")


def test_names_cannot_break_out_of_the_page_footer_or_the_markup():
    html = render_html(document([line("100.00")]), "en")
    assert "</style><b>" not in html
    assert "Acme &quot;&lt;/style&gt;&lt;b&gt;&quot; &amp; Co" in html
    assert css_string('a"b\\c</style>') == "a\\22 b\\5c c\\3c /style\\3e "


def test_a_foreign_address_keeps_its_postcode_and_city():
    assert (BUYER.postcode, BUYER.city, BUYER.country) == ("10115", "Berlin", "DE")
    assert Party.from_snapshot({"address": ["Main Street", "London"]}).city == "London"

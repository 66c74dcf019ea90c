"""The monthly SLA report over the API (art. 3.4, 5, 8.1, 14): the page's figures as JSON
and the same PDF, for staff of the provider and the client's own users; another client
or another provider gets a 404, a bad month or language a 400, never a 500."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.helpers import make_client, make_client_user
from tests.support.builders import support_world
from tests.support.test_it_answers_the_api import bearer
from tests.support.test_it_reports_the_month import _month as a_january

pytestmark = pytest.mark.django_db


def test_the_figures_are_the_pages(client):
    w = support_world()
    ok, late, first, row = a_january(w)
    url = f"/api/support/clients/{w['client'].pk}/sla-report"
    response = client.get(f"{url}?month=2026-01", **bearer(w["admin"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["client_id"] == w["client"].pk and body["month"] == "2026-01"
    tickets = body["tickets"]
    # New Year's night in Paris is January's; 1 February 0:30 Paris is February's.
    assert [t["ticket_id"] for t in tickets["items"]] == [first.pk, ok.pk, late.pk]
    assert (tickets["opened"], tickets["closed"], tickets["acknowledged_in_time"]) == (3, 1, 1)
    assert tickets["breached"] == 2 and tickets["clause"].startswith("Art. 5")
    assert next(t for t in tickets["items"] if t["ticket_id"] == late.pk)["late_minutes"] == 120
    (emergency,) = body["emergencies"]
    assert emergency["emergency_id"] == row.pk and emergency["gti_late_minutes"] == 180
    assert emergency["gti_percent"] == "25" and emergency["gti_amount"] == "25.00"
    assert emergency["gtr_counted_minutes"] == 120  # 4 h less 2 h of third-party parts
    assert emergency["pauses"][0]["reason"] == "third_party_parts"
    (credit,) = body["credits"]
    assert credit["kind"] == "gti" and credit["granted"] == "25.00" and "14" in credit["clause"]
    assert body["credits_total"] == "25.00"  # Decimal as a string, never a float
    (server,) = body["servers"]
    assert (server["emergencies_used"], server["emergency_quota"]) == (1, 4)
    assert server["advice_used_in_month_minutes"] == 20 and server["advice_balance_minutes"] == 10
    february = client.get(f"{url}?month=2026-02", **bearer(w["engineer"])).json()
    assert [t["subject"] for t in february["tickets"]["items"]] == ["Février"]
    assert february["credits"] == [] and february["credits_total"] == "0.00"


def test_the_pdf_in_three_languages(client):
    w = support_world()
    a_january(w)
    url = f"/api/support/clients/{w['client'].pk}/sla-report/pdf?month=2026-01"
    auth = bearer(w["admin"])
    for language, words in (("fr", "Crédits de service"), ("de", "Gutschrift"), ("en", "credit")):
        response = client.get(f"{url}&lang={language}", **auth)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f"rapport-sla-2026-01-{w['client'].pk}.pdf" in response["Content-Disposition"]
        text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
        assert words.lower() in text.lower() and "U-" in text, (language, text[:300])


def test_a_client_sees_only_itself_and_bad_input_is_a_400(client):
    w = support_world()
    a_january(w)
    url = f"/api/support/clients/{w['client'].pk}/sla-report"
    neighbour = make_client_user(make_client(w["provider"], "Voisin"))
    elsewhere = support_world()
    for outsider in (neighbour, elsewhere["engineer"], elsewhere["admin"]):
        assert client.get(url, **bearer(outsider)).status_code == 404
        assert client.get(f"{url}/pdf", **bearer(outsider)).status_code == 404
    auth = bearer(w["admin"])
    for month in ("2026-13", "janvier", "2026-01-05", "-"):
        refused = client.get(f"{url}?month={month}", **auth)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_month"
    refused = client.get(f"{url}/pdf?month=2026-01&lang=it", **auth)
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_language"
    assert client.get(f"{url}/pdf?month=2026-01", **auth).status_code == 200
    assert client.get(f"/api/support/clients/{10**9}/sla-report", **auth).status_code == 404
    assert client.get(url).status_code == 401

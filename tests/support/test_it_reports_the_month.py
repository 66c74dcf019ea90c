"""The monthly SLA report (art. 3.4, 5, 8.1, 14): its figures are the clocks' and the
credits' own, its month is the contract zone's (a ticket at 0:30 Paris on 1 February is
February's), it is a page and a real PDF in FR/DE/EN, staff see every client of their
provider, a client only itself; bad input is a 400, a client out of reach a 404."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from clausier.support.errors import SupportError
from clausier.support.models import PauseReason, ServerCredit
from clausier.support.services import advice, emergencies, report, tickets
from tests.helpers import make_client, make_client_user
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
JANUARY = date(2026, 1, 1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _month(w):
    ok = tickets.open_ticket(
        now=at(2026, 1, 6, 9), client=w["client"], subject="Lent", body="b", channel="portal"
    )
    tickets.post_message(
        now=at(2026, 1, 6, 9, 30),
        ticket=ok,
        body="On regarde",
        channel="portal",
        actor=w["engineer"],
    )
    tickets.change_status(now=at(2026, 1, 7, 9), ticket=ok, actor=w["engineer"], status="resolved")
    late = tickets.open_ticket(
        now=at(2026, 1, 6, 9), client=w["client"], subject="Mail", body="b", channel="portal"
    )
    # Due 11:00 Paris (10:00 UTC); answered 12:00 UTC: 120 minutes late.
    tickets.post_message(
        now=at(2026, 1, 6, 12), ticket=late, body="Vu", channel="portal", actor=w["engineer"]
    )
    # New Year's night in Paris belongs to January; 1 February 0:30 Paris to February.
    first = tickets.open_ticket(
        now=at(2025, 12, 31, 23, 30),
        client=w["client"],
        subject="Nouvel an",
        body="b",
        channel="email",
    )
    tickets.open_ticket(
        now=at(2026, 1, 31, 23, 30),
        client=w["client"],
        subject="Février",
        body="b",
        channel="email",
    )
    # An emergency Tuesday 10:00 Paris, due 11:00, started 14:00 Paris: GTI + 3 h.
    row = emergencies.request_emergency(
        now=at(2026, 1, 13, 9),
        server=w["server"],
        channel="portal",
        description="HS",
        actor=w["admin"],
    )
    emergencies.start_intervention(now=at(2026, 1, 13, 13), request=row, actor=w["engineer"])
    emergencies.pause(
        now=at(2026, 1, 13, 14),
        request=row,
        actor=w["engineer"],
        reason=PauseReason.THIRD_PARTY_PARTS,
    )
    emergencies.resume(now=at(2026, 1, 13, 16), request=row, actor=w["engineer"])
    emergencies.restore(now=at(2026, 1, 13, 17), request=row, actor=w["engineer"])
    advice.log_advice(now=at(2026, 1, 20, 10), server=w["server"], actor=w["engineer"], minutes=20)
    return ok, late, first, row


def test_the_figures_are_the_clocks_and_the_credits(client):
    w = support_world()
    ok, late, first, row = _month(w)
    now = at(2026, 2, 3, 9)
    built = report.client_report(w["client"], JANUARY, now)
    assert [line.ticket for line in built.opened] == [first, ok, late]
    assert [line.ticket for line in built.breaches] == [first, late]  # first: never answered
    assert next(x for x in built.opened if x.ticket == late).late_minutes == 120
    assert built.closed_count == 1 and built.acknowledged_in_time == 1
    (line,) = built.emergencies
    assert line.gti == emergencies.gti_status(row, now)
    assert line.gti_late_minutes == 180 and line.gti.percent == Decimal(25)
    assert line.gtr_counted_minutes == 120  # 4 h less the 2 h of third-party parts
    assert len(line.pauses) == 1
    gti_credit = ServerCredit.objects.get(request=row, kind="gti")
    assert built.credits == [gti_credit]
    assert built.credits_total == gti_credit.granted == Decimal("25.00")
    (server,) = built.servers
    assert server.quota.used_before == 1 and server.quota.quota == 4
    assert server.advice_used_in_month == 20
    assert server.advice.balance_minutes == 10  # January's 30 minutes less 20
    february = report.client_report(w["client"], date(2026, 2, 1), now)
    assert [x.ticket.subject for x in february.opened] == ["Février"]
    assert not february.credits and not february.emergencies


def test_the_page_and_the_pdf_in_three_languages(client):
    w = support_world()
    _month(w)
    client.force_login(w["engineer"])
    page = client.get("/support/rapport/?mois=2026-01")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rapport SLA mensuel" in text and "Art. 14" in text and "25,00" in text
    assert "T-" in text and 'class="breach"' in text
    for language, words in (("fr", "Crédits de service"), ("de", "Gutschrift"), ("en", "credit")):
        w["engineer"].language = language  # the reader's own language, as every page
        w["engineer"].save()
        response = client.get("/support/rapport/pdf/?mois=2026-01", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pdf = PdfReader(BytesIO(response.content))
        content = " ".join(p.extract_text() for p in pdf.pages)
        assert words.lower() in content.lower(), (language, content[:400])
        assert "U-" in content and "25" in content
    assert "Monthly SLA report" in client.get("/support/rapport/?mois=2026-01").content.decode()
    w["engineer"].language = "de"
    w["engineer"].save()
    de = client.get("/support/rapport/?mois=2026-01").content.decode()
    assert "SLA-Monatsbericht" in de and "Verspätung" in de


def test_who_sees_which_report(client):
    w = support_world()
    _month(w)
    other = make_client(w["provider"], "Autre")
    stranger = make_client_user(other)
    client.force_login(stranger)
    assert client.get(f"/support/rapport/?client={w['client'].pk}").status_code == 404
    assert client.get(f"/support/rapport/pdf/?client={w['client'].pk}").status_code == 404
    client.force_login(w["admin"])
    mine = client.get("/support/rapport/?mois=2026-01")
    assert mine.status_code == 200 and "U-" in mine.content.decode()
    assert client.get("/support/rapport/?mois=2026-13").status_code == 400
    assert client.get("/support/rapport/pdf/?mois=janvier").status_code == 400
    elsewhere = support_world()
    client.force_login(elsewhere["engineer"])
    assert client.get(f"/support/rapport/?client={w['client'].pk}").status_code == 404
    empty = client.get("/support/rapport/?mois=2026-01").content.decode()
    assert "U-" not in empty and "Aucune demande urgente" in empty


def test_an_empty_month_says_so(client):
    w = support_world()
    client.force_login(w["admin"])
    text = client.get("/support/rapport/?mois=2026-03").content.decode()
    assert "Aucun ticket, aucune urgence et aucun crédit ce mois-ci." in text


def test_an_emergency_before_the_contract_start_is_refused_and_a_past_month_reports(client):
    w = support_world()
    start = w["subscription"].start_date
    assert start == date(2026, 1, 5)
    with pytest.raises(SupportError) as refused:  # 4 January 23:30 Paris: the day before
        emergencies.request_emergency(
            now=at(2026, 1, 4, 22, 30),
            server=w["server"],
            channel="portal",
            description="HS",
            actor=w["admin"],
        )
    assert refused.value.code == "before_contract"
    row = emergencies.request_emergency(  # 5 January 0:30 Paris: the day of
        now=at(2026, 1, 4, 23, 30),
        server=w["server"],
        channel="portal",
        description="HS",
        actor=w["admin"],
    )
    assert row.number_in_year == 1
    # The report of the month before the contract: counters at zero, no 500.
    built = report.client_report(w["client"], date(2025, 12, 1), at(2026, 1, 10, 9))
    assert built.servers[0].quota.used_before == 0 and built.empty
    client.force_login(w["engineer"])
    assert client.get("/support/rapport/?mois=2025-12").status_code == 200

"""Every HTML page carries one Content-Security-Policy (clausier.core.csp, settings'
CONTENT_SECURITY_POLICY): scripts from the site only, no plugin, no framing. The coaching
room adds JaaS (8x8.vc) for its own page; a served upload keeps its stricter policy;
non-HTML answers get none. No page template has an inline script, an `on*=` handler, a
`<style>` block or a `style` attribute left (PDF templates excepted: WeasyPrint reads them,
no browser does)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clausier.accounts.models import ServiceLine
from clausier.coaching import services
from clausier.coaching.models import AvailabilityException, JaasConfig, WeeklySlot
from clausier.core.csp import HEADER, directives_adding, policy_text
from tests.billing.builders import billing_world
from tests.coaching.builders import coaching_world
from tests.coaching.keys import APP_ID, KEY_ID, WEBHOOK_SECRET, key_pair

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "clausier"
# Rendered to PDF on the server (WeasyPrint), never served as a page.
PDF_TEMPLATES = {
    "billing/invoice.html",
    "billing/mandate_pdf.html",
    "training/documents/attendance_sheet.html",
    "training/documents/certificate.html",
    "training/documents/convention.html",
    "support/documents/report.html",
}
EXPECTED = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


def test_the_policy_reads_as_the_settings_say(settings):
    assert policy_text(settings.CONTENT_SECURITY_POLICY) == EXPECTED


@pytest.mark.parametrize("path", ["/connexion/", "/mot-de-passe-oublie/", "/nulle-part/"])
def test_public_pages_and_error_pages_carry_it(client, path):
    answer = client.get(path)
    assert answer[HEADER] == EXPECTED


@pytest.mark.parametrize(
    "path", ["/", "/factures/", "/espace/clients/", "/profil/", "/profil/sessions/"]
)
def test_signed_in_pages_carry_it(client, path):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    client.force_login(w["accountant"])
    answer = client.get(path)
    assert answer.status_code == 200, path
    assert answer[HEADER] == EXPECTED


def test_an_htmx_fragment_carries_it_too(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    client.force_login(w["accountant"])
    assert client.get("/espace/clients/?q=a", HTTP_HX_REQUEST="true")[HEADER] == EXPECTED


def test_the_back_office_carries_it(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    client.force_login(w["owner"])
    for path in ("/admin/", "/admin/accounts/membership/"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer[HEADER] == EXPECTED


def test_with_debug_on_djangos_technical_error_pages_keep_their_inline_styles(client, settings):
    settings.DEBUG = True
    assert HEADER not in client.get("/nulle-part/")
    assert client.get("/connexion/")[HEADER] == EXPECTED


def test_json_answers_get_none(client):
    assert HEADER not in client.get("/api/openapi.json")


def test_the_coaching_room_adds_jaas_to_its_own_page_only(client):
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    JaasConfig.objects.create(
        provider=w.provider,
        app_id=APP_ID,
        key_id=KEY_ID,
        private_key=key_pair()[0],
        webhook_secret=WEBHOOK_SECRET,
    )
    WeeklySlot.objects.filter(coach=w.coach).delete()
    soon = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=soon, ends_at=soon + timedelta(hours=1), available=True
    )
    session = services.book_session(
        now=now, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=soon
    )
    client.force_login(w.members[0])
    answer = client.get(f"/seances/{session.pk}/salle/")
    assert answer.status_code == 200 and b'id="jaas-room"' in answer.content
    policy = directives(answer[HEADER])
    assert policy["script-src"] == ["'self'", "https://8x8.vc"]
    assert policy["frame-src"] == ["'self'", "https://8x8.vc"]
    assert policy["connect-src"] == ["'self'", "https://8x8.vc"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert b"<script>" not in answer.content
    assert "https://8x8.vc" not in client.get(f"/seances/{session.pk}/")[HEADER]


def test_an_added_source_is_not_repeated():
    added = directives_adding({"script-src": ["'self'", "https://8x8.vc"]})
    assert added["script-src"] == ["'self'", "https://8x8.vc"]


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if 'type="application/json"' not in match.group(0):
                found.append(f"{template}: {match.group(0)}")
        found += [f"{template}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
    assert found == []


def page_templates() -> list[Path]:
    return [
        path
        for path in TEMPLATES.rglob("templates/**/*.html")
        if path.as_posix().split("/templates/", 1)[1] not in PDF_TEMPLATES
    ]


def test_no_page_template_has_an_inline_style():
    found = []
    for template in page_templates():
        text = template.read_text()
        found += [f"{template}: {m}" for m in re.findall(r"<style\b|\sstyle=", text)]
    assert found == []

"""A bank status report the parser cannot read is a 400 with its reason, never a 500.

`{"content": "0"}` made csv.Sniffer raise csv.Error ("Could not determine delimiter").
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import Role
from clausier.billing.models import DirectDebit, Payment
from tests.helpers import make_provider, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content",
    ["0", "x", '"', 'end_to_end_id\n"unterminated', "<", "<Document>", "\ufeff;;;\n;"],
)
def test_it_answers_400_to_an_unreadable_report(client, content):
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    _token, secret = services.create_api_token(now=timezone.now(), person=owner, name="t")
    response = client.post(
        "/api/sepa/reports",
        data=json.dumps({"provider_id": provider.pk, "content": content}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_report"
    assert Payment.objects.count() == 0 and DirectDebit.objects.count() == 0


def test_a_readable_report_with_unknown_references_lists_them(client):
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    _token, secret = services.create_api_token(now=timezone.now(), person=owner, name="t")
    response = client.post(
        "/api/sepa/reports",
        data=json.dumps(
            {"provider_id": provider.pk, "content": "end_to_end_id;status\nF2026-9;RJCT\n"}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    assert response.json()["unknown"] == ["F2026-9"]

"""Art. 7.4: a maintenance scheduled and announced may be called off until it starts, with
a reason: the people told of it get a cancellation e-mail (once, in their language), the
banner goes, and it gives no access time back since it interrupted nothing. The API and the
staff page go through the same service; other providers cannot see or cancel it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from clausier.coaching.errors import CoachingError
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.training import access, interruptions
from tests.helpers import make_provider, make_staff
from tests.training.test_api_signs_and_settles import bearer
from tests.training.test_maintenance_is_announced_48_hours_ahead import NOW, schedule, w  # noqa: F401
from tests.training.world import FIRST_START

pytestmark = pytest.mark.django_db


def test_called_off_before_it_starts_it_mails_and_extends_nothing(w):  # noqa: F811
    w["alice"].language = "en"
    w["alice"].save()
    starts = NOW + timedelta(days=3)
    row, _sent = schedule(w, starts, hours=5)
    row, sent = interruptions.cancel_maintenance(
        now=starts - timedelta(minutes=1), actor=w["owner"], row=row, reason="Reportée"
    )
    assert sent == 1 and row.cancelled_at == starts - timedelta(minutes=1)
    mail = OutboxMessage.objects.get(template="maintenance_cancelled")
    assert mail.to_email == w["alice"].email
    assert "cancelled" in mail.subject and "Reportée" in mail.body and "7.4" in mail.body
    entry = AuditEntry.objects.get(action="coaching.maintenance_cancelled")
    assert entry.details["reason"] == "Reportée"
    # Over by its dates, it still extends nobody's access.
    assert interruptions.apply_interruptions(starts + timedelta(days=1)) == 0
    assert access.window(w["enrolment"]).closes_at == FIRST_START + timedelta(days=30)
    with pytest.raises(CoachingError) as again:
        interruptions.cancel_maintenance(now=starts, actor=w["owner"], row=row, reason="x")
    assert again.value.code == "already_cancelled"
    assert OutboxMessage.objects.filter(template="maintenance_cancelled").count() == 1


def test_at_its_start_it_is_too_late_and_a_reason_is_required(w):  # noqa: F811
    starts = NOW + timedelta(days=3)
    row, _sent = schedule(w, starts)
    with pytest.raises(CoachingError) as blank:
        interruptions.cancel_maintenance(now=NOW, actor=w["owner"], row=row, reason="  ")
    assert blank.value.code == "cancel_reason_missing"
    with pytest.raises(CoachingError) as started:
        interruptions.cancel_maintenance(now=starts, actor=w["owner"], row=row, reason="Trop tard")
    assert started.value.code == "maintenance_started"
    row.refresh_from_db()
    assert row.cancelled_at is None
    assert not OutboxMessage.objects.filter(template="maintenance_cancelled").exists()


def test_the_banner_goes_with_the_cancellation(client, w):  # noqa: F811
    starts = NOW + timedelta(days=3)
    row, _sent = schedule(w, starts)
    client.force_login(w["alice"])
    url = reverse("portal:training_home")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert "maintenance-banner" in client.get(url).content.decode()
        interruptions.cancel_maintenance(
            now=NOW + timedelta(hours=1), actor=w["owner"], row=row, reason="Reportée"
        )
        assert "maintenance-banner" not in client.get(url).content.decode()


def test_the_api_cancels_for_its_provider_only(client, w):  # noqa: F811
    starts = NOW + timedelta(days=3)
    row, _sent = schedule(w, starts)
    path = f"/api/interruptions/maintenances/{row.pk}/cancel"
    other = make_staff(make_provider("Autre"), "owner")
    body = json.dumps({"reason": "Reportée"})
    with time_machine.travel(NOW, tick=False):
        hidden = client.post(path, body, content_type="application/json", **bearer(other))
        assert hidden.status_code == 404
        member = client.post(path, body, content_type="application/json", **bearer(w["alice"]))
        assert member.status_code == 404
        done = client.post(path, body, content_type="application/json", **bearer(w["owner"]))
        assert done.status_code == 200, done.content
        assert done.json()["cancel_reason"] == "Reportée" and done.json()["cancelled_at"]
        again = client.post(path, body, content_type="application/json", **bearer(w["owner"]))
    assert again.status_code == 400 and again.json()["code"] == "already_cancelled"


def test_the_staff_page_cancels_with_a_reason(client, w):  # noqa: F811
    starts = NOW + timedelta(days=3)
    row, _sent = schedule(w, starts)
    client.force_login(w["owner"])
    url = reverse("portal:training_interruptions")
    with time_machine.travel(NOW, tick=False):
        page = client.get(url).content.decode()
        assert "cancel-maintenance" in page
        done = client.post(
            url, {"kind": "cancel", "interruption": row.pk, "reason": "Reportée"}, follow=True
        )
        assert client.post(url, {"kind": "cancel", "interruption": "abc"}).status_code == 404
    text = done.content.decode()
    assert "Maintenance annulée" in text and "Reportée" in text
    assert "cancel-maintenance" not in text

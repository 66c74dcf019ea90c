"""Access to the training's content (art. 7.2.1): from enrolment until the training's
access days after the first half-day; staff extend it with a reason (art. 7.3 outage,
7.4 maintenance), audited; the module player refuses once closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from clausier.accounts.errors import NotAllowed
from clausier.core.models import AuditEntry
from clausier.training import access, services
from clausier.training.errors import TrainingError
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, PARIS, training_world

pytestmark = pytest.mark.django_db


def _progress(w, enrolment, now):
    return services.record_module_progress(
        now=now,
        actor=w["alice"],
        enrolment=enrolment,
        module=w["module"],
        minutes=10,
        completed=False,
    )


@pytest.fixture
def w():
    world = training_world()
    world["training"].access_days = 30
    world["training"].save()
    world["enrolment"] = quote_of(world, world["alice"]).enrolments.get()
    return world


def test_access_closes_the_configured_days_after_the_first_half_day(w):
    closes = FIRST_START + timedelta(days=30)
    assert access.window(w["enrolment"]).closes_at == closes
    _progress(w, w["enrolment"], closes - timedelta(minutes=1))
    with pytest.raises(TrainingError) as closed:
        _progress(w, w["enrolment"], closes)
    assert closed.value.code == "access_closed" and "7.2.1" in str(closed.value.message)


def test_access_opens_at_enrolment(w):
    with pytest.raises(TrainingError):
        _progress(w, w["enrolment"], w["enrolment"].enrolled_at - timedelta(minutes=1))
    _progress(w, w["enrolment"], w["enrolment"].enrolled_at)


def test_staff_extend_with_a_reason_and_it_is_audited(w):
    closes = FIRST_START + timedelta(days=30)
    access.extend(
        now=closes,
        actor=w["owner"],
        enrolment=w["enrolment"],
        days=3,
        reason="Panne de la plateforme du 2 au 5 avril",
        clause="7.3",
    )
    assert access.window(w["enrolment"]).closes_at == closes + timedelta(days=3)
    _progress(w, w["enrolment"], closes + timedelta(days=3) - timedelta(minutes=1))
    entry = AuditEntry.objects.get(action="training.access_extended")
    assert entry.actor == w["owner"] and entry.details["clause"] == "Art. 7.3"
    assert entry.details["days"] == 3


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [(0, "x", "invalid_days"), (366, "x", "invalid_days"), (3, "  ", "reason_required")],
)
def test_bad_extensions_are_refused(w, days, reason, code):
    with pytest.raises(TrainingError) as refused:
        access.extend(
            now=FIRST_START, actor=w["owner"], enrolment=w["enrolment"], days=days, reason=reason
        )
    assert refused.value.code == code


def test_only_the_providers_editors_extend(w):
    for who in ("admin", "alice", "accountant"):
        with pytest.raises(NotAllowed):
            access.extend(
                now=FIRST_START, actor=w[who], enrolment=w["enrolment"], days=3, reason="x"
            )


def test_the_quote_page_extends_and_the_player_refuses_once_closed(client, w):
    enrolment = w["enrolment"]
    closes = FIRST_START + timedelta(days=30)
    client.force_login(w["alice"])
    with time_machine.travel(closes, tick=False):
        refused = client.get(f"/formations/modules/{enrolment.pk}/{w['module'].pk}/", follow=True)
        assert "a pris fin" in refused.content.decode()
    client.force_login(w["owner"])
    url = f"/formations/devis/{enrolment.quote_id}/participants/{enrolment.pk}/prolonger/"
    with time_machine.travel(closes, tick=False):
        assert client.post(url, {"days": "abc", "reason": "x"}).status_code == 400
        done = client.post(url, {"days": "7", "reason": "Maintenance du 3 avril", "clause": "7.4"})
    assert done.status_code == 302
    assert access.window(enrolment).extended_days == 7
    client.force_login(w["alice"])
    with time_machine.travel(closes, tick=False):
        player = client.get(f"/formations/modules/{enrolment.pk}/{w['module'].pk}/")
    assert player.status_code == 200 and "Les bases" in player.content.decode()
    client.force_login(w["admin"])
    assert client.post(url, {"days": "7", "reason": "x"}).status_code == 403


def test_across_the_dst_change_access_closes_at_the_local_hour(w):
    # 9 March 09:00 CET + 30 days = 8 April 09:00 CEST (07:00 UTC), not 10:00.
    closes = access.window(w["enrolment"]).closes_at
    assert closes.astimezone(PARIS).hour == 9 and closes.utcoffset() == timedelta(hours=2)

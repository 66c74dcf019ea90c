"""The half-day signing journey in a real headless Chromium (issue 15): the participant
signs the half-day in progress, the trainer marks and validates it, and the attendance
sheet is kept with its hash. The participant's page is read at 390 px wide too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.accounts.models import Role
from clausier.training import services
from clausier.training.models import (
    DocumentKind,
    Enrolment,
    Quote,
    Signature,
    Slot,
    Trainer,
    Training,
    TrainingDocument,
    TrainingSession,
)
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_a_participant_signs_and_the_trainer_validates_the_half_day(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    provider = make_provider("Kestio")
    client = make_client(provider, "Boulangerie")
    coach = make_staff(provider, Role.COACH)
    alice = make_client_user(client, Role.CLIENT_MEMBER)
    now = timezone.now()
    training = Training.objects.create(
        provider=provider, title="Manager coach", duration_hours=Decimal(3), price_ht=Decimal(900)
    )
    session = TrainingSession.objects.create(
        provider=provider,
        training=training,
        trainer=Trainer.objects.create(provider=provider, person=coach),
    )
    # A half-day in progress: begun an hour ago, ending in ten minutes.
    slot = Slot.objects.create(
        session=session,
        day=now.astimezone(PARIS).date(),
        half="am",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(minutes=10),
    )
    quote = Quote.objects.create(
        provider=provider, client=client, session=session, price_ht=Decimal(900)
    )
    enrolment = Enrolment.objects.create(quote=quote, participant=alice)

    page.log_in(alice.email, PASSWORD)
    page.open("/formations/")
    assert "Manager coach" in page.text()
    screenshot("participant sees the half-day to sign")
    page.submit(f"form[action='/formations/demi-journees/{slot.pk}/signer/']")
    assert "Demi-journée signée." in page.text()
    assert "signée" in page.text()
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    screenshot("signed, at 390 px")
    page.driver.set_window_size(1280, 1400)
    page.log_out()

    page.log_in(coach.email, PASSWORD)
    page.open("/formations/")
    assert "Valider la demi-journée" in page.text() and alice.email in page.text()
    page.submit(f"form[action='/formations/demi-journees/{slot.pk}/valider/']")
    assert "Demi-journée validée" in page.text()
    screenshot("trainer validated")

    slot.refresh_from_db()
    assert slot.validated_at is not None
    assert Signature.objects.filter(slot=slot).count() == 2
    assert services.verify_chain(session) == []
    sheet = TrainingDocument.objects.get(kind=DocumentKind.ATTENDANCE_SHEET, slot=slot)
    assert len(sheet.sha256) == 64
    assert enrolment.attendances.get().status == "present"

"""The content journey in a real headless Chromium: a collaborator opens the library from
the menu, downloads the manager's guide (a PDF, as an attachment), then posts a question
in the team's space. Both pages are read at 390 px wide, without sideways scrolling."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.content import services, uploads
from clausier.content.models import ItemKind, Post
from tests.browser.test_journeys_in_a_browser import no_horizontal_scroll
from tests.browser.test_portal_in_a_browser import Page
from tests.content.builders import content_world, pdf_bytes
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: "same-origin"}).then(async (r) => {
  const bytes = new Uint8Array(await r.arrayBuffer());
  done([r.status, r.headers.get("content-disposition"), r.headers.get("x-content-type-options"),
        String.fromCharCode(...bytes.slice(0, 5))]);
});
"""


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any, tmp_path: Path) -> Page:
    settings.STORAGES = {
        **settings.STORAGES,
        "content": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "content"), "base_url": None},
        },
    }
    return Page(browser, live_server.url)


def test_a_collaborator_downloads_the_guide_and_posts_in_the_team_space(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    world = content_world()
    now = timezone.now()
    upload = uploads.store(
        now=now,
        actor=world.coach,
        provider=world.provider,
        name="Guide du manager.pdf",
        stream=io.BytesIO(pdf_bytes()),
    )
    services.create_item(
        now=now,
        actor=world.coach,
        provider=world.provider,
        kind=ItemKind.MANUAL,
        title="Guide du manager",
        language="fr",
        upload=upload,
        plans=[world.plan],
    )
    space = services.open_team_space(
        now=now, actor=world.coach, subscription=world.subscription, title="Équipe Boulangerie"
    )

    page.log_in(world.member.email, PASSWORD)
    page.navigates(page.find("header a[href='/bibliotheque/']").click)
    assert "Guide du manager" in page.text()
    screenshot("library")
    link = page.find(".library-item a.button").get_attribute("href")
    status, disposition, nosniff, head = page.driver.execute_async_script(FETCH, link)
    assert (status, nosniff, head) == (200, "nosniff", "%PDF-")
    assert disposition == 'attachment; filename="guide-du-manager.pdf"'
    page.driver.set_window_size(390, 900)
    assert no_horizontal_scroll(page), "the library scrolls sideways at 390 px"
    page.driver.set_window_size(1280, 1400)

    page.navigates(page.find("header a[href='/espaces/']").click)
    page.navigates(page.find(f"main a[href='/espaces/{space.pk}/']").click)
    page.fill({"body": "Comment préparer l'entretien annuel ?"})
    page.submit("main form")
    assert "Comment préparer l'entretien annuel ?" in page.text()
    assert Post.objects.get().author == world.member
    page.driver.set_window_size(390, 900)
    assert no_horizontal_scroll(page), "the space scrolls sideways at 390 px"
    screenshot("space at 390 px")

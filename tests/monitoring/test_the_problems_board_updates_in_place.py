"""The problems board (art. 3.2) with and without JavaScript (docs/portal.md "HTMX"):
htmx asks for the list alone (`HX-Request`) every 30 s and gets it, the whole page
otherwise; an acknowledgement posted by htmx gets the list back with its outcome, a plain
form post is redirected to the board with a message. Both go through the same service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.monitoring.models import Acknowledgement
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
CRIT, OK = State.CRITICAL, State.OK


def _world():
    start = timezone.now() - timedelta(hours=1)
    world = monitoring_world(start)
    feed(world.service("HTTP"), [OK, CRIT, CRIT, CRIT], start)
    return world


def test_htmx_gets_the_list_alone_and_a_browser_the_page(client):
    world = _world()
    client.force_login(world.engineer)
    fragment = client.get("/supervision/problemes/", **HX)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "<html" not in text and "1 problème non traité" in text
    assert "HX-Request" in fragment["Vary"]
    page = client.get("/supervision/problemes/").content.decode()
    assert "<html" in page and 'hx-trigger="every 30s"' in page
    assert "portal/vendor/htmx.min.js" in page
    # A history restore wants the whole page.
    restore = client.get(
        "/supervision/problemes/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX
    ).content.decode()
    assert "<html" in restore


def test_an_acknowledgement_by_htmx_returns_the_list_with_its_outcome(client):
    world = _world()
    client.force_login(world.engineer)
    service = world.service("HTTP")
    answer = client.post(
        f"/supervision/problemes/{service.pk}/prise-en-compte/", {"comment": "Vu"}, **HX
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "<html" not in text
    assert "l&#x27;escalade est arrêtée" in text and "0 problème" in text
    assert Acknowledgement.objects.get(service=service).comment == "Vu"


def test_a_refused_acknowledgement_by_htmx_says_why_not_a_500(client):
    world = _world()
    client.force_login(world.engineer)
    service = world.service("HTTP")
    url = f"/supervision/problemes/{service.pk}/prise-en-compte/"
    client.post(url, {"comment": "Vu"}, **HX)
    again = client.post(url, {"comment": "Encore"}, **HX)
    assert again.status_code == 200
    assert 'class="error"' in again.content.decode()
    assert Acknowledgement.objects.filter(service=service).count() == 1


def test_without_javascript_the_form_posts_and_redirects(client):
    world = _world()
    client.force_login(world.engineer)
    service = world.service("HTTP")
    answer = client.post(f"/supervision/problemes/{service.pk}/prise-en-compte/", {"comment": "Vu"})
    assert answer.status_code == 302 and answer["Location"] == "/supervision/problemes/"
    page = client.get("/supervision/problemes/").content.decode()
    assert "l&#x27;escalade est arrêtée" in page
    assert Acknowledgement.objects.get(service=service).author == world.engineer


def test_a_client_admin_gets_no_board_fragment(client):
    world = _world()
    client.force_login(world.admin)
    assert client.get("/supervision/problemes/", **HX).status_code == 404

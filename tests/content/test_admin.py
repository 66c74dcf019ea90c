"""The back-office adds library files through the same validation as the portal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clausier.content import services
from clausier.content.models import Challenge, LibraryItem
from tests.content.builders import content_world, pdf_bytes

pytestmark = pytest.mark.django_db


def _form(world, **extra):
    data = {
        "provider": world.provider.pk,
        "kind": "manual",
        "title": "Manuel",
        "description": "",
        "language": "fr",
        "url": "",
        "plans": [world.plan.pk],
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_a_coach_adds_a_pdf_open_to_a_plan(client):
    world = content_world()
    client.force_login(world.coach)
    url = reverse("admin:content_libraryitem_add")
    response = client.post(url, _form(world, file=SimpleUploadedFile("m.pdf", pdf_bytes())))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = LibraryItem.objects.get()
    assert item.upload.content_type == "application/pdf"
    assert [g.audience for g in item.grants.all()] == [f"plan:{world.plan.pk}"]


def test_an_svg_named_pdf_is_refused_in_the_form(client):
    world = content_world()
    client.force_login(world.coach)
    svg = SimpleUploadedFile("m.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = client.post(reverse("admin:content_libraryitem_add"), _form(world, file=svg))
    assert response.status_code == 200
    assert "Type de fichier refusé" in response.content.decode()
    assert not LibraryItem.objects.exists()


def test_neither_file_nor_link_is_refused(client):
    world = content_world()
    client.force_login(world.owner)
    response = client.post(reverse("admin:content_libraryitem_add"), _form(world))
    assert response.status_code == 200 and not LibraryItem.objects.exists()


def test_a_coach_sets_a_challenge_in_the_back_office(client):
    world = content_world()
    client.force_login(world.coach)
    response = client.post(
        reverse("admin:content_challenge_add"),
        {
            "provider": world.provider.pk,
            "subscription": world.subscription.pk,
            "title": "Pitch",
            "instructions": "Deux minutes",
            "due_on": "2030-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Challenge.objects.get().created_by == world.coach


def test_a_coach_cannot_attach_another_providers_subscription(client):
    world, other = content_world(), content_world()
    client.force_login(world.coach)
    for provider in (world.provider, other.provider):
        response = client.post(
            reverse("admin:content_challenge_add"),
            {
                "provider": provider.pk,
                "subscription": other.subscription.pk,
                "title": "Intrus",
                "instructions": "x",
                "due_on": "2030-01-01",
            },
        )
        assert response.status_code == 200
    assert not Challenge.objects.exists()


def test_coaches_hide_posts_with_the_back_office_action_and_engineers_cannot(client):
    world = content_world()
    space = services.open_team_space(
        now=timezone.now(), actor=world.coach, subscription=world.subscription, title="Équipe"
    )
    post = services.post(now=timezone.now(), actor=world.member, space=space, body="Spam")
    url = reverse("admin:content_post_changelist")
    data = {"action": "hide_posts", "_selected_action": [post.pk]}
    client.force_login(world.engineer)
    client.post(url, data)
    post.refresh_from_db()
    assert post.hidden_at is None
    client.force_login(world.coach)
    client.post(url, data)
    post.refresh_from_db()
    assert post.hidden_by == world.coach

"""The portal's content pages: library with filters and empty states, downloads with
their headers, a space's thread, chat and edits, a challenge answered with a file."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clausier.content import services, uploads
from clausier.content.models import ItemKind, Post, Submission
from tests.content.builders import content_world, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _file_item(world, data, name, title="Guide", language="fr", kind=ItemKind.MANUAL):
    upload = uploads.store(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        name=name,
        stream=io.BytesIO(data),
    )
    return services.create_item(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        kind=kind,
        title=title,
        language=language,
        upload=upload,
        plans=[world.plan],
    )


def test_the_library_says_what_to_do_when_empty(client):
    world = content_world()
    client.force_login(world.member)
    page = client.get("/bibliotheque/").content.decode()
    assert "Aucun contenu ne vous est encore ouvert" in page
    client.force_login(world.coach)
    assert "La bibliothèque est vide" in client.get("/bibliotheque/").content.decode()


def test_the_library_filters_by_kind_language_and_words(client):
    world = content_world()
    _file_item(world, pdf_bytes(), "a.pdf", title="Manuel du manager")
    _file_item(world, pdf_bytes(), "b.pdf", title="Leitfaden", language="de", kind=ItemKind.TOOL)
    client.force_login(world.member)
    page = client.get("/bibliotheque/").content.decode()
    assert "Manuel du manager" in page and "Leitfaden" in page
    page = client.get("/bibliotheque/?language=de").content.decode()
    assert "Manuel du manager" not in page and "Leitfaden" in page
    page = client.get("/bibliotheque/?kind=manual&q=manager").content.decode()
    assert "Manuel du manager" in page and "Leitfaden" not in page
    page = client.get("/bibliotheque/?q=introuvable").content.decode()
    assert "Aucun contenu ne correspond" in page


def test_a_pdf_downloads_as_an_attachment_and_an_image_shows_inline(client):
    world = content_world()
    pdf = _file_item(world, pdf_bytes(), "Guide du manager.pdf")
    image = _file_item(world, png_bytes(), "schéma.png", title="Schéma")
    client.force_login(world.member)
    response = client.get(f"/bibliotheque/{pdf.pk}/fichier/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guide-du-manager.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    response = client.get(f"/bibliotheque/{image.pk}/fichier/")
    assert response["Content-Disposition"] == 'inline; filename="schema.png"'
    assert response["Content-Type"] == "image/png"


def test_a_client_without_the_plan_gets_404_on_the_file(client):
    world = content_world()
    pdf = _file_item(world, pdf_bytes(), "a.pdf")
    client.force_login(world.other_admin)
    assert client.get(f"/bibliotheque/{pdf.pk}/fichier/").status_code == 404


def test_a_collaborator_posts_replies_chats_and_edits_in_a_space(client):
    world = content_world()
    space = services.open_team_space(
        now=timezone.now(), actor=world.coach, subscription=world.subscription, title="Équipe"
    )
    client.force_login(world.member)
    url = f"/espaces/{space.pk}/"
    assert client.post(url, {"kind": "thread", "body": "Première question"}).status_code == 302
    root = Post.objects.get()
    client.post(url, {"kind": "thread", "body": "Précision", "parent": root.pk})
    client.post(url, {"kind": "chat", "body": "Bonjour à tous"})
    page = client.get(url).content.decode()
    assert "Première question" in page and "Précision" in page and "Bonjour à tous" in page
    edit = f"/espaces/messages/{root.pk}/modifier/"
    assert client.post(edit, {"body": "Question reformulée"}).status_code == 302
    root.refresh_from_db()
    assert root.body == "Question reformulée"
    # Too long for the chat: refused with the text kept in the form.
    long = "x" * 501
    response = client.post(url, {"kind": "chat", "body": long})
    assert response.status_code == 400 and long in response.content.decode()
    # Another person of the team may not edit it, nor moderate.
    client.force_login(world.admin)
    assert client.get(edit).status_code == 404
    assert client.post(f"/espaces/messages/{root.pk}/masquer/").status_code == 404
    client.force_login(world.coach)
    assert client.post(f"/espaces/messages/{root.pk}/masquer/").status_code == 302


def test_a_collaborator_submits_a_challenge_with_a_file_and_the_coach_answers(client):
    world = content_world()
    challenge = services.set_challenge(
        now=timezone.now(),
        actor=world.coach,
        subscription=world.subscription,
        title="Pitch",
        instructions="Deux minutes.",
        due_on=date(2099, 1, 1),
    )
    client.force_login(world.member)
    url = f"/defis/{challenge.pk}/"
    svg = SimpleUploadedFile("pitch.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    refused = client.post(url, {"text": "Mon texte", "file": svg})
    assert refused.status_code == 400 and "Mon texte" in refused.content.decode()
    assert not Submission.objects.exists()
    pdf = SimpleUploadedFile("pitch.pdf", pdf_bytes(), content_type="text/html")
    assert client.post(url, {"text": "Mon texte", "file": pdf}).status_code == 302
    submission = Submission.objects.get()
    assert submission.upload.content_type == "application/pdf" and not submission.late
    assert client.get(f"/defis/rendus/{submission.pk}/fichier/").status_code == 200
    client.force_login(world.coach)
    assert "Mon texte" in client.get(url).content.decode()
    client.post(f"/defis/rendus/{submission.pk}/retour/", {"feedback": "Très clair"})
    client.force_login(world.member)
    assert "Très clair" in client.get(url).content.decode()
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    assert client.get(f"/defis/rendus/{submission.pk}/fichier/").status_code == 404


def test_the_menu_shows_the_content_pages_once_there_is_content(client):
    world = content_world()
    client.force_login(world.member)
    page = client.get("/").content.decode()
    # Nothing published yet (or a hosting client): no content entry in the menu.
    assert "/bibliotheque/" not in page and "/espaces/" not in page and "/defis/" not in page
    _file_item(world, pdf_bytes(), "guide.pdf")
    services.open_team_space(
        now=timezone.now(), actor=world.coach, subscription=world.subscription, title="Équipe"
    )
    services.set_challenge(
        now=timezone.now(),
        actor=world.coach,
        subscription=world.subscription,
        title="Pitch",
        instructions="Deux minutes.",
        due_on=date(2099, 1, 1),
    )
    # The menu's entries are kept NAV_CACHE_SECONDS per person (docs/portal.md, "Speed"):
    # once that has passed, the new content shows in the menu.
    cache.clear()
    page = client.get("/").content.decode()
    assert "/bibliotheque/" in page and "/espaces/" in page and "/defis/" in page
    client.force_login(world.outsider_owner)
    page = client.get("/").content.decode()
    assert "/bibliotheque/" not in page and "/espaces/" not in page and "/defis/" not in page


@pytest.mark.parametrize(
    ("language", "title", "empty"),
    [
        ("de", "Bibliothek", "Noch ist Ihnen kein Inhalt freigegeben"),
        ("en", "Library", "No item is open to you yet"),
    ],
)
def test_the_library_speaks_german_and_english(client, language, title, empty):
    world = content_world()
    world.member.language = language
    world.member.save()
    client.force_login(world.member)
    page = client.get("/bibliotheque/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in page and empty in page

"""The content API as its insiders use it: codes for what is refused, files by multipart."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clausier.accounts import services as accounts_services
from clausier.content import services
from tests.content.builders import content_world, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _auth(person):
    _token, secret = accounts_services.create_api_token(now=timezone.now(), person=person, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _json(client, method, path, body, auth):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **auth
    )


def test_a_coach_publishes_an_item_with_a_file_and_a_collaborator_downloads_it(client):
    world = content_world()
    coach, member = _auth(world.coach), _auth(world.member)
    created = _json(
        client,
        "post",
        "/api/content/items",
        {
            "provider_id": world.provider.pk,
            "kind": "manual",
            "title": "Manuel",
            "language": "fr",
            "url": "https://placeholder.example",
            "plan_ids": [world.plan.pk],
        },
        coach,
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["audiences"] == [f"plan:{world.plan.pk}"]
    svg = SimpleUploadedFile("manuel.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    refused = client.post(f"/api/content/items/{item_id}/file", {"file": svg}, **coach)
    assert refused.status_code == 400 and refused.json()["code"] == "upload_refused"
    pdf = SimpleUploadedFile("Manuel.pdf", pdf_bytes())
    attached = client.post(f"/api/content/items/{item_id}/file", {"file": pdf}, **coach)
    assert attached.status_code == 200 and attached.json()["filename"] == "manuel.pdf"
    assert [i["id"] for i in client.get("/api/content/items", **member).json()["items"]] == [
        item_id
    ]
    download = client.get(f"/api/content/items/{item_id}/file", **member)
    assert download["Content-Disposition"] == 'attachment; filename="manuel.pdf"'
    assert b"".join(download.streaming_content) == pdf_bytes()
    # A collaborator may read but not add a file: 403.
    png = SimpleUploadedFile("x.png", png_bytes())
    assert (
        client.post(f"/api/content/items/{item_id}/file", {"file": png}, **member).status_code
        == 403
    )


def test_an_oversize_upload_is_a_400_with_its_code(client, settings):
    settings.CONTENT_UPLOAD_MAX_BYTES = 1024
    world = content_world()
    item = services.create_item(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        kind="tool",
        title="Outil",
        language="fr",
        url="https://tool.example",
    )
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" + b"x" * 2000)
    response = client.post(
        f"/api/content/items/{item.pk}/file", {"file": big}, **_auth(world.coach)
    )
    assert response.status_code == 400 and response.json()["code"] == "upload_too_large"


def test_posts_edits_and_moderation_through_the_api(client):
    world = content_world()
    coach, member, admin = _auth(world.coach), _auth(world.member), _auth(world.admin)
    space = _json(
        client,
        "post",
        "/api/content/spaces",
        {"subscription_id": world.subscription.pk, "title": "Équipe"},
        coach,
    ).json()
    posts = f"/api/content/spaces/{space['id']}/posts"
    created = _json(client, "post", posts, {"body": "Bonjour"}, member)
    assert created.status_code == 201
    post_id = created.json()["id"]
    reply = _json(client, "post", posts, {"body": "Salut", "parent_id": post_id}, admin)
    assert reply.json()["parent_id"] == post_id
    too_long = _json(client, "post", posts, {"body": "x" * 501, "kind": "chat"}, member)
    assert too_long.status_code == 400
    assert (
        _json(client, "patch", f"/api/content/posts/{post_id}", {"body": "x"}, admin).status_code
        == 403
    )
    assert (
        _json(
            client, "patch", f"/api/content/posts/{post_id}", {"body": "Bonjour !"}, member
        ).json()["body"]
        == "Bonjour !"
    )
    hide = f"/api/content/posts/{post_id}/hide"
    assert _json(client, "post", hide, {"reason": "x"}, member).status_code == 403
    hidden = _json(client, "post", hide, {"reason": "hors charte"}, coach).json()
    assert hidden["hidden"] is True and hidden["body"] == ""
    listed = client.get(posts, **member).json()["items"]
    assert [p["body"] for p in listed] == ["", "Salut"]


def test_challenges_through_the_api(client):
    world = content_world()
    coach, member = _auth(world.coach), _auth(world.member)
    challenge = _json(
        client,
        "post",
        "/api/content/challenges",
        {
            "subscription_id": world.subscription.pk,
            "title": "Pitch",
            "instructions": "Deux minutes",
            "due_on": "2000-01-01",
        },
        coach,
    )
    assert challenge.status_code == 201
    cid = challenge.json()["id"]
    submitted = _json(
        client, "post", f"/api/content/challenges/{cid}/submission", {"text": "Voilà"}, member
    )
    assert submitted.status_code == 200 and submitted.json()["late"] is True
    sid = submitted.json()["id"]
    answer = _json(
        client, "post", f"/api/content/submissions/{sid}/feedback", {"feedback": "Bien"}, coach
    )
    assert answer.json()["feedback"] == "Bien"
    assert client.get(f"/api/content/challenges/{cid}/submissions", **member).json()["count"] == 1
    # The collaborator sees only their own answers; the admin of a challenge they may not
    # see (another client) gets 404.
    other = _auth(world.other_admin)
    assert client.get(f"/api/content/challenges/{cid}/submissions", **other).status_code == 404

"""Content objects of tenant A / client A1 for the isolation walk (tests/api/world.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from clausier.content import services
from clausier.content.models import (
    Challenge,
    ItemKind,
    LibraryItem,
    Post,
    Space,
    Submission,
    Upload,
)


def content_of_a1(world: Any) -> dict[str, Any]:
    now = timezone.now()
    owner = world.people["owner_a"]
    item = services.create_item(
        now=now,
        actor=owner,
        provider=world.provider_a,
        kind=ItemKind.VIDEO,
        title="SECRET-A1 video",
        language="fr",
        url="https://videos.example/secret-a1",
        plans=[world.subscription_a1.plan],
    )
    space = services.open_team_space(
        now=now, actor=owner, subscription=world.subscription_a1, title="SECRET-A1 team"
    )
    post = Post.objects.create(
        space=space, kind="thread", author=owner, body="SECRET-A1 post", created_at=now
    )
    challenge = Challenge.objects.create(
        provider=world.provider_a,
        subscription=world.subscription_a1,
        title="SECRET-A1 challenge",
        instructions="SECRET-A1",
        due_on=(now + timedelta(days=7)).date(),
        created_by=owner,
        created_at=now,
    )
    submission = Submission.objects.create(
        challenge=challenge,
        author=world.people["member_a1"],
        text="SECRET-A1 answer",
        submitted_at=now,
    )
    return {
        "item_id": item.pk,
        "space_id": space.pk,
        "post_id": post.pk,
        "challenge_id": challenge.pk,
        "submission_id": submission.pk,
    }


def content_untouched(ids: dict[str, Any]) -> bool:
    post = Post.objects.get(pk=ids["post_id"])
    submission = Submission.objects.get(pk=ids["submission_id"])
    return (
        Post.objects.count() == 1
        and post.hidden_at is None
        and post.body == "SECRET-A1 post"
        and submission.feedback == ""
        and submission.text == "SECRET-A1 answer"
    )


def content_objects(ids: dict[str, Any]) -> dict[str, Any]:
    """One object of each content model of A, for the back-office matrix (tests/admin)."""
    item = LibraryItem.objects.get(pk=ids["item_id"])
    upload = Upload.objects.create(
        provider_id=item.provider_id,
        file="p0/not-stored",
        content_type="application/pdf",
        size=0,
        sha256="",
        filename="SECRET-A1.pdf",
    )
    return {
        "content.libraryitem": item,
        "content.space": Space.objects.get(pk=ids["space_id"]),
        "content.post": Post.objects.get(pk=ids["post_id"]),
        "content.challenge": Challenge.objects.get(pk=ids["challenge_id"]),
        "content.submission": Submission.objects.get(pk=ids["submission_id"]),
        "content.upload": upload,
    }

"""Discussion spaces: threads and replies, the author's edits, moderation, chat, and who
hears of a new post (immediately or in the daily digest, never its author)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.content import services
from clausier.content.errors import ContentError, NotAllowedHere
from clausier.content.models import NotifyMode, PostKind
from clausier.content.selectors import visible_posts, visible_spaces
from clausier.notify.models import OutboxMessage
from tests.content.builders import content_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _space(world):
    return services.open_team_space(
        now=NOW, actor=world.coach, subscription=world.subscription, title="Équipe Boulangerie"
    )


def test_the_team_space_is_seen_by_the_team_and_the_provider_only():
    world = content_world(NOW)
    space = _space(world)
    for person in (world.admin, world.member, world.coach, world.owner):
        assert list(visible_spaces(person)) == [space]
    for person in (world.other_admin, world.outsider_owner):
        assert not visible_spaces(person).exists()


def test_a_reply_to_a_reply_joins_the_thread():
    world = content_world(NOW)
    space = _space(world)
    root = services.post(now=NOW, actor=world.member, space=space, body="Question ?")
    reply = services.post(now=NOW, actor=world.coach, space=space, body="Réponse", parent=root)
    again = services.post(now=NOW, actor=world.member, space=space, body="Merci", parent=reply)
    assert again.parent == root
    assert services.thread(space) == [(root, [reply, again])]


def test_outsiders_cannot_post():
    world = content_world(NOW)
    space = _space(world)
    with pytest.raises(NotAllowedHere):
        services.post(now=NOW, actor=world.other_admin, space=space, body="Intrus")


def test_only_the_author_edits_a_post():
    world = content_world(NOW)
    space = _space(world)
    post = services.post(now=NOW, actor=world.member, space=space, body="Brouillon")
    with pytest.raises(NotAllowedHere):
        services.edit(now=NOW, actor=world.admin, target=post, body="Changé")
    with pytest.raises(NotAllowedHere):
        services.edit(now=NOW, actor=world.coach, target=post, body="Changé")
    services.edit(now=NOW + timedelta(minutes=1), actor=world.member, target=post, body="Version 2")
    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Version 2", NOW + timedelta(minutes=1))


def test_provider_staff_moderate_and_clients_do_not():
    world = content_world(NOW)
    space = _space(world)
    post = services.post(now=NOW, actor=world.member, space=space, body="Hors sujet")
    with pytest.raises(NotAllowedHere):
        services.hide(now=NOW, actor=world.admin, target=post, reason="x")
    services.hide(now=NOW, actor=world.coach, target=post, reason="Hors charte")
    post.refresh_from_db()
    assert post.hidden_at == NOW and post.hidden_by == world.coach
    with pytest.raises(ContentError):
        services.edit(now=NOW, actor=world.member, target=post, body="Réécrit")


def test_the_chat_lists_short_posts_in_order_and_refuses_long_ones():
    world = content_world(NOW)
    space = _space(world)
    for minute, person in enumerate((world.member, world.coach, world.admin)):
        services.post(
            now=NOW + timedelta(minutes=minute),
            actor=person,
            space=space,
            body=f"ligne {minute}",
            kind=PostKind.CHAT,
        )
    assert [p.body for p in services.chat(space)] == ["ligne 0", "ligne 1", "ligne 2"]
    assert services.thread(space) == []
    with pytest.raises(ContentError):
        services.post(now=NOW, actor=world.member, space=space, body="x" * 501, kind=PostKind.CHAT)
    with pytest.raises(ContentError):
        services.post(now=NOW, actor=world.member, space=space, body="   ")


def test_immediate_notifications_go_to_those_who_chose_them_never_to_the_author():
    world = content_world(NOW)
    space = _space(world)
    for person in (world.member, world.admin, world.coach):
        services.set_notification_mode(person, NotifyMode.IMMEDIATE)
    services.set_notification_mode(world.owner, NotifyMode.OFF)
    post = services.post(now=NOW, actor=world.member, space=space, body="Nouvelle idée")
    recipients = set(
        OutboxMessage.objects.filter(template="content_post").values_list("to_email", flat=True)
    )
    assert recipients == {world.admin.email, world.coach.email}
    message = OutboxMessage.objects.get(to_email=world.admin.email, template="content_post")
    assert "Nouvelle idée" in message.body and "Équipe Boulangerie" in message.subject
    assert message.idempotency_key == f"content-post-{post.pk}-{world.admin.pk}"


def test_the_daily_digest_counts_others_posts_once_a_day():
    world = content_world(NOW)
    space = _space(world)
    services.post(now=NOW, actor=world.member, space=space, body="Un")
    services.post(now=NOW + timedelta(hours=1), actor=world.coach, space=space, body="Deux")
    assert not OutboxMessage.objects.filter(template="content_post").exists()  # digest: default
    services.send_digests(NOW + timedelta(hours=2))
    digests = {m.to_email: m for m in OutboxMessage.objects.filter(template="content_digest")}
    assert set(digests) == {
        world.member.email,
        world.admin.email,
        world.coach.email,
        world.owner.email,
    }
    assert "1" in digests[world.member.email].subject  # the coach's post, not their own
    assert "2" in digests[world.admin.email].subject
    # An hour later: nothing new is sent, the day has not passed.
    services.post(now=NOW + timedelta(hours=3), actor=world.coach, space=space, body="Trois")
    services.send_digests(NOW + timedelta(hours=4))
    assert OutboxMessage.objects.filter(template="content_digest").count() == 4
    # The next day, "Trois" reaches everyone but the coach who wrote it.
    services.send_digests(NOW + timedelta(hours=26))
    assert OutboxMessage.objects.filter(template="content_digest").count() == 4 + 3


def test_hidden_posts_stay_visible_to_the_space_as_rows():
    world = content_world(NOW)
    space = _space(world)
    post = services.post(now=NOW, actor=world.member, space=space, body="x")
    services.hide(now=NOW, actor=world.owner, target=post, reason="spam")
    assert visible_posts(world.admin).filter(pk=post.pk).exists()

"""A coaching session's chat (art. 6.1): opened by a participant or the coach, seen and
written by them only, not by the client's other people nor the provider's other staff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from clausier.coaching import services as coaching
from clausier.content import services
from clausier.content.errors import NotAllowedHere
from clausier.content.models import PostKind, Space, SpaceKind
from clausier.content.selectors import visible_spaces
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
TUESDAY_10 = datetime(2027, 3, 16, 9, tzinfo=UTC)


def test_only_the_participant_and_the_coach_see_and_write_the_session_chat(client):
    w = coaching_world(ORDERED, PAID, members=2)
    member, other = w.members
    session = coaching.book_session(
        now=NOW, actor=member, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    client.force_login(member)
    page = client.get(reverse("portal:coaching_session", args=[session.pk]))
    assert 'id="session-chat"' in page.content.decode()
    opened = client.get(reverse("portal:content_session_chat", args=[session.pk]))
    space = Space.objects.get()
    assert space.kind == SpaceKind.SESSION and space.audience == f"coaching.session:{session.pk}"
    assert opened.url == reverse("portal:content_space", args=[space.pk])
    client.post(opened.url, {"kind": PostKind.CHAT, "body": "Bonjour, je serai là à 10 h."})
    # Asked again: the same space.
    assert services.session_space(now=NOW, actor=w.coach.person, session=session) == space
    services.post(now=NOW, actor=w.coach.person, space=space, body="Parfait.", kind=PostKind.CHAT)
    assert [p.body for p in services.chat(space)] == ["Bonjour, je serai là à 10 h.", "Parfait."]
    assert set(visible_spaces(member)) == {space} and set(visible_spaces(w.coach.person)) == {space}
    for outsider in (other, w.admin, w.owner):
        assert space not in visible_spaces(outsider)
        with pytest.raises(NotAllowedHere):
            services.post(now=NOW, actor=outsider, space=space, body="?", kind=PostKind.CHAT)
    client.force_login(other)
    assert client.get(reverse("portal:content_space", args=[space.pk])).status_code == 404
    assert client.get(reverse("portal:content_session_chat", args=[session.pk])).status_code == 404
    client.force_login(w.admin)  # sees the session (team usage) but is not in it
    assert client.get(reverse("portal:content_session_chat", args=[session.pk])).status_code == 404

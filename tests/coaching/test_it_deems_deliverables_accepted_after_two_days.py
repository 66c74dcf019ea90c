"""Art. 15: a written deliverable is deemed conforming unless the client records a
reservation within two days (to the end of the second day, Paris)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.coaching import deliverables
from clausier.coaching.errors import CoachingError
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
POSTED = datetime(2027, 3, 15, 16, tzinfo=UTC)  # Monday 17:00 Paris
# The window closes at midnight Paris after Wednesday 17 March: 23:00 UTC.
LAST_MINUTE = datetime(2027, 3, 17, 22, 59, tzinfo=UTC)
CLOSED = datetime(2027, 3, 17, 23, 0, tzinfo=UTC)


def posted(w):
    return deliverables.post(
        now=POSTED, actor=w.coach.person, subscription=w.subscription, title="Plan d'action"
    )


def test_without_reservation_it_is_pending_then_accepted_citing_article_15():
    w = coaching_world(ORDERED, PAID)
    d = posted(w)
    assert deliverables.acceptance(d, LAST_MINUTE).status == "pending"
    accepted = deliverables.acceptance(d, CLOSED)
    assert accepted.status == "accepted"
    assert accepted.clause.article == "15"


def test_a_reservation_in_the_window_is_recorded():
    w = coaching_world(ORDERED, PAID)
    d = deliverables.reserve(
        now=LAST_MINUTE, actor=w.admin, deliverable=posted(w), text="Incomplet"
    )
    assert deliverables.acceptance(d, CLOSED).status == "reserved"
    with pytest.raises(CoachingError):
        deliverables.reserve(now=LAST_MINUTE, actor=w.admin, deliverable=d, text="Encore")


def test_a_reservation_after_the_window_is_refused():
    w = coaching_world(ORDERED, PAID)
    with pytest.raises(CoachingError) as refused:
        deliverables.reserve(
            now=CLOSED, actor=w.members[0], deliverable=posted(w), text="Trop tard"
        )
    assert refused.value.code == "deemed_accepted"


def test_only_the_provider_posts_and_only_the_client_reserves():
    w = coaching_world(ORDERED, PAID)
    with pytest.raises(NotAllowed):
        deliverables.post(now=POSTED, actor=w.admin, subscription=w.subscription, title="x")
    other = coaching_world(ORDERED, PAID)
    with pytest.raises(NotAllowed):
        deliverables.reserve(now=POSTED, actor=other.admin, deliverable=posted(w), text="x")

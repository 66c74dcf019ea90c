"""Content audiences `plan:` and `subscription:` follow the subscription's access window
(coaching art. 7.2.2): the client's people keep the library and the team's space until
two months after the subscription's end, to midnight (Paris) of that day, not only while
its status is active. The last day here is Sunday 28 March 2027, when Paris clocks go
forward: access ends at 22:00 UTC, not 23:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.content import audiences, services
from clausier.content.models import ItemKind, SpaceKind
from clausier.content.selectors import visible_challenges, visible_items, visible_spaces
from tests.content.builders import content_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2026, 10, 20, 9, tzinfo=UTC)
END = date(2027, 1, 28)  # the first day without contract
UNTIL = datetime(2027, 3, 28, 22, tzinfo=UTC)  # midnight CEST after Sunday 28 March 2027


def world_with_item_and_space():
    w = content_world(ORDERED)
    item = services.create_item(
        now=ORDERED,
        actor=w.coach,
        provider=w.provider,
        kind=ItemKind.MANUAL,
        title="Manuel",
        language="fr",
        url="https://videos.example/manuel",
        plans=[w.plan],
    )
    by_subscription = services.create_item(
        now=ORDERED,
        actor=w.coach,
        provider=w.provider,
        kind=ItemKind.TOOL,
        title="Outil de l'équipe",
        language="fr",
        url="https://outil.example/",
        plans=[],
    )
    services.grant(by_subscription, [f"subscription:{w.subscription.pk}"], by_app="content")
    space = services.open_space(
        now=ORDERED,
        actor=w.coach,
        provider=w.provider,
        kind=SpaceKind.TEAM,
        title="Équipe",
        audience=f"subscription:{w.subscription.pk}",
    )
    return w, {item, by_subscription}, space


def terminate(w, status=SubscriptionStatus.TERMINATED):
    Subscription.objects.filter(pk=w.subscription.pk).update(end_date=END, status=status)
    w.subscription.refresh_from_db()


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (UNTIL - timedelta(days=1), True),  # Saturday 27 March, the day before
        (datetime(2027, 3, 28, 1, tzinfo=UTC), True),  # the last day, after 02:00 -> 03:00
        (UNTIL - timedelta(microseconds=1), True),  # its last instant
        (UNTIL, False),  # midnight CEST: 22:00 UTC, not 23:00
        (UNTIL + timedelta(days=1), False),  # the day after
    ],
)
def test_a_terminated_subscription_keeps_its_audiences_until_the_access_window_closes(
    moment, open_
):
    w, items, space = world_with_item_and_space()
    terminate(w)
    for person in (w.admin, w.member):
        assert (set(visible_items(person, moment)) == items) is open_
        assert (set(visible_items(person, moment)) == set()) is not open_
        assert (space in visible_spaces(person, moment)) is open_
    held = audiences.audiences_of(w.member, moment)
    assert (f"plan:{w.plan.pk}" in held) is open_
    assert (f"subscription:{w.subscription.pk}" in held) is open_
    members = set(audiences.members_of(f"subscription:{w.subscription.pk}", moment))
    assert ({w.admin, w.member} <= members) is open_
    plan_members = set(audiences.members_of(f"plan:{w.plan.pk}", moment))
    assert ({w.admin, w.member} <= plan_members) is open_
    # The other client of the provider never holds them.
    assert not visible_items(w.other_admin, moment).exists()


def test_an_active_subscription_whose_end_is_notified_stays_open_to_its_window():
    w, items, _space = world_with_item_and_space()
    terminate(w, status=SubscriptionStatus.ACTIVE)  # the end is set, not reached yet
    assert set(visible_items(w.member, datetime(2027, 1, 27, 12, tzinfo=UTC))) == items
    assert set(visible_items(w.member, UNTIL - timedelta(seconds=1))) == items
    assert not visible_items(w.member, UNTIL).exists()


def test_a_subscription_waiting_for_its_first_payment_opens_nothing():
    w, _items, space = world_with_item_and_space()
    Subscription.objects.filter(pk=w.subscription.pk).update(status=SubscriptionStatus.PENDING)
    assert not visible_items(w.member, ORDERED).exists()
    assert space not in visible_spaces(w.member, ORDERED)


def test_the_team_space_s_members_are_the_people_still_in_their_window():
    w, _items, space = world_with_item_and_space()
    terminate(w)
    assert w.member in services.space_members(space, UNTIL - timedelta(hours=1))
    assert w.member not in services.space_members(space, UNTIL)
    assert w.coach in services.space_members(space, UNTIL)  # the provider's coaches stay


def test_the_team_s_challenges_stay_open_to_the_window_too():
    w, _items, _space = world_with_item_and_space()
    challenge = services.set_challenge(
        now=ORDERED,
        actor=w.coach,
        subscription=w.subscription,
        title="Pitch de 2 minutes",
        instructions="Enregistrez votre pitch.",
        due_on=date(2027, 3, 1),
    )
    terminate(w)
    for moment, seen in (
        (UNTIL - timedelta(days=1), True),
        (UNTIL - timedelta(microseconds=1), True),
        (UNTIL, False),
        (UNTIL + timedelta(days=1), False),
    ):
        assert (challenge in visible_challenges(w.member, moment)) is seen, moment
        assert challenge in visible_challenges(w.coach, moment)  # the provider keeps it
    assert not visible_challenges(w.other_admin, UNTIL - timedelta(days=1)).exists()

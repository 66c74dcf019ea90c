"""Who reads a library item: the provider's staff, and people of clients with an active
subscription to a plan the item is granted to (or another audience they hold)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.content import audiences, services
from clausier.content.errors import NotAllowedHere
from clausier.content.models import ItemKind
from clausier.content.selectors import visible_items
from tests.content.builders import content_world

pytestmark = pytest.mark.django_db


def _item(world, plans, title="Manuel"):
    return services.create_item(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        kind=ItemKind.MANUAL,
        title=title,
        language="fr",
        url="https://videos.example/manuel",
        plans=plans,
    )


def test_it_shows_an_item_to_collaborators_and_admins_of_a_granting_plan():
    world = content_world()
    item = _item(world, [world.plan])
    for person in (world.admin, world.member, world.owner, world.coach, world.engineer):
        assert list(visible_items(person)) == [item]


def test_it_hides_an_item_from_clients_without_the_plan_and_from_other_providers():
    world = content_world()
    _item(world, [world.other_plan])
    for person in (world.admin, world.member, world.other_admin, world.outsider_owner):
        assert not visible_items(person).exists()


def test_it_hides_items_once_the_subscription_is_no_longer_active():
    world = content_world()
    _item(world, [world.plan])
    Subscription.objects.filter(pk=world.subscription.pk).update(
        status=SubscriptionStatus.TERMINATED
    )
    assert not visible_items(world.member).exists()


def test_only_the_owner_and_coaches_create_items():
    world = content_world()
    for person in (world.engineer, world.admin, world.outsider_owner):
        with pytest.raises(NotAllowedHere):
            services.create_item(
                now=timezone.now(),
                actor=person,
                provider=world.provider,
                kind=ItemKind.TOOL,
                title="x",
                language="fr",
                url="https://x.example",
            )


def test_another_app_grants_an_item_to_its_own_audience():
    """How training will open an item to a cohort: register the kind, grant the audience."""
    world = content_world()
    item = _item(world, [])
    assert not visible_items(world.other_admin).exists()
    kind = audiences.register(
        audiences.AudienceKind(
            "test.cohort",
            held=lambda person, now: {"test.cohort:1"} if person == world.other_admin else set(),
            members=lambda ident, now: audiences.Person.objects.filter(pk=world.other_admin.pk),
        )
    )
    try:
        services.grant(item, ["test.cohort:1"], by_app="test")
        assert list(visible_items(world.other_admin)) == [item]
        assert not visible_items(world.member).exists()
    finally:
        audiences._KINDS.pop(kind.prefix)

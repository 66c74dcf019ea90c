"""Apps add their pages to the portal's menu through core.navigation, filtered per request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from clausier.core import navigation
from clausier.core.navigation import NavItem, links_for, register


def only_staff(request):
    return request.user.is_staff


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(navigation, "_REGISTRY", {})
    register(NavItem("b", "Factures", "portal:invoices", order=20))
    register(NavItem("a", "Abonnements", "portal:subscriptions", order=10))
    register(
        NavItem(
            "s",
            "Staff",
            "portal:terms",
            order=30,
            visible="tests.core.test_navigation_shows_what_the_apps_register.only_staff",
        )
    )


class _User:
    is_authenticated = True

    def __init__(self, is_staff):
        self.is_staff = is_staff


def test_entries_come_in_order_and_the_current_one_is_marked(registry):
    request = RequestFactory().get("/factures/12/")
    request.user = _User(is_staff=False)
    links = links_for(request)
    assert [link.key for link in links] == ["a", "b"]
    assert [link.active for link in links] == [False, True]


def test_a_predicate_hides_an_entry_from_whom_it_refuses(registry):
    request = RequestFactory().get("/")
    request.user = _User(is_staff=True)
    assert [link.key for link in links_for(request)] == ["a", "b", "s"]


def test_nobody_signed_in_sees_no_entry(registry):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert links_for(request) == []


def test_registering_a_key_again_replaces_it(registry):
    register(NavItem("a", "Autre", "portal:subscriptions", order=99))
    assert [item.key for item in navigation.registered_items()] == ["b", "s", "a"]

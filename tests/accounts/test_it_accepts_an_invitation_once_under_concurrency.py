"""Two clicks on the same link at the same instant: one account, one membership."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.errors import AccountsError
from clausier.accounts.models import Membership, Person, Role
from tests.helpers import make_client, make_client_user, make_provider


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_activate_once():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (DATABASE_URL)")
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    _invitation, token = services.invite(
        now=timezone.now(),
        actor=admin,
        provider=provider,
        client=org,
        email="nina@boulangerie.example",
        role=Role.CLIENT_MEMBER,
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def click() -> None:
        barrier.wait()
        try:
            services.accept_invitation(
                now=timezone.now(), token=token, password="Un-mot-de-passe-42"
            )
            outcomes.append("ok")
        except AccountsError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # an IntegrityError here would be the bug this test hunts
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invalid_invitation"] * 3 + ["ok"], outcomes
    assert Person.objects.filter(email="nina@boulangerie.example").count() == 1
    assert Membership.objects.filter(person__email="nina@boulangerie.example").count() == 1

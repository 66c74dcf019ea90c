"""clausier.core.prepared: a query compiled once answers exactly as its queryset does,
for every argument, on SQLite and PostgreSQL; what cannot be prepared fails loudly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Person, Role
from clausier.core.prepared import DATE, DATETIME, INT, INTS, NotPreparable, Prepared
from tests.helpers import make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db


def _clients_of(ids: Any) -> Any:
    return (
        ClientOrganisation.objects.filter(provider_id__in=ids)
        .select_related("provider")
        .annotate(people=Count("memberships"))
        .order_by("legal_name")
    )


CLIENTS = Prepared(_clients_of, INTS)
ROLES = Prepared(
    lambda person_id: (
        Membership.objects.filter(person_id=person_id)
        .order_by("role")
        .values_list("role", "client_id")
    ),
    INT,
)
JOINED = Prepared(
    lambda since, day: (
        Person.objects.filter(date_joined__gte=since, date_joined__date__lte=day)
        .order_by("email")
        .values_list("email", "date_joined")
    ),
    DATETIME,
    DATE,
)


def _fields(obj: ClientOrganisation) -> tuple[Any, ...]:
    return (obj.pk, obj.legal_name, obj.provider.legal_name, obj.people, obj.email_domains)  # type: ignore[attr-defined]


@pytest.fixture
def world() -> dict[str, Any]:
    kalanda, other = make_provider("Kalanda"), make_provider("Autre")
    clients = [make_client(kalanda, "Boulangerie"), make_client(kalanda, "Atelier")]
    clients.append(make_client(other, "Garage"))
    for client in clients[:2]:
        make_client_user(client, Role.CLIENT_ADMIN)
    make_client_user(clients[0])
    return {"providers": [kalanda, other], "clients": clients}


def test_model_rows_match_the_queryset_with_joins_and_annotations(world: dict[str, Any]) -> None:
    kalanda, other = world["providers"]
    for ids in ([kalanda.pk], [kalanda.pk, other.pk], {other.pk}, [other.pk, kalanda.pk]):
        prepared = CLIENTS.objects(ids)
        assert [_fields(c) for c in prepared] == [_fields(c) for c in _clients_of(ids)]
    # The counts are the annotation's, per client: two people at the first, one at the second.
    assert [c.people for c in CLIENTS.objects([kalanda.pk])] == [1, 2]


def test_values_rows_match_for_each_argument(world: dict[str, Any]) -> None:
    for person in Person.objects.all():
        expected = list(
            Membership.objects.filter(person=person)
            .order_by("role")
            .values_list("role", "client_id")
        )
        assert ROLES.rows(person.pk) == expected
    assert ROLES.rows(10**9) == []


def test_dates_and_times_are_adapted_like_django_does(world: dict[str, Any]) -> None:
    now = timezone.now()
    staff = make_staff(world["providers"][0])
    Person.objects.filter(pk=staff.pk).update(date_joined=now - dt.timedelta(days=3))
    for since in (now - dt.timedelta(days=4), now - dt.timedelta(days=1), now):
        for day in (now.date() - dt.timedelta(days=3), now.date(), now.date() + dt.timedelta(1)):
            expected = list(
                Person.objects.filter(date_joined__gte=since, date_joined__date__lte=day)
                .order_by("email")
                .values_list("email", "date_joined")
            )
            assert JOINED.rows(since, day) == expected
    # Converted as Django converts them: aware datetimes, not the database's strings.
    assert all(
        joined.tzinfo is not None for _, joined in JOINED.rows(now - dt.timedelta(9), now.date())
    )


def test_the_sql_is_compiled_once_per_connection_and_length(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    kalanda, other = world["providers"]
    query = Prepared(_clients_of, INTS)
    query.objects([kalanda.pk])
    assert len(compiled) == 2  # two marker sets, compared
    for _ in range(5):
        query.objects([other.pk])
    assert len(compiled) == 2
    query.objects([kalanda.pk, other.pk])  # another length: another SQL
    assert len(compiled) == 4


def test_each_run_is_one_query_that_the_query_counters_see(world: dict[str, Any]) -> None:
    kalanda = world["providers"][0]
    CLIENTS.objects([kalanda.pk])
    with CaptureQueriesContext(connection) as queries:
        CLIENTS.objects([kalanda.pk])
    assert len(queries.captured_queries) == 1


def test_an_empty_list_answers_like_the_queryset_without_a_query(world: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert CLIENTS.objects([]) == []
    assert queries.captured_queries == []


def test_a_parameter_django_transforms_is_refused_on_first_use(world: dict[str, Any]) -> None:
    by_year = Prepared(lambda year: Person.objects.filter(date_joined__year=year), INT)
    with pytest.raises(NotPreparable):
        by_year.objects(2026)


def test_arguments_and_result_kinds_are_checked(world: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        ROLES.rows()
    with pytest.raises(NotPreparable):
        ROLES.objects(1)
    with pytest.raises(NotPreparable):
        CLIENTS.rows([world["providers"][0].pk])
    dicts = Prepared(lambda pk: Person.objects.filter(pk=pk).values("email"), INT)
    with pytest.raises(NotPreparable):
        dicts.rows(1)


def test_pages_read_the_same_rows_as_djangos_paginator(world: dict[str, Any]) -> None:
    from django.core.paginator import Paginator

    from clausier.core.prepared import Pages

    kalanda = world["providers"][0]
    for n in range(7):
        make_client(kalanda, f"Client{n}")

    def people(ids: Any) -> Any:
        return ClientOrganisation.objects.filter(provider_id__in=ids).order_by("legal_name", "pk")

    pages = Pages(lambda ids: people(ids).values_list("pk", "legal_name"), INTS, per_page=4, kept=2)
    expected = Paginator(people([kalanda.pk]).values_list("pk", "legal_name"), 4)
    listing = Paginator(pages.listing([kalanda.pk]), 4)
    assert listing.count == expected.count == 9
    assert listing.num_pages == 3
    # Pages 1 and 2 prepared, page 3 beyond `kept` read as a plain queryset: all the same.
    for number in (1, 2, 3, 2):
        assert list(listing.page(number).object_list) == list(expected.page(number).object_list)
    assert Paginator(pages.listing([]), 4).count == 0
    with pytest.raises(TypeError):
        pages.listing([kalanda.pk])[1:3]


def test_an_or_with_an_empty_list_keeps_the_other_branch(world: dict[str, Any]) -> None:
    from django.db.models import Q

    kalanda, other = world["providers"]
    garage = world["clients"][2]
    either = Prepared(
        lambda providers, clients: ClientOrganisation.objects.filter(
            Q(provider_id__in=providers) | Q(pk__in=clients)
        ).order_by("pk"),
        INTS,
        INTS,
    )
    assert [c.pk for c in either.objects([], [garage.pk])] == [garage.pk]
    assert [c.pk for c in either.objects([kalanda.pk], [])] == [c.pk for c in world["clients"][:2]]
    assert either.objects([], []) == []
    assert len(either.objects([kalanda.pk, other.pk], [garage.pk])) == 3

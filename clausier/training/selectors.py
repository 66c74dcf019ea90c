"""Who sees which training rows: the provider's staff all of theirs, a client's admins
their organisation's quotes, a participant their own enrolments, a trainer their sessions.
Used by the API and the pages alike."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clausier.accounts import scoping
from clausier.accounts.models import Role
from clausier.accounts.reach import request_reach
from clausier.training.models import (
    Enrolment,
    Quote,
    Slot,
    Training,
    TrainingDocument,
    TrainingSession,
)


def visible_trainings(person: Any) -> QuerySet[Training]:
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person)
    return Training.objects.filter(
        Q(provider_id__in=providers)
        | Q(sessions__quotes__client_id__in=clients)
        | Q(sessions__trainer__person_id=_pk(person))
    ).distinct()


def visible_sessions(person: Any) -> QuerySet[TrainingSession]:
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    pk = _pk(person)
    return (
        TrainingSession.objects.filter(
            Q(provider_id__in=providers)
            | Q(quotes__client_id__in=clients)
            | Q(trainer__person_id=pk)
            | Q(quotes__enrolments__participant_id=pk)
        )
        .distinct()
        .select_related("training", "trainer__person")
    )


def visible_quotes(person: Any) -> QuerySet[Quote]:
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    return Quote.objects.filter(
        Q(provider_id__in=providers) | Q(client_id__in=clients)
    ).select_related("client", "session__training")


def visible_enrolments(person: Any) -> QuerySet[Enrolment]:
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    pk = _pk(person)
    return Enrolment.objects.filter(
        Q(quote__provider_id__in=providers)
        | Q(quote__client_id__in=clients)
        | Q(participant_id=pk)
        | Q(quote__session__trainer__person_id=pk)
    ).select_related("quote__session__training", "participant", "quote__client")


def _pk(person: Any) -> int:
    # Anonymous: 0 matches no row.
    return int(getattr(person, "pk", None) or 0)


def trainer_slots(person: Any) -> QuerySet[Slot]:
    return Slot.objects.filter(session__trainer__person_id=_pk(person))


def participant_slots(person: Any) -> QuerySet[Slot]:
    return Slot.objects.filter(
        session__quotes__enrolments__participant_id=_pk(person),
        session__quotes__enrolments__status="active",
    ).distinct()


def sees_trainings(request: HttpRequest) -> bool:
    """The menu entry (one query at most, on the request's reach): staff and client
    administrators of a provider with a training catalogue, participants, trainers."""
    reach = request_reach(request)
    person = _pk(request.user)
    return Training.objects.filter(
        Q(provider_id__in=set(reach.staff))
        | Q(provider_id__in={reach.client_providers[c] for c in reach.admin_client_ids})
        | Q(sessions__quotes__enrolments__participant_id=person)
        | Q(sessions__trainer__person_id=person)
    ).exists()


def visible_slots(person: Any) -> QuerySet[Slot]:
    return Slot.objects.filter(session__in=visible_sessions(person)).select_related(
        "session__trainer", "session__training"
    )


def visible_documents(person: Any) -> QuerySet[TrainingDocument]:
    """Staff: their provider's; client admins: their people's certificates and the sheets
    of sessions they bought; participants: their own certificates."""
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    return TrainingDocument.objects.filter(
        Q(provider_id__in=providers)
        | Q(enrolment__quote__client_id__in=clients)
        | Q(enrolment__participant_id=_pk(person))
    )


def sees_bpf(request: HttpRequest) -> bool:
    """The menu entry: owners and accountants of a provider with a training catalogue."""
    reach = request_reach(request)
    providers = reach.staff_provider_ids({Role.OWNER.value, Role.ACCOUNTANT.value})
    return bool(providers) and Training.objects.filter(provider_id__in=providers).exists()


def sees_interruptions(request: HttpRequest) -> bool:
    """The menu entry: the owners and engineers who record the application's outages and
    maintenances (art. 7.3, 7.4)."""
    return bool(request_reach(request).staff_provider_ids({Role.OWNER.value, Role.ENGINEER.value}))

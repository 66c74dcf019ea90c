"""A person's private iCal feed: an unguessable URL a calendar app polls. The token is
shown once and kept hashed (SHA-256), like API tokens; a new one revokes the old URL."""

from __future__ import annotations

import hashlib
import secrets

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from clausier.accounts.models import Person
from clausier.coaching import ical
from clausier.coaching.models import CalendarFeed, CoachingSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(person: Person) -> str:
    """A new feed token for `person` (the previous URL stops working)."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        person=person, defaults={"token_hash": _hash(token), "created_at": timezone.now()}
    )
    return token


def sessions_of(person: Person) -> list[CoachingSession]:
    return list(
        CoachingSession.objects.filter(Q(participants__person=person) | Q(coach__person=person))
        .distinct()
        .select_related("coach__person", "subscription")
        .order_by("starts_at")
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    entry = CalendarFeed.objects.filter(token_hash=_hash(token)).select_related("person").first()
    if entry is None or not entry.person.is_active:
        raise Http404
    body = ical.feed(sessions_of(entry.person), timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response

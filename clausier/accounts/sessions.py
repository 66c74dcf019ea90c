"""A person's open sessions: listed on their profile, ended one by one or all at once
("log out everywhere", issue 16).

Each login records a `SignedInSession` (the session key sealed, its SHA-256 to find it);
logging out removes it. Ending a session deletes it from the session store (database and
cache: `SESSION_ENGINE` is cached_db). "Log out everywhere" also raises the person's
`session_epoch`, which enters the session authentication hash
(`Person.get_session_auth_hash`): every other session, recorded or not (opened before
this page existed, or by the test client), is refused at its next request. The current
session is kept, its hash renewed.
"""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from clausier.accounts.models import Person, SignedInSession
from clausier.core import audit
from clausier.core.http import client_ip


def _store(session_key: str | None = None) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def record_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """`user_logged_in` receiver: remember this session for the person's sessions page."""
    key = getattr(request, "session", None) and request.session.session_key
    if not key or not isinstance(user, Person):
        return
    SignedInSession.objects.update_or_create(
        key_hash=SignedInSession.hash_key(key),
        defaults={
            "person": user,
            "sealed_key": key,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "ip_address": client_ip(request),
        },
    )


def forget_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """`user_logged_out` receiver (runs before the session is flushed)."""
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        SignedInSession.objects.filter(key_hash=SignedInSession.hash_key(key)).delete()


def open_sessions(person: Person, now: datetime) -> list[SignedInSession]:
    """The person's recorded sessions that the session store still holds, newest first;
    records of sessions expired or flushed elsewhere are removed on the way."""
    live, gone = [], []
    for record in SignedInSession.objects.filter(person=person):
        if _store(record.sealed_key).exists(record.sealed_key):
            live.append(record)
        else:
            gone.append(record.pk)
    if gone:
        SignedInSession.objects.filter(pk__in=gone).delete()
    return live


def is_current(record: SignedInSession, request: HttpRequest) -> bool:
    key = request.session.session_key
    return key is not None and record.key_hash == SignedInSession.hash_key(key)


def end_session(*, person: Person, record_id: int, request: HttpRequest) -> bool:
    """End one of the person's sessions (not the current one: that is "log out")."""
    record = SignedInSession.objects.filter(person=person, pk=record_id).first()
    if record is None or is_current(record, request):
        return False
    with transaction.atomic():
        _store(record.sealed_key).delete(record.sealed_key)
        record.delete()
        audit.record("person.session_ended", person, actor=person, ip_address=client_ip(request))
    return True


def log_out_everywhere(*, person: Person, request: HttpRequest) -> int:
    """End every session of the person but the current one; the number ended."""
    current = request.session.session_key
    with transaction.atomic():
        others = list(
            SignedInSession.objects.filter(person=person).exclude(
                key_hash=SignedInSession.hash_key(current or "")
            )
        )
        for record in others:
            _store(record.sealed_key).delete(record.sealed_key)
        SignedInSession.objects.filter(pk__in=[r.pk for r in others]).delete()
        Person.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)
        person.refresh_from_db(fields=["session_epoch"])
        audit.record(
            "person.logged_out_everywhere",
            person,
            actor=person,
            details={"sessions": len(others)},
            ip_address=client_ip(request),
        )
    # The current session carries the new hash; every other one fails the check.
    update_session_auth_hash(request, person)
    return len(others)

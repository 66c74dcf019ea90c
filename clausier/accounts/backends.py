"""Log in by e-mail, whatever its case; suspended or revoked people cannot."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from clausier.accounts.models import Person
from clausier.accounts.reach import reach_of, remember_reach
from clausier.accounts.services import may_log_in
from clausier.core.prepared import INT, Prepared

# Read on every signed-in request: compiled once (core.prepared).
_PERSON = Prepared(lambda pk: Person.objects.filter(pk=pk).order_by()[:1], INT)


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        email = (username or kwargs.get("email") or "").strip()
        if not email or not password:
            return None
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            # Hash anyway so that timing does not tell which addresses exist.
            Person().set_password(password)
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return isinstance(user, Person) and may_log_in(user)

    def get_user(self, user_id: int) -> Person | None:
        """The session's person, if they may still be signed in (`may_log_in`: active,
        with a live membership, or a superuser). Their live memberships are read here
        once and kept for the request's menus and selectors (accounts.reach)."""
        found = _PERSON.objects(user_id)
        person = found[0] if found else None
        if person is None or not person.is_active:
            return None
        person_reach = reach_of(person)
        if not person.is_superuser and not (person_reach.staff or person_reach.clients):
            return None
        remember_reach(person, person_reach)
        return person


class LoginLimitBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked-out login before any password
    is checked (clausier.accounts.logins).

    Every login door is an HTTP request and passes it; `authenticate()` without a request
    comes from code (the shell, the test client's `login`), which has no address to count
    and is no door, so it goes on to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None

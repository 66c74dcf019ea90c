"""Log in by e-mail, whatever its case; suspended or revoked people cannot."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from clausier.accounts.models import Person
from clausier.accounts.services import may_log_in


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
        person = Person.objects.filter(pk=user_id).first()
        return person if person is not None and may_log_in(person) else None


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

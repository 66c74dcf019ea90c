"""Self-service account recovery: forgotten password, change of e-mail address.

Both send a link through the outbox (by accounts.mail, which notify plugs in), never
SMTP directly; the link is a secret context value, sealed in the outbox row and never
stored in a rendered body.

- Password reset uses Django's token (`default_token_generator`): it expires after
  PASSWORD_RESET_TIMEOUT (one hour by default, docs/portal.md) and dies as soon as the
  password changes or the person logs in (the token hashes both). Requests are limited
  per address (PASSWORD_RESET_MAX_PER_HOUR mails an hour to one address, counted in the
  outbox, shared by every process) and the answer never says whether an account exists.
- An e-mail change is confirmed from the new address: a signed token naming the person,
  the old and the new address, valid EMAIL_CHANGE_TTL_HOURS; once the address changed,
  the token no longer matches (single use). The new address must be professional
  (coaching art. 6) and free.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clausier.accounts import mail
from clausier.accounts.errors import AccountsError, TooManyAttempts
from clausier.accounts.models import Person
from clausier.accounts.validators import check_professional_email
from clausier.core import audit
from clausier.core.calendar import DEFAULT_CONTRACT_ZONE
from clausier.core.formatting import format_datetime

EMAIL_CHANGE_SALT = "clausier.accounts.email-change"


def _recent_resets(email: str, now: datetime) -> int:
    return mail.queued_since(
        template="password_reset", to_email=email, since=now - timedelta(hours=1)
    )


def request_password_reset(*, now: datetime, email: str) -> bool:
    """Mail a reset link to the active account with this address, if any.

    Returns whether a mail was queued (the page says the same thing either way).
    Raises TooManyAttempts past the per-address limit.
    """
    if _recent_resets(email, now) >= settings.PASSWORD_RESET_MAX_PER_HOUR:
        raise TooManyAttempts(
            _("Trop de demandes pour cette adresse : réessayez dans une heure."),
        )
    person = Person.objects.filter(email__iexact=email, is_active=True).first()
    if person is None or not person.has_usable_password():
        return False
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    expires = now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    mail.send(
        template="password_reset",
        to_email=person.email,
        language=person.language,
        now=now,
        idempotency_key=f"password_reset:{person.pk}:{now.isoformat()}",
        context={
            "person_name": str(person),
            "reset_url": settings.SITE_URL
            + reverse("portal:password_reset_confirm", args=[uid, token]),
            "expires_at": format_datetime(
                expires, DEFAULT_CONTRACT_ZONE, person.language, "day_and_time"
            ),
        },
    )
    audit.record("person.password_reset_requested", person, actor=None, details={})
    return True


def request_email_change(*, now: datetime, person: Person, new_email: str) -> None:
    new_email = new_email.strip()
    if new_email.lower() == person.email.lower():
        raise AccountsError(_("C'est déjà votre adresse."), "same_email")
    try:
        check_professional_email(new_email)
    except ValidationError as exc:
        raise AccountsError(" ".join(exc.messages), "free_email_domain") from exc
    if Person.objects.filter(email__iexact=new_email).exclude(pk=person.pk).exists():
        raise AccountsError(_("Cette adresse est déjà utilisée par un autre compte."), "taken")
    token = signing.dumps(
        {"p": person.pk, "old": person.email.lower(), "new": new_email}, salt=EMAIL_CHANGE_SALT
    )
    mail.send(
        template="email_change",
        to_email=new_email,
        language=person.language,
        now=now,
        idempotency_key=f"email_change:{person.pk}:{now.isoformat()}",
        context={
            "person_name": str(person),
            "new_email": new_email,
            "confirm_url": settings.SITE_URL + reverse("portal:email_confirm", args=[token]),
            "hours": settings.EMAIL_CHANGE_TTL_HOURS,
        },
    )


def confirm_email_change(*, now: datetime, person: Person, token: str) -> str:
    """Apply the change the token carries; returns the new address."""
    try:
        data: dict[str, Any] = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_TTL_HOURS * 3600
        )
    except signing.SignatureExpired as exc:
        raise AccountsError(_("Ce lien a expiré : refaites la demande."), "expired") from exc
    except signing.BadSignature as exc:
        raise AccountsError(_("Ce lien n'est pas valide."), "invalid") from exc
    if data.get("p") != person.pk or data.get("old") != person.email.lower():
        raise AccountsError(_("Ce lien n'est pas valide ou a déjà servi."), "invalid")
    new_email = str(data["new"])
    if Person.objects.filter(email__iexact=new_email).exclude(pk=person.pk).exists():
        raise AccountsError(_("Cette adresse est déjà utilisée par un autre compte."), "taken")
    old = person.email
    person.email = new_email
    person.save(update_fields=["email"])
    audit.record(
        "person.email_changed", person, actor=person, details={"old": old, "new": new_email}
    )
    return new_email

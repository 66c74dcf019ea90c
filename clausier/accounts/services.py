"""Invitations, activation, suspension and revocation of access, API tokens.

Every function takes `now` and the acting person explicitly, checks what the actor may
do, writes the audit log and queues e-mails in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clausier.accounts import mail, roles, scoping, selectors
from clausier.accounts.errors import AccountsError, InvalidInvitation, NotAllowed
from clausier.accounts.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    ApiToken,
    ClientOrganisation,
    Invitation,
    Membership,
    Person,
    Provider,
    Role,
)
from clausier.accounts.validators import check_professional_email
from clausier.core import audit
from clausier.core.calendar import DEFAULT_CONTRACT_ZONE
from clausier.core.formatting import format_datetime

INVITATION_CLAUSE = gettext_lazy("CGV coaching art. 6.1 — accès à l'application")
SUSPENSION_CLAUSE = gettext_lazy("CGV coaching art. 7.1 — droit d'usage personnel")


def _first_error(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(exc)


def invite(
    *,
    now: datetime,
    actor: Person,
    provider: Provider,
    email: str,
    role: str,
    client: ClientOrganisation | None = None,
    language: str = "fr",
    ip_address: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a collaborator by professional e-mail; returns the invitation and its token."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountsError(
            _("« %(email)s » n'est pas une adresse e-mail valide.") % {"email": email},
            "invalid_email",
        ) from None
    if client is not None and client.provider_id != provider.pk:
        raise NotAllowed(_("Cette organisation n'appartient pas à ce prestataire."))
    _check_may_invite(actor, provider, client, role)
    try:
        check_professional_email(email, client.email_domains if client else None)
    except ValidationError as exc:
        raise AccountsError(_first_error(exc), "not_professional_email") from None
    if language not in dict(settings.LANGUAGES):
        raise AccountsError(
            _("Langue inconnue : %(language)s.") % {"language": language}, "invalid_language"
        )
    already = Membership.objects.filter(
        person__email__iexact=email, provider=provider, client=client, revoked_at__isnull=True
    )
    if already.exists():
        raise AccountsError(
            _("%(email)s a déjà accès à cet espace.") % {"email": email}, "already_member"
        )
    with transaction.atomic():
        Invitation.objects.filter(
            provider=provider,
            client=client,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            provider=provider,
            client=client,
            email=email,
            role=role,
            language=language,
            token_hash=Invitation.hash_token(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        _send_invitation(invitation, token, now)
        audit.record(
            "invitation.sent",
            invitation,
            actor=actor,
            provider=provider,
            client=client,
            details={"email": email, "role": role},
            ip_address=ip_address,
        )
    return invitation, token


def _check_may_invite(
    actor: Person, provider: Provider, client: ClientOrganisation | None, role: str
) -> None:
    if client is None:
        if role not in STAFF_ROLES:
            raise AccountsError(
                _("Rôle invalide pour le personnel du prestataire : %(role)s.") % {"role": role},
                "invalid_role",
            )
        if not scoping.is_owner_of(actor, provider.pk):
            raise NotAllowed(_("Seul un responsable du prestataire peut inviter du personnel."))
        return
    if role not in CLIENT_ROLES:
        raise AccountsError(
            _("Rôle invalide pour un collaborateur client : %(role)s.") % {"role": role},
            "invalid_role",
        )
    if not scoping.can_manage_client(actor, client):
        raise NotAllowed(_("Vous ne pouvez pas inviter de collaborateur dans cette organisation."))
    # Staff who are not owners add collaborators, not client admins (roles.GRANTS).
    roles.check_may_grant(actor, provider, client, role)


def _send_invitation(invitation: Invitation, token: str, now: datetime) -> None:
    invitation.sent_count += 1
    invitation.save(update_fields=["sent_count"])
    inviter = invitation.invited_by
    with translation.override(invitation.language):
        # The provider's contract zone (accounts sits below terms: the default zone).
        expires = format_datetime(
            invitation.expires_at, DEFAULT_CONTRACT_ZONE, invitation.language, "day_and_time"
        )
        role = str(Role(invitation.role).label)
    mail.send(
        template="invitation",
        to_email=invitation.email,
        language=invitation.language,
        provider=invitation.provider,
        reply_to=invitation.provider.support_email,
        now=now,
        idempotency_key=f"invitation:{invitation.pk}:{invitation.sent_count}",
        context={
            "inviter_name": str(inviter) if inviter else invitation.provider.legal_name,
            "organisation": str(invitation.client or invitation.provider),
            "provider": invitation.provider.legal_name,
            "activation_url": settings.SITE_URL + reverse("portal:activate", args=[token]),
            "expires_at": expires,
            "role": role,
        },
    )


def resend_invitation(
    *, now: datetime, actor: Person, invitation: Invitation, ip_address: str | None = None
) -> str:
    """Send a fresh link: the old token stops working, the expiry starts again."""
    if not selectors.visible_invitations(actor).filter(pk=invitation.pk).exists():
        raise NotAllowed(_("Invitation introuvable."))
    if invitation.accepted_at or invitation.revoked_at:
        raise InvalidInvitation(_("Cette invitation n'est plus en attente."))
    with transaction.atomic():
        token = secrets.token_urlsafe(32)
        invitation.token_hash = Invitation.hash_token(token)
        invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at"])
        _send_invitation(invitation, token, now)
        audit.record(
            "invitation.resent",
            invitation,
            actor=actor,
            provider=invitation.provider,
            client=invitation.client,
            ip_address=ip_address,
        )
    return token


def revoke_invitation(
    *, now: datetime, actor: Person, invitation: Invitation, ip_address: str | None = None
) -> None:
    if not selectors.visible_invitations(actor).filter(pk=invitation.pk).exists():
        raise NotAllowed(_("Invitation introuvable."))
    if invitation.accepted_at:
        raise InvalidInvitation(_("Cette invitation a déjà été acceptée."))
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=now)
        audit.record(
            "invitation.revoked",
            invitation,
            actor=actor,
            provider=invitation.provider,
            client=invitation.client,
            ip_address=ip_address,
        )


def pending_invitation(token: str, now: datetime) -> Invitation:
    invitation = (
        Invitation.objects.select_related("provider", "client")
        .filter(token_hash=Invitation.hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvalidInvitation(_("Ce lien d'invitation n'est pas valide."))
    status = invitation.status(now)
    if status == "accepted":
        raise InvalidInvitation(_("Ce lien d'invitation a déjà été utilisé."))
    if status == "revoked":
        raise InvalidInvitation(_("Cette invitation a été annulée."))
    if status == "expired":
        raise InvalidInvitation(_("Ce lien d'invitation a expiré : demandez-en un nouveau."))
    return invitation


def accept_invitation(
    *,
    now: datetime,
    token: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    ip_address: str | None = None,
) -> Person:
    """Activate the account from the e-mailed link, once and only once."""
    invitation = pending_invitation(token, now)
    person = Person.objects.filter(email__iexact=invitation.email).first()
    if person is None:
        candidate = Person(email=invitation.email, first_name=first_name, last_name=last_name)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise AccountsError(" ".join(str(m) for m in exc.messages), "weak_password") from None
    elif not person.check_password(password):
        raise AccountsError(
            _("Un compte existe déjà pour cette adresse : saisissez son mot de passe."),
            "wrong_password",
        )
    with transaction.atomic():
        # The conditional UPDATE makes acceptance single-use even under concurrent clicks.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if claimed != 1:
            raise InvalidInvitation(_("Ce lien d'invitation a déjà été utilisé."))
        if person is None:
            person = Person(
                email=invitation.email,
                first_name=first_name.strip()[:100],
                last_name=last_name.strip()[:100],
                language=invitation.language,
                date_joined=now,
            )
            person.set_password(password)
            person.save()
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    person=person,
                    provider=invitation.provider,
                    client=invitation.client,
                    role=invitation.role,
                    created_at=now,
                )
        except IntegrityError:
            raise InvalidInvitation(_("Vous avez déjà accès à cet espace.")) from None
        if membership.is_staff_side and not person.is_staff:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=person)
        audit.record(
            "invitation.accepted",
            membership,
            actor=person,
            provider=invitation.provider,
            client=invitation.client,
            details={"invitation": invitation.pk},
            ip_address=ip_address,
        )
    return person


def _check_may_manage(actor: Person, membership: Membership) -> None:
    if not selectors.visible_memberships(actor).filter(pk=membership.pk).exists():
        raise NotAllowed(_("Accès introuvable."))
    if membership.person_id == actor.pk:
        raise NotAllowed(_("Vous ne pouvez pas modifier votre propre accès."))
    if membership.is_staff_side and not scoping.is_owner_of(actor, membership.provider_id):
        raise NotAllowed(
            _("Seul un responsable du prestataire peut modifier l'accès du personnel.")
        )


def suspend(
    *,
    now: datetime,
    actor: Person,
    membership: Membership,
    reason: str,
    ip_address: str | None = None,
) -> Membership:
    """Suspend access, e.g. for shared credentials (coaching contract art. 7.1)."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountsError(_("Le motif de la suspension est obligatoire."), "reason_required")
    if not scoping.staff_provider_ids(actor) & {membership.provider_id}:
        raise NotAllowed(_("Seul le personnel du prestataire peut suspendre un accès."))
    _check_may_manage(actor, membership)
    if membership.revoked_at:
        raise AccountsError(_("Cet accès est révoqué."), "revoked")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(
            suspended_at=now, suspension_reason=reason[:2000], suspended_by=actor
        )
        membership.refresh_from_db()
        audit.record(
            "membership.suspended",
            membership,
            actor=actor,
            provider=membership.provider,
            client=membership.client,
            details={"reason": reason, "clause": str(SUSPENSION_CLAUSE)},
            ip_address=ip_address,
        )
        person = membership.person
        mail.send(
            template="access_suspended",
            to_email=person.email,
            language=person.language,
            provider=membership.provider,
            now=now,
            idempotency_key=f"membership:{membership.pk}:suspended:{now.isoformat()}",
            context={
                "person_name": str(person),
                "provider": membership.provider.legal_name,
                "reason": reason,
            },
        )
    return membership


def reinstate(
    *, now: datetime, actor: Person, membership: Membership, ip_address: str | None = None
) -> Membership:
    if not scoping.staff_provider_ids(actor) & {membership.provider_id}:
        raise NotAllowed(_("Seul le personnel du prestataire peut rétablir un accès."))
    _check_may_manage(actor, membership)
    if membership.suspended_at is None:
        raise AccountsError(_("Cet accès n'est pas suspendu."), "not_suspended")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(
            suspended_at=None, suspension_reason="", suspended_by=None
        )
        membership.refresh_from_db()
        audit.record(
            "membership.reinstated",
            membership,
            actor=actor,
            provider=membership.provider,
            client=membership.client,
            ip_address=ip_address,
        )
        person = membership.person
        mail.send(
            template="access_reinstated",
            to_email=person.email,
            language=person.language,
            provider=membership.provider,
            now=now,
            idempotency_key=f"membership:{membership.pk}:reinstated:{now.isoformat()}",
            context={"person_name": str(person), "provider": membership.provider.legal_name},
        )
    return membership


def revoke_membership(
    *, now: datetime, actor: Person, membership: Membership, ip_address: str | None = None
) -> None:
    """Remove a collaborator's access for good (the person keeps other memberships)."""
    _check_may_manage(actor, membership)
    if membership.revoked_at:
        raise AccountsError(_("Cet accès est déjà révoqué."), "revoked")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(revoked_at=now)
        audit.record(
            "membership.revoked",
            membership,
            actor=actor,
            provider=membership.provider,
            client=membership.client,
            ip_address=ip_address,
        )


def create_api_token(*, now: datetime, person: Person, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise AccountsError(_("Donnez au jeton un nom de 1 à 100 caractères."), "invalid_name")
    secret = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person,
            name=name,
            prefix=secret[:12],
            token_hash=ApiToken.hash_token(secret),
            created_at=now,
        )
        audit.record("api_token.created", token, actor=person)
    return token, secret


def revoke_api_token(*, now: datetime, person: Person, token: ApiToken) -> None:
    if token.person_id != person.pk:
        raise NotAllowed(_("Jeton introuvable."))
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        audit.record("api_token.revoked", token, actor=person)


def person_for_api_token(secret: str, now: datetime) -> Person | None:
    """The person behind a bearer token, if the token is live and the person may log in."""
    if not secret or not secret.startswith(settings.API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(token_hash=ApiToken.hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not may_log_in(token.person):
        return None
    # Touch at most once a minute: a busy client should not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


def may_log_in(person: Person) -> bool:
    """Active people with at least one live membership; superusers always."""
    if not person.is_active:
        return False
    return person.is_superuser or scoping.has_active_membership(person)


# Who edits a client organisation besides its own administrators.
CLIENT_EDITORS: frozenset[str] = frozenset({Role.OWNER.value, Role.ACCOUNTANT.value})
# What a client's own administrator may change: where its invoices go and in which
# language. Its legal identity (name, SIREN, VAT number: the buyer on every invoice and
# Factur-X file), its nature (it files the provider's BPF) and its e-mail domains (who may
# be invited into it) are the provider's to record.
CLIENT_ADMIN_FIELDS: frozenset[str] = frozenset(
    {
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "country",
        "billing_email",
        "billing_language",
    }
)


def update_client(
    *,
    actor: Person,
    client: ClientOrganisation,
    changes: dict[str, object],
    ip_address: str | None = None,
) -> ClientOrganisation:
    """Change a client organisation's fields: its provider's owner or accountant, or its
    own administrator (the billing address and its language, issue 16). One path for the
    API and the portal: same permission, validation and audit entry."""
    editors = scoping.staff_provider_ids(actor, set(CLIENT_EDITORS))
    if client.provider_id not in editors and client.pk not in scoping.client_ids(
        actor, {Role.CLIENT_ADMIN}
    ):
        raise NotAllowed(_("Vous ne pouvez pas modifier cette organisation."))
    if client.provider_id not in editors:
        if "kind" in changes:
            raise NotAllowed(_("Seul le prestataire qualifie la nature du client."))
        if set(changes) - CLIENT_ADMIN_FIELDS:
            raise NotAllowed(
                _(
                    "Seul le prestataire modifie la raison sociale, le SIREN, le numéro de"
                    " TVA et les domaines de messagerie du client : écrivez-lui."
                )
            )
    for name, value in changes.items():
        setattr(client, name, value)
    client.full_clean()
    try:
        with transaction.atomic():
            client.save()
            audit.record(
                "client.updated",
                client,
                actor=actor,
                provider=client.provider,
                client=client,
                details={"fields": sorted(changes)},
                ip_address=ip_address,
            )
    except IntegrityError:
        raise AccountsError(_("Un objet du même nom existe déjà."), "duplicate") from None
    return client

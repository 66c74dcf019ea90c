"""Deciding the change requests received by e-mail (art. 10.1; 10.3 for other products):
the session's coach or the provider's owners apply one, cancelling or postponing the
session through the very services of the app's buttons (`coaching.services`), with the
48-clock-hour notice judged at the instant the e-mail was received, not at the instant
of the decision; or dismiss it, saying why. A session changes once (art. 10.1): a
request about a session already changed is refused with that clause. Every step is
audited; the participants get the usual cancellation or new invitation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.coaching import services
from clausier.coaching.changes import Change
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ChangeRequest, Coach, RequestStatus
from clausier.core import audit

CANCEL, POSTPONE = "cancel", "postpone"


def may_decide(person: Person, request: ChangeRequest) -> bool:
    """The session's coach, or an owner of its provider."""
    session = request.session
    if session.provider_id in staff_provider_ids(person, {Role.OWNER.value}):
        return True
    return session.coach.person_id == person.pk and session.provider_id in staff_provider_ids(
        person, {Role.COACH.value}
    )


def _claim(request: ChangeRequest, actor: Person, now: datetime, status: str, text: str) -> None:
    claimed = ChangeRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
        status=status, decision=text, decided_by=actor, decided_at=now
    )
    if claimed != 1:
        raise CoachingError(_("Cette demande a déjà été traitée."), "already_decided")


def apply_request(
    *,
    now: datetime,
    actor: Person,
    request: ChangeRequest,
    action: str,
    starts_at: datetime | None = None,
    coach: Coach | None = None,
) -> Change:
    """Cancel or postpone the session as asked, the notice judged at `received_at`."""
    if not may_decide(actor, request):
        raise NotAllowed(_("Seuls le coach de la séance et le prestataire traitent les demandes."))
    if action not in (CANCEL, POSTPONE):
        raise CoachingError(_("Choisissez : annuler ou reporter."), "bad_action")
    if action == POSTPONE and starts_at is None:
        raise CoachingError(_("Indiquez la nouvelle date de la séance."), "starts_at_required")
    session = request.session
    with transaction.atomic():
        if action == CANCEL:
            change = services.cancel_session(
                now=now, actor=actor, session=session, asked_at=request.received_at
            )
        else:
            assert starts_at is not None
            change = services.postpone_session(
                now=now,
                actor=actor,
                session=session,
                starts_at=starts_at,
                coach=coach,
                asked_at=request.received_at,
            )
        decision = _("Annulée") if action == CANCEL else _("Reportée")
        _claim(request, actor, now, RequestStatus.APPLIED, f"{decision} ({change.rule.clause})")
        audit.record(
            "coaching.change_request_applied",
            request,
            actor=actor,
            provider=session.provider,
            client=session.client,
            details={
                "session": session.pk,
                "action": action,
                "received_at": request.received_at.isoformat(),
                "in_time": change.in_time,
                "clause": str(change.rule.clause),
                "replacement": change.replacement.pk if change.replacement else None,
            },
        )
    request.refresh_from_db()
    return change


def dismiss_request(
    *, now: datetime, actor: Person, request: ChangeRequest, reason: str
) -> ChangeRequest:
    """Set a request aside without touching the session, saying why."""
    if not may_decide(actor, request):
        raise NotAllowed(_("Seuls le coach de la séance et le prestataire traitent les demandes."))
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise CoachingError(_("Dites pourquoi la demande est écartée."), "reason_required")
    session = request.session
    with transaction.atomic():
        _claim(request, actor, now, RequestStatus.DISMISSED, reason)
        audit.record(
            "coaching.change_request_dismissed",
            request,
            actor=actor,
            provider=session.provider,
            client=session.client,
            details={"session": session.pk, "reason": reason},
        )
    request.refresh_from_db()
    return request


def visible_requests(person: Any) -> QuerySet[ChangeRequest]:
    """Owners see their provider's requests, a coach those of the sessions they hold, a
    client's administrator the organisation's, a person their own."""
    pid = int(person.pk) if getattr(person, "is_authenticated", False) else 0
    return ChangeRequest.objects.filter(
        Q(session__provider_id__in=staff_provider_ids(person, {Role.OWNER.value}))
        | Q(
            session__coach__person_id=pid,
            session__provider_id__in=staff_provider_ids(person, {Role.COACH.value}),
        )
        | Q(session__client_id__in=client_ids(person, {Role.CLIENT_ADMIN.value}))
        | Q(sender_id=pid, session__client_id__in=client_ids(person))
    ).distinct()


def staff_requests(person: Any) -> QuerySet[ChangeRequest]:
    """The requests the staff page lists: the provider's for owners, a coach's own."""
    pid = int(person.pk) if getattr(person, "is_authenticated", False) else 0
    return ChangeRequest.objects.filter(
        Q(session__provider_id__in=staff_provider_ids(person, {Role.OWNER.value}))
        | Q(
            session__coach__person_id=pid,
            session__provider_id__in=staff_provider_ids(person, {Role.COACH.value}),
        )
    ).distinct()

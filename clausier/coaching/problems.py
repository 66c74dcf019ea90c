"""A problem with a session reported by the client's side (coaching contract art. 7.2.4: "Le
Client s'engage à informer KESTIO dans un délai de vingt-quatre (24) heures de tout
dysfonctionnement technique").

The 24 hours are clock hours (as every "heures" of the contract that does not say
"ouvrées"), counted from the session's end: a report at exactly 24:00 is in time, a minute
later it is refused with the clause. The article sets the deadline only; what follows is
the provider's review: staff (owners) uphold or reject the report, saying why. Upheld (the
coach did not come, the room failed), every seat the session took is credited back to the
allowance (`LedgerKind.CREDITED`, +1, once per seat), since the provider did not deliver
the session it counted; rejected, nothing moves. Every step is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import ledger
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import (
    CoachingSession,
    LedgerEntry,
    LedgerKind,
    ProblemKind,
    ProblemReport,
    ProblemStatus,
    SessionStatus,
)
from clausier.core import audit
from clausier.core.formatting import format_datetime
from clausier.terms.zone import contract_zone

REPORT_WINDOW_KEY = "client.report_malfunction"


def report_deadline(session: CoachingSession) -> tuple[datetime, str]:
    """Art. 7.2.4: the last instant to report a problem with `session`, and the clause."""
    pack = pack_of(session.subscription)
    return session.ends_at + pack.duration(REPORT_WINDOW_KEY), str(pack.clause(REPORT_WINDOW_KEY))


def may_report(person: Person, session: CoachingSession) -> bool:
    """Art. 7.2.4 "Le Client s'engage à informer": the session's participants and the
    client's administrators report."""
    if session.client_id in client_ids(person, {Role.CLIENT_ADMIN.value}):
        return True
    return session.participants.filter(person_id=person.pk).exists() and (
        session.client_id in client_ids(person)
    )


def report_open(person: Person, session: CoachingSession, now: datetime) -> bool:
    """Whether `person` may report a problem with `session` at `now` (art. 7.2.4): a
    participant or the client's administrator, a session booked or held, from its start
    until 24 clock hours after its end, and not already reported by this person. The
    pages show the form on this; `report_problem` checks every condition again."""
    if session.status not in (SessionStatus.BOOKED, SessionStatus.HELD):
        return False
    if now < session.starts_at or now > report_deadline(session)[0]:
        return False
    if not may_report(person, session):
        return False
    return not ProblemReport.objects.filter(session=session, reporter_id=person.pk).exists()


def report_problem(
    *, now: datetime, actor: Person, session: CoachingSession, kind: str, description: str
) -> ProblemReport:
    """A participant (or the client's administrator) reports a problem with a session that
    has begun, within 24 hours after its end (art. 7.2.4)."""
    if not may_report(actor, session):
        raise NotAllowed(_("Seuls les participants et l'administrateur du client signalent."))
    if kind not in ProblemKind.values:
        raise CoachingError(_("Nature du problème inconnue."), "bad_problem_kind")
    if session.status not in (SessionStatus.BOOKED, SessionStatus.HELD):
        raise CoachingError(_("Cette séance a été annulée ou reportée."), "session_not_held")
    if now < session.starts_at:
        raise CoachingError(_("La séance n'a pas encore commencé."), "not_started")
    deadline, clause = report_deadline(session)
    if now > deadline:
        raise CoachingError(
            _(
                "Un problème se signale dans les 24 heures suivant la séance (%(clause)s) : "
                "le délai a expiré le %(deadline)s."
            )
            % {
                "clause": clause,
                "deadline": format_datetime(deadline, contract_zone(), form="day_and_time"),
            },
            "report_too_late",
        )
    try:
        with transaction.atomic():
            report = ProblemReport.objects.create(
                session=session,
                reporter=actor,
                kind=kind,
                description=(description or "").strip()[:2000],
                reported_at=now,
                deadline=deadline,
                clause=clause,
            )
    except IntegrityError as exc:
        raise CoachingError(
            _("Vous avez déjà signalé un problème pour cette séance."), "already_reported"
        ) from exc
    audit.record(
        "coaching.problem_reported",
        report,
        actor=actor,
        provider=session.provider,
        client=session.client,
        details={"session": session.pk, "kind": kind, "deadline": deadline.isoformat()},
    )
    return report


def resolve_problem(
    *, now: datetime, actor: Person, report: ProblemReport, upheld: bool, resolution: str
) -> ProblemReport:
    """Staff (owners) decide: upheld credits every seat of the session back (once)."""
    session = report.session
    if session.provider_id not in staff_provider_ids(actor, {Role.OWNER.value}):
        raise NotAllowed(_("Réservé aux responsables du prestataire."))
    resolution = " ".join((resolution or "").split())[:500]
    if not resolution:
        raise CoachingError(_("Dites ce qui a été décidé et pourquoi."), "resolution_required")
    status = ProblemStatus.UPHELD if upheld else ProblemStatus.REJECTED
    with transaction.atomic():
        claimed = ProblemReport.objects.filter(pk=report.pk, status=ProblemStatus.OPEN).update(
            status=status, resolution=resolution, resolved_by=actor, resolved_at=now
        )
        if claimed != 1:
            raise CoachingError(_("Ce signalement a déjà été traité."), "already_resolved")
        credited = _credit_seats(session, now, report.clause) if upheld else 0
        audit.record(
            "coaching.problem_resolved",
            report,
            actor=actor,
            provider=session.provider,
            client=session.client,
            details={"status": status, "resolution": resolution, "credited": credited},
        )
    report.refresh_from_db()
    return report


def _credit_seats(session: CoachingSession, now: datetime, clause: str) -> int:
    """Each seat that still counts against the allowance (held, consumed or booked, not yet
    returned) gets +1 once."""
    credited = 0
    for seat in session.participants.all():
        moves = set(LedgerEntry.objects.filter(participant=seat).values_list("kind", flat=True))
        if moves & {LedgerKind.RETURNED, LedgerKind.FORCE_MAJEURE, LedgerKind.CREDITED}:
            continue
        ledger.record(seat, LedgerKind.CREDITED, now, clause)
        credited += 1
    return credited


def visible_reports(person: Any) -> QuerySet[ProblemReport]:
    """Staff (owners, coaches) see their provider's reports; a client's administrator the
    organisation's; a person their own."""
    pid = int(person.pk) if getattr(person, "is_authenticated", False) else 0
    return ProblemReport.objects.filter(
        Q(session__provider_id__in=staff_provider_ids(person, {Role.OWNER.value, Role.COACH.value}))
        | Q(session__client_id__in=client_ids(person, {Role.CLIENT_ADMIN.value}))
        | Q(reporter_id=pid)
    ).distinct()


def staff_reports(person: Any) -> QuerySet[ProblemReport]:
    """The reports of the providers where `person` is an owner or a coach (the staff page);
    the client's side sees its own through `visible_reports`."""
    return ProblemReport.objects.filter(
        session__provider_id__in=staff_provider_ids(person, {Role.OWNER.value, Role.COACH.value})
    )

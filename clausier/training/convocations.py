"""Convocations (issue 15): each participant gets an e-mail with the session's half-days
as an iCalendar file (RFC 5545/5546, METHOD:REQUEST), the place or the virtual class
link, the access link, the programme and the prerequisites, and what the contract says
the participant must know: a professional e-mail and a compatible computer (art. 6), the
access to the training space once enrolled (art. 6.1), the access lasting the ordered
duration (art. 7.2.1), participant changes until the first half-day (art. 8.1.2).

Each half-day is one VEVENT whose UID never changes; a change of the session (place, a
half-day's times) raises the session's SEQUENCE and sends the convocation again to those
already convoked, so calendar clients move the events they have; a cancellation (the
provider's, the client's, a participant withdrawn) sends METHOD:CANCEL with the same UIDs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role
from clausier.core import audit
from clausier.notify.services import Attachment, Draft, enqueue_many
from clausier.terms.zone import contract_zone
from clausier.training.errors import TrainingError
from clausier.training.models import (
    Enrolment,
    EnrolmentStatus,
    QuoteStatus,
    SessionStatus,
    Slot,
    TrainingSession,
)

PRODID = "-//Clausier//Training//FR"
CLAUSES = "Art. 6, 6.1, 7.2.1, 8.1.2"
EDITORS = {Role.OWNER.value, Role.COACH.value}


def slot_uid(slot: Slot) -> str:
    return f"training-slot-{slot.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}"


def access_url() -> str:
    return settings.SITE_URL + reverse("portal:training_home")


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name or email)
    if role:
        address.params["role"] = vText(role)
    return address


def calendar(
    session: TrainingSession, enrolment: Enrolment, now: datetime, method: str, sequence: int
) -> bytes:
    """The session's half-days for one participant: REQUEST (convocation) or CANCEL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    training = session.training
    trainer = session.trainer.person
    participant = enrolment.participant
    description = "\n\n".join(
        part
        for part in (
            training.objectives,
            training.programme,
            training.prerequisites,
            access_url(),
        )
        if part
    )
    for slot in session.slots.order_by("starts_at"):
        event = Event()
        event.add("uid", slot_uid(slot))
        event.add("sequence", sequence)
        event.add("dtstamp", now)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        event.add("summary", f"{training.title} — {slot.get_half_display()}")
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        if session.location:
            event.add("location", session.location)
        event.add("url", access_url())
        event.add("description", description)
        event.add("organizer", _address(trainer.email, trainer.full_name))
        event.add("attendee", _address(participant.email, participant.full_name, "REQ-PARTICIPANT"))
        cal.add_component(event)
    return cal.to_ical()


def _half_days(session: TrainingSession, language: str) -> str:
    zone = contract_zone()
    lines = []
    with translation.override(language):
        for slot in session.slots.order_by("starts_at"):
            day = formats.date_format(slot.day, "DATE_FORMAT")
            lines.append(
                f"- {day}, {slot.get_half_display()} : "
                f"{slot.starts_at.astimezone(zone):%H:%M}–{slot.ends_at.astimezone(zone):%H:%M}"
            )
    return "\n".join(lines)


def _context(session: TrainingSession, enrolment: Enrolment) -> dict[str, object]:
    training = session.training
    language = enrolment.participant.language
    with translation.override(language):
        place = session.location or _("en ligne, depuis votre espace de formation")
    return {
        "provider": session.provider.legal_name,
        "title": training.title,
        "half_days": _half_days(session, language),
        "hours": training.duration_hours,
        "place": place,
        "url": access_url(),
        "programme": training.programme,
        "prerequisites": training.prerequisites,
        "trainer": str(session.trainer),
        "clause": CLAUSES,
    }


def _require_editor(actor: object, session: TrainingSession) -> None:
    if actor is None:
        return
    if session.provider_id not in scoping.staff_provider_ids(actor, EDITORS):
        raise NotAllowed(_("Réservé à l'équipe du prestataire."))


def _enrolled(session: TrainingSession) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(
            quote__session=session,
            quote__status=QuoteStatus.ACCEPTED,
            status=EnrolmentStatus.ACTIVE,
        )
        .select_related("participant")
        .order_by("pk")
    )


def _drafts(
    session: TrainingSession,
    enrolments: Iterable[Enrolment],
    now: datetime,
    method: str,
    sequence: int | None = None,
) -> list[Draft]:
    sequence = session.ical_sequence if sequence is None else sequence
    template = "training_convocation" if method == "REQUEST" else "training_convocation_cancelled"
    filename = "convocation.ics" if method == "REQUEST" else "annulation.ics"
    drafts = []
    for enrolment in enrolments:
        attachment = Attachment(
            filename,
            f"text/calendar; method={method}; charset=utf-8",
            calendar(session, enrolment, now, method, sequence),
        )
        drafts.append(
            Draft(
                template,
                enrolment.participant.email,
                enrolment.participant.language,
                _context(session, enrolment),
                f"training:session:{session.pk}:{sequence}:{method.lower()}:{enrolment.pk}",
                session.provider,
                attachments=(attachment,),
            )
        )
    return drafts


def send_convocations(*, now: datetime, actor: object, session: TrainingSession) -> int:
    """Convoke every participant not yet convoked to the session's current version."""
    _require_editor(actor, session)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError(_("Cette session n'est plus programmée."))
    if not session.slots.exists():
        raise TrainingError(_("La session n'a aucune demi-journée."))
    first = session.slots.order_by("starts_at").first()
    if first is not None and now >= first.ends_at:
        raise TrainingError(_("La session a commencé : plus de convocation."), "already_started")
    enrolments = [e for e in _enrolled(session) if e.convoked_sequence != session.ical_sequence]
    if not enrolments and not _enrolled(session):
        raise TrainingError(
            _("Aucun participant à convoquer : établissez d'abord un devis."), "no_participant"
        )
    with transaction.atomic():
        sent = enqueue_many(_drafts(session, enrolments, now, "REQUEST"), now)
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
            convoked_at=now, convoked_sequence=session.ical_sequence
        )
        if enrolments:
            audit.record(
                "training.convoked",
                session,
                actor=actor,
                provider=session.provider,
                details={"participants": len(enrolments), "sequence": session.ical_sequence},
            )
    return sent


def resend(*, now: datetime, actor: object, enrolment: Enrolment) -> int:
    """One participant's convocation again (lost, deleted, a new address): the current
    version (same UIDs and SEQUENCE, so calendars keep one event per half-day), queued
    under a key of its own so that it is really sent again, and audited."""
    session = enrolment.quote.session
    _require_editor(actor, session)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError(_("Cette session n'est plus programmée."))
    last = session.slots.order_by("-ends_at").first()
    if last is None:
        raise TrainingError(_("La session n'a aucune demi-journée."))
    if now >= last.ends_at:
        raise TrainingError(_("La session est terminée : plus de convocation."), "ended")
    if enrolment.status != EnrolmentStatus.ACTIVE or enrolment.quote.status != QuoteStatus.ACCEPTED:
        raise TrainingError(_("Cette inscription est retirée ou son devis annulé."), "withdrawn")
    if enrolment.convoked_sequence is None:
        raise TrainingError(
            _("Ce participant n'a pas encore été convoqué : envoyez d'abord les convocations."),
            "not_convoked",
        )
    (draft,) = _drafts(session, [enrolment], now, "REQUEST")
    keyed = replace(draft, idempotency_key=f"{draft.idempotency_key}:resent:{now.isoformat()}")
    with transaction.atomic():
        sent = enqueue_many([keyed], now)
        Enrolment.objects.filter(pk=enrolment.pk).update(
            convoked_at=now, convoked_sequence=session.ical_sequence
        )
        audit.record(
            "training.convocation_resent",
            enrolment,
            actor=actor,
            provider=session.provider,
            client=enrolment.quote.client,
            details={"sequence": session.ical_sequence, "clause": CLAUSES},
        )
    return sent


def changed(*, now: datetime, actor: object, session: TrainingSession) -> int:
    """After a change of place or times: SEQUENCE + 1, sent again to those convoked."""
    with transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk).update(
            ical_sequence=session.ical_sequence + 1
        )
        session.refresh_from_db(fields=["ical_sequence"])
        convoked = [e for e in _enrolled(session) if e.convoked_sequence is not None]
        sent = enqueue_many(_drafts(session, convoked, now, "REQUEST"), now)
        Enrolment.objects.filter(pk__in=[e.pk for e in convoked]).update(
            convoked_at=now, convoked_sequence=session.ical_sequence
        )
    return sent


def send_cancellation(
    *, now: datetime, session: TrainingSession, enrolments: Iterable[Enrolment]
) -> int:
    """METHOD:CANCEL to the convoked among `enrolments`, at SEQUENCE + 1 (the whole
    session cancelled keeps that version; one participant withdrawn leaves the others')."""
    convoked = [e for e in enrolments if e.convoked_sequence is not None]
    if not convoked:
        return 0
    sequence = session.ical_sequence + 1
    if session.status == SessionStatus.CANCELLED:
        TrainingSession.objects.filter(pk=session.pk).update(ical_sequence=sequence)
        session.ical_sequence = sequence
    sent = enqueue_many(_drafts(session, convoked, now, "CANCEL", sequence), now)
    Enrolment.objects.filter(pk__in=[e.pk for e in convoked]).update(convoked_sequence=None)
    return sent


def send_withdrawal(*, now: datetime, enrolment: Enrolment) -> int:
    return send_cancellation(now=now, session=enrolment.quote.session, enrolments=[enrolment])

"""Each session's JaaS room: who may join, with which token; attendance from the room's
webhooks (coaching art. 6.1). The JaaS protocol itself is `coaching.jaas`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Person, Provider
from clausier.coaching import jaas
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import (
    Attendance,
    CoachingSession,
    JaasConfig,
    JaasEvent,
    SessionStatus,
)


@dataclass(frozen=True, slots=True)
class Join:
    domain: str
    app_id: str
    room: str
    token: str
    url: str


def account_of(provider_id: int) -> jaas.Account:
    config = JaasConfig.objects.filter(provider_id=provider_id).first()
    if config is None:
        raise CoachingError(
            _("La visioconférence n'est pas configurée pour ce prestataire."), code="no_video"
        )
    return jaas.Account(config.app_id, config.key_id, config.private_key, config.webhook_secret)


def join(*, now: datetime, session: CoachingSession, person: Person) -> Join:
    """The coach (moderator) or a participant enters the session's room."""
    is_coach = session.coach.person_id == person.pk
    if not is_coach and not session.participants.filter(person=person).exists():
        raise CoachingError(_("Vous ne participez pas à cette séance."), code="not_a_participant")
    if session.status != SessionStatus.BOOKED:
        raise CoachingError(_("Cette séance n'a plus lieu."), code="session_not_live")
    account = account_of(session.provider_id)
    user = jaas.User(
        id=str(person.pk),
        name=person.full_name or person.email,
        email=person.email,
        moderator=is_coach,
    )
    try:
        token = jaas.join_token(
            account, session.room_name, user, session.starts_at, session.ends_at, now
        )
    except jaas.RoomNotOpen as exc:
        raise CoachingError(
            _("La salle ouvre quelques minutes avant le début de la séance."),
            code="room_not_open",
        ) from exc
    return Join(
        jaas.JAAS_DOMAIN,
        account.app_id,
        session.room_name,
        token,
        f"{jaas.room_url(account, session.room_name)}?jwt={token}",
    )


def _webhook_secret(provider_id: int) -> str:
    # Only the secret is read (and decrypted): the webhook has no use for the private key.
    secret = (
        JaasConfig.objects.filter(provider_id=provider_id)
        .values_list("webhook_secret", flat=True)
        .first()
    )
    if secret is None:
        raise CoachingError(
            _("La visioconférence n'est pas configurée pour ce prestataire."), code="no_video"
        )
    return str(secret)


def ingest_webhook(*, provider: Provider, signature: str, body: bytes, now: datetime) -> bool:
    """Verify, store once, and recompute the attendance it changes. False for a duplicate."""
    secret = _webhook_secret(provider.pk)
    jaas.verify_signature(secret, signature, body, now)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise jaas.BadPayload("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise jaas.BadPayload("the body is not a JSON object")
    event = jaas.parse_event(payload)
    try:
        with transaction.atomic():
            JaasEvent.objects.create(
                provider=provider,
                idempotency_key=event.idempotency_key,
                event_type=event.event_type,
                room_name=event.room,
                participant_email=event.email,
                participant_key=jaas.participant_key(event),
                occurred_at=event.occurred_at,
                received_at=now,
                payload=payload,
            )
    except IntegrityError:
        return False  # delivered before: JaaS retries and sometimes sends twice
    session = CoachingSession.objects.filter(provider=provider, room_name=event.room).first()
    if session is not None:
        _recompute_after(session, event)
    return True


def _until(session: CoachingSession, last: datetime | None) -> datetime:
    # A join never followed by a leave counts until the room's last event or the session's
    # end, whichever is later, and never past the room's closing.
    _opens, closes = jaas.room_window(session.starts_at, session.ends_at)
    return min(max(last or session.ends_at, session.ends_at), closes)


def _recompute_after(session: CoachingSession, event: jaas.Event) -> None:
    """Only the seats of the event's participant change, unless the event comes after the
    session's end: it may then move the room's last instant, which bounds everyone's open
    presence (`_until`), and every seat is recounted."""
    if event.occurred_at > session.ends_at:
        recompute_attendance(session)
    else:
        recompute_attendance(session, participant=jaas.participant_key(event))


def recompute_attendance(session: CoachingSession, participant: str | None = None) -> None:
    """Sum each participant's time in the room (or only the seats of `participant`, a
    webhook's participant key). A participant who entered at all is present: the
    contract sets no minimum, and a court reads against the drafter."""
    seats = list(session.participants.select_related("person"))
    rows = JaasEvent.objects.filter(provider_id=session.provider_id, room_name=session.room_name)
    if participant is not None:
        seats = [s for s in seats if participant in (str(s.person_id), s.person.email.lower())]
        if not seats:
            return
        keys = {k for s in seats for k in (str(s.person_id), s.person.email.lower())}
        # The participant's events, and any event after the session's end (what can move
        # the room's last instant past it, `_until`), in one query.
        found = list(
            rows.filter(
                Q(participant_key__in=keys) | Q(occurred_at__gt=session.ends_at)
            ).values_list("event_type", "participant_key", "occurred_at")
        )
    else:
        found = list(rows.values_list("event_type", "participant_key", "occurred_at"))
    last = max((row[2] for row in found), default=None)
    # The stored columns say all presence needs: no payload is parsed again.
    events = [
        jaas.Event("", event_type, "", session.room_name, occurred_at, key, "", "", False)
        for event_type, key, occurred_at in found
    ]
    totals = jaas.presence(events, until=_until(session, last))
    for seat in seats:
        seconds = totals.get(str(seat.person_id)) or totals.get(seat.person.email.lower())
        attended = int(seconds.total_seconds()) if seconds else 0
        seat.attended_seconds = attended
        if session.status == SessionStatus.BOOKED:
            seat.attendance = Attendance.PRESENT if attended > 0 else Attendance.UNKNOWN
        seat.save(update_fields=["attended_seconds", "attendance"])

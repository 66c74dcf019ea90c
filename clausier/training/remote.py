"""Remote half-days' attendance evidence from the video provider (issue 15): the JaaS
webhook's PARTICIPANT_JOINED / PARTICIPANT_LEFT events (stored once by
`coaching.rooms.ingest_webhook` as `JaasEvent`, for every room of the provider) become,
per half-day and participant, the intervals of connection to the session's room, clipped
to the half-day, recorded as `RemoteInterval` rows when the trainer validates the
half-day (then frozen with the countersignature) and printed on the attendance sheet.

Threshold (chosen reading, art. 8.1.2: only hours actually attended are billable to the
OPCO): a participant connected for at least `PRESENT_SHARE` (90 %) of the half-day is
present; connected less, partially present for the connected minutes; never connected,
absent. For a participant with a recorded connection, it caps the presence at
validation (signing marks a whole presence; the trainer may mark fewer minutes, absent
or excused, never more than the connection supports); a presence still needs the
participant's e-signature. A participant with no event at all in the room (joined by
phone, or on site in a blended session) keeps the trainer's status.
Two devices of one person count once; a join never followed by a leave counts until the
half-day's end; a leave without a join is ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from clausier.coaching import jaas
from clausier.coaching.models import JaasEvent
from clausier.training.models import (
    Enrolment,
    Presence,
    RemoteInterval,
    Slot,
)

PRESENT_SHARE = Decimal("0.90")
# Events this long before the half-day count (a participant joins early; the room opens
# before), clipped to its start.
EARLY = timedelta(minutes=30)


def intervals(
    rows: Iterable[tuple[str, str, datetime]], starts: datetime, ends: datetime
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Per participant key, the connection intervals (union over devices) clipped to
    [starts, ends]; `rows` are (event type, participant key, instant) in any order."""
    ordered = sorted(
        (r for r in rows if r[0] in (jaas.JOINED, jaas.LEFT) and r[1]),
        key=lambda r: (r[2], r[0] == jaas.JOINED),
    )
    open_count: dict[str, int] = defaultdict(int)
    since: dict[str, datetime] = {}
    found: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)

    def close(key: str, at: datetime) -> None:
        start, end = max(since.pop(key), starts), min(at, ends)
        if end > start:
            found[key].append((start, end))

    for event_type, key, at in ordered:
        if event_type == jaas.JOINED:
            if open_count[key] == 0:
                since[key] = at
            open_count[key] += 1
        elif open_count[key] > 0:
            open_count[key] -= 1
            if open_count[key] == 0:
                close(key, at)
    for key in list(since):
        close(key, ends)
    return dict(found)


def minutes_of(spans: Iterable[tuple[datetime, datetime]]) -> int:
    return int(sum(((end - start) for start, end in spans), timedelta(0)).total_seconds() // 60)


def proposed(connected: int, slot_minutes: int) -> tuple[str, int]:
    """The status the connection supports: present from 90 % of the half-day, partial
    below (its minutes), absent without any."""
    if connected <= 0:
        return Presence.ABSENT, 0
    if Decimal(connected) >= PRESENT_SHARE * slot_minutes:
        return Presence.PRESENT, slot_minutes
    return Presence.PARTIAL, min(connected, slot_minutes - 1)


def capped(status: str, minutes: int, connected: int, slot_minutes: int) -> tuple[str, int]:
    """A presence (signing marks it whole) never exceeds what the recorded connection
    supports: below 90 % it becomes partial for at most the connected minutes. Absent and
    excused stay as the trainer set them."""
    if status not in (Presence.PRESENT, Presence.PARTIAL):
        return status, minutes
    supported, supported_minutes = proposed(connected, slot_minutes)
    if supported == Presence.PRESENT:
        return status, minutes
    if supported == Presence.ABSENT:
        return str(Presence.ABSENT), 0
    current = minutes if status == Presence.PARTIAL else slot_minutes
    return str(Presence.PARTIAL), min(current, supported_minutes)


def _keys(enrolment: Enrolment) -> set[str]:
    return {str(enrolment.participant_id), enrolment.participant.email.lower()}


def connections(
    slot: Slot, enrolments: list[Enrolment]
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each enrolment's connection intervals to the session's room during the half-day."""
    session = slot.session
    if not session.room_name:
        return {}
    rows = JaasEvent.objects.filter(
        provider_id=session.provider_id,
        room_name=session.room_name,
        occurred_at__gte=slot.starts_at - EARLY,
        occurred_at__lte=slot.ends_at,
    ).values_list("event_type", "participant_key", "occurred_at")
    by_key = intervals(list(rows), slot.starts_at, slot.ends_at)
    result: dict[int, list[tuple[datetime, datetime]]] = {}
    for enrolment in enrolments:
        spans = _merged(sorted(span for key in _keys(enrolment) for span in by_key.get(key, [])))
        if spans:
            result[enrolment.pk] = spans
    return result


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    # One person's events may carry their id or their e-mail: overlapping spans count once.
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def record(slot: Slot, enrolments: list[Enrolment]) -> dict[int, int]:
    """Store the half-day's intervals (replacing any earlier reading) and return each
    enrolment's connected minutes. Called inside the validation's transaction."""
    found = connections(slot, enrolments)
    with transaction.atomic():
        RemoteInterval.objects.filter(slot=slot).delete()
        RemoteInterval.objects.bulk_create(
            RemoteInterval(slot=slot, enrolment_id=pk, joined_at=start, left_at=end)
            for pk, spans in found.items()
            for start, end in spans
        )
    return {pk: minutes_of(spans) for pk, spans in found.items()}

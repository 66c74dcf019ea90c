"""The coaching app's refusals, said to a person (translatable) with a stable code."""

from __future__ import annotations

from clausier.core.errors import DomainError


class CoachingError(DomainError):
    code = "coaching_refused"


class SlotTaken(CoachingError):
    """The coach or a participant is already booked then (answered 409 by the API)."""

    code = "slot_taken"


class AllowanceExhausted(CoachingError):
    code = "allowance_exhausted"


class AlreadyChanged(CoachingError):
    """A session is changed once (art. 10.1): answered 409."""

    code = "session_already_changed"

"""The training app's refusals, said to a person (the API answers {"code", "message"})."""

from __future__ import annotations

from clausier.core.errors import DomainError


class TrainingError(DomainError):
    code = "training_refused"


class HoursMismatch(TrainingError):
    """Hours differ between the agreement, the attendance, the certificates and an invoice."""

    code = "training_hours_mismatch"

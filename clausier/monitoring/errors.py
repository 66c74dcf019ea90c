from __future__ import annotations

from django.core.exceptions import ValidationError

from clausier.core.errors import DomainError


class MonitoringError(DomainError):
    code = "monitoring_refused"

    @classmethod
    def invalid(cls, exc: ValidationError) -> MonitoringError:
        if hasattr(exc, "error_dict"):
            parts = [
                f"{field}: {' '.join(str(m) for m in msgs)}"
                for field, msgs in exc.message_dict.items()
            ]
            return cls("; ".join(parts), "invalid_service")
        return cls(" ".join(str(m) for m in exc.messages), "invalid_service")

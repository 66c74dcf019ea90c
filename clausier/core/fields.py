"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models

from clausier.core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with `clausier.core.crypto` (Fernet, rotatable keys).

    The column holds only the Fernet token; Python code sees the plain text. Fernet is
    randomised, so the field cannot be filtered on by value, which is what we want for
    secrets. An empty value stays empty (nothing to protect, and "not set" stays visible).
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return crypto.unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.seal(str(value))

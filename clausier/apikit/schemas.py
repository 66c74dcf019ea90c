"""What every API payload shares: strict inputs (unknown fields refused) and the error body.

Each app's own payloads live in its `schemas.py`, next to its router."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, model_validator


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL characters are not allowed in text")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)


class StrictIn(Schema):
    """Unknown fields refused; no NUL characters (PostgreSQL text cannot hold them)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        _refuse_nul(data)
        return data


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}

"""The one pagination of every API list: limit and offset bounded in the schema.

Unbounded, `offset=9223372036854775808` reached the database ("datatype mismatch" on
SQLite, out of range on PostgreSQL); bounded, it is a documented 422 like any bad input.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
# Far beyond any list a provider has; keeps offset + limit inside a signed 32-bit integer.
MAX_OFFSET = 1_000_000_000


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

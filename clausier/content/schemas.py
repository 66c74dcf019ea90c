"""API payloads of content: library items, spaces and posts, challenges and submissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from clausier.apikit.schemas import StrictIn


class ItemOut(Schema):
    id: int
    provider_id: int
    kind: str
    title: str
    description: str
    language: str
    url: str
    has_file: bool
    filename: str | None
    content_type: str | None
    audiences: list[str]


class ItemIn(StrictIn):
    provider_id: int
    kind: Literal["manual", "document", "video", "replay", "tool"]
    title: str = Field(min_length=1, max_length=200)
    language: Literal["fr", "de", "en"]
    description: str = Field("", max_length=5000)
    # A link (video host, online tool); a file is attached afterwards (POST .../file).
    url: str = Field(min_length=1, max_length=200)
    plan_ids: list[int] = Field(default_factory=list, max_length=50)


class SpaceOut(Schema):
    id: int
    provider_id: int
    kind: str
    title: str
    audience: str


class TeamSpaceIn(StrictIn):
    subscription_id: int
    title: str = Field(min_length=1, max_length=200)


class PostOut(Schema):
    id: int
    space_id: int
    kind: str
    parent_id: int | None
    author: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    hidden: bool


class PostIn(StrictIn):
    body: str = Field(min_length=1, max_length=20_000)
    kind: Literal["thread", "chat"] = "thread"
    parent_id: int | None = None


class PostEditIn(StrictIn):
    body: str = Field(min_length=1, max_length=20_000)


class HideIn(StrictIn):
    reason: str = Field("", max_length=200)


class ChallengeOut(Schema):
    id: int
    subscription_id: int
    title: str
    instructions: str
    due_on: date


class ChallengeIn(StrictIn):
    subscription_id: int
    title: str = Field(min_length=1, max_length=200)
    instructions: str = Field(min_length=1, max_length=20_000)
    due_on: date


class SubmissionOut(Schema):
    id: int
    challenge_id: int
    author: str
    text: str
    submitted_at: datetime
    late: bool
    has_file: bool
    feedback: str
    feedback_at: datetime | None


class SubmissionIn(StrictIn):
    text: str = Field(min_length=1, max_length=20_000)


class FeedbackIn(StrictIn):
    feedback: str = Field(min_length=1, max_length=20_000)

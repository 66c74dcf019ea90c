"""Which notices a person receives: the kinds apps register, and each person's opt-outs.

An app registers the kinds of notice it sends (`register_notice`, from its
AppConfig.ready()) and asks `wanted_by` before queueing one. A kind marked `mandatory`
is a legal notice the contract obliges the provider to give (a price increase, coaching
art. 8.1; new terms, managed hosting art. 11): it is always sent and the preferences
page shows it without a switch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from clausier.notify.models import NoticePreference


@dataclass(frozen=True)
class NoticeKind:
    key: str  # the message template's name ("invoice_issued")
    label: Any  # a lazy translation shown on the preferences page
    mandatory: bool = False
    order: int = 100
    # Why it cannot be switched off (a lazy translation citing the clause), mandatory only.
    why: Any = ""


_KINDS: dict[str, NoticeKind] = {}


def register_notice(kind: NoticeKind) -> NoticeKind:
    """Add a kind of notice; registering the same key again replaces it."""
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[NoticeKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def kind(key: str) -> NoticeKind:
    return _KINDS[key]


def opted_out(person_ids: Iterable[int], key: str) -> set[int]:
    """Among `person_ids`, those who switched `key` off (one query; none for a legal notice)."""
    ids = set(person_ids)
    notice = _KINDS.get(key)
    if not ids or (notice is not None and notice.mandatory):
        return set()
    return set(
        NoticePreference.objects.filter(person_id__in=ids, kind=key, enabled=False).values_list(
            "person_id", flat=True
        )
    )


def choices_of(person: Any) -> dict[str, bool]:
    """Every registered kind and whether `person` receives it."""
    off = set(
        NoticePreference.objects.filter(person=person, enabled=False).values_list("kind", flat=True)
    )
    return {notice.key: notice.mandatory or notice.key not in off for notice in kinds()}


def save_choices(person: Any, wanted: set[str], now: datetime) -> list[str]:
    """Store `person`'s choices: every optional kind not in `wanted` is switched off.

    Mandatory kinds cannot be switched off: they stay on whatever `wanted` says. Returns
    the keys whose choice changed."""
    before = choices_of(person)
    changed = []
    with transaction.atomic():
        for notice in kinds():
            if notice.mandatory:
                continue
            enabled = notice.key in wanted
            if before[notice.key] == enabled:
                continue
            NoticePreference.objects.update_or_create(
                person=person,
                kind=notice.key,
                defaults={"enabled": enabled, "updated_at": now},
            )
            changed.append(notice.key)
    return changed

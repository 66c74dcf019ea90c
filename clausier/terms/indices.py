"""Staff-entered reference values the rules read: ECB main refinancing rates (late
payment, Code de commerce L441-10) and SYNTEC indices (managed hosting art. 8.2).

Each provider keeps its own table (no tenant writes what another reads); every entry
and correction is in the audit log with who and when.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Provider, Role
from clausier.core import audit
from clausier.core.errors import DomainError
from clausier.terms.models import EcbRateEntry, StaffEntry, SyntecIndexEntry
from clausier.terms.rules.late_payment import RateTable, merged_rates

EDITORS = {Role.OWNER.value, Role.ACCOUNTANT.value}


class IndexValueError(DomainError):
    code = "invalid_index"


def _check_editor(actor: Person, provider: Provider) -> None:
    if provider.pk not in scoping.staff_provider_ids(actor, EDITORS):
        raise NotAllowed(_("Seuls le responsable et le comptable saisissent taux et indices."))


def _enter(
    model: type[StaffEntry],
    action: str,
    actor: Person,
    provider: Provider,
    now: datetime,
    key: dict[str, date],
    value_field: str,
    value: Decimal,
    extra: dict[str, date] | None = None,
) -> Any:
    """Create or correct one entry; the audit log keeps the value it replaced."""
    extra = extra or {}
    with transaction.atomic():
        previous = model.objects.filter(provider=provider, **key).first()  # type: ignore[attr-defined]
        entry, _created = model.objects.update_or_create(  # type: ignore[attr-defined]
            provider=provider,
            **key,
            defaults={value_field: value, **extra, "entered_by": actor, "entered_at": now},
        )
        details: dict[str, str | None] = {name: day.isoformat() for name, day in key.items()}
        details[value_field] = str(value)
        details["previous"] = str(getattr(previous, value_field)) if previous else None
        for name, day in extra.items():
            details[name] = day.isoformat()
            details[f"previous_{name}"] = (
                str(getattr(previous, name)) if previous and getattr(previous, name) else None
            )
        audit.record(action, entry, actor=actor, provider=provider, details=details)
    return entry


def enter_ecb_rate(
    *, now: datetime, actor: Person, provider: Provider, effective: date, percent: Decimal
) -> EcbRateEntry:
    _check_editor(actor, provider)
    if not Decimal("-5") <= percent <= Decimal("25"):
        raise IndexValueError(_("Taux improbable : %(percent)s %%.") % {"percent": percent})
    entry: EcbRateEntry = _enter(
        EcbRateEntry,
        "ecb_rate.entered",
        actor,
        provider,
        now,
        {"effective": effective},
        "percent",
        percent,
    )
    return entry


def rate_table_for(provider: Provider) -> RateTable:
    """The shipped ECB table with this provider's staff entries laid over it."""
    extra = EcbRateEntry.objects.filter(provider=provider).values_list("effective", "percent")
    return merged_rates(list(extra))


def enter_syntec_index(
    *,
    now: datetime,
    actor: Person,
    provider: Provider,
    month: date,
    value: Decimal,
    published_on: date,
) -> SyntecIndexEntry:
    """Enter (or correct) the index of `month`, published on `published_on`."""
    _check_editor(actor, provider)
    if value <= 0:
        raise IndexValueError(_("Un indice SYNTEC est positif."))
    month = month.replace(day=1)
    # An index measures a month and is published after it starts, never before.
    if published_on < month:
        raise IndexValueError(
            _("Un indice ne peut être publié avant le mois qu'il mesure (%(month)s).")
            % {"month": month.strftime("%m/%Y")}
        )
    entry: SyntecIndexEntry = _enter(
        SyntecIndexEntry,
        "syntec_index.entered",
        actor,
        provider,
        now,
        {"month": month},
        "value",
        value,
        {"published_on": published_on},
    )
    return entry


def syntec_entries(provider: Provider, on: date) -> list[SyntecIndexEntry]:
    """The provider's indices that could be known on `on`, latest month first.

    A rule picks among them ("dernier indice publié"): by publication date or, under
    pack 1.0's reading, by month.
    """
    return list(
        SyntecIndexEntry.objects.filter(provider=provider, month__lte=on).order_by("-month")
    )

"""Staff-entered reference values the rules read: ECB main refinancing rates (late
payment, Code de commerce L441-10) and SYNTEC indices (managed hosting art. 8.2).

Each provider keeps its own table (no tenant writes what another reads); every entry
and correction is in the audit log with who and when.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import Person, Provider, Role
from clausier.core import audit
from clausier.terms.models import EcbRateEntry, SyntecIndexEntry
from clausier.terms.rules.late_payment import RateTable, merged_rates

EDITORS = {Role.OWNER.value, Role.ACCOUNTANT.value}


class IndexValueError(AccountsError):
    code = "invalid_index"


def _check_editor(actor: Person, provider: Provider) -> None:
    if provider.pk not in scoping.staff_provider_ids(actor, EDITORS):
        raise NotAllowed(_("Seuls le responsable et le comptable saisissent taux et indices."))


def enter_ecb_rate(
    *, now: datetime, actor: Person, provider: Provider, effective: date, percent: Decimal
) -> EcbRateEntry:
    _check_editor(actor, provider)
    if not Decimal("-5") <= percent <= Decimal("25"):
        raise IndexValueError(_("Taux improbable : %(percent)s %%.") % {"percent": percent})
    with transaction.atomic():
        previous = EcbRateEntry.objects.filter(provider=provider, effective=effective).first()
        entry, _created = EcbRateEntry.objects.update_or_create(
            provider=provider,
            effective=effective,
            defaults={"percent": percent, "entered_by": actor, "entered_at": now},
        )
        audit.record(
            "ecb_rate.entered",
            entry,
            actor=actor,
            provider=provider,
            details={
                "effective": effective.isoformat(),
                "percent": str(percent),
                "previous": str(previous.percent) if previous else None,
            },
        )
    return entry


def rate_table_for(provider: Provider) -> RateTable:
    """The shipped ECB table with this provider's staff entries laid over it."""
    extra = EcbRateEntry.objects.filter(provider=provider).values_list("effective", "percent")
    return merged_rates(list(extra))


def enter_syntec_index(
    *, now: datetime, actor: Person, provider: Provider, month: date, value: Decimal
) -> SyntecIndexEntry:
    _check_editor(actor, provider)
    if value <= 0:
        raise IndexValueError(_("Un indice SYNTEC est positif."))
    month = month.replace(day=1)
    with transaction.atomic():
        previous = SyntecIndexEntry.objects.filter(provider=provider, month=month).first()
        entry, _created = SyntecIndexEntry.objects.update_or_create(
            provider=provider,
            month=month,
            defaults={"value": value, "entered_by": actor, "entered_at": now},
        )
        audit.record(
            "syntec_index.entered",
            entry,
            actor=actor,
            provider=provider,
            details={
                "month": month.isoformat(),
                "value": str(value),
                "previous": str(previous.value) if previous else None,
            },
        )
    return entry


def latest_syntec(provider: Provider, on: date) -> SyntecIndexEntry | None:
    """The latest index published for a month up to `on` ("dernier indice publié")."""
    return (
        SyntecIndexEntry.objects.filter(provider=provider, month__lte=on).order_by("-month").first()
    )

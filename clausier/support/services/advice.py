"""Advice time (art. 3.4): 30 minutes per managed server per month, cumulative. Staff log
sessions against it; the balance per server is shown to the client; advice beyond the
balance is quoted (the balance goes negative and says so)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from clausier.accounts.models import Person
from clausier.monitoring.models import ManagedServer
from clausier.support.clock import AdviceBalance, advice_balance
from clausier.support.errors import SupportError
from clausier.support.models import AdviceSession
from clausier.support.services.contract import pack_of_client, require_support_staff
from clausier.terms.zone import contract_day

MAX_SESSION_MINUTES = 8 * 60


def balance_of(server: ManagedServer, now: datetime) -> AdviceBalance:
    pack = pack_of_client(server.client)
    subscription = server.subscription
    since = (
        subscription.start_date
        if subscription is not None and subscription.start_date is not None
        else contract_day(server.created_at, pack)
    )
    used = [
        timedelta(minutes=m)
        for m in AdviceSession.objects.filter(server=server, held_at__lte=now).values_list(
            "minutes", flat=True
        )
    ]
    return advice_balance(since, contract_day(now, pack), used, pack)


def log_advice(
    *, now: datetime, server: ManagedServer, actor: Person, minutes: int, note: str = ""
) -> AdviceSession:
    require_support_staff(actor, server.provider_id)
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise SupportError(_("Une séance dure de 1 à 480 minutes."), "invalid_minutes")
    return AdviceSession.objects.create(
        provider_id=server.provider_id,
        client_id=server.client_id,
        server=server,
        held_at=now,
        minutes=minutes,
        note=note.strip()[:200],
        logged_by=actor,
        created_at=now,
    )

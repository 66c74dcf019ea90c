"""The monthly SLA report of one client (or of every client of a provider): tickets
opened and solved, acknowledgement times against the 1-office-hour deadline (art. 5),
emergencies with their GTI/GTR against the guarantees and their pauses (art. 5, 14),
the credits issued with their clause and amount (art. 14), the emergency quota used per
server (art. 8.1) and the advice time used (art. 3.4).

Every figure is read through the same functions the credits and the pages use
(`tickets.clock_of`, `emergencies.gti_status`/`gtr_status`, `quota_of`, `balance_of`):
the report can never tell another story than the invoice.

The month is a calendar month in the contract's zone (the client's accepted pack);
rows belong to it by their start: a ticket by its receipt, an emergency by its contact,
a credit by the month it was booked to (the month of its request, `clock.credit_month`).
Clocks still running are read at `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.core.calendar import add_months, local_midnight
from clausier.core.clauses import ClauseRef
from clausier.monitoring.models import ManagedServer
from clausier.support.clock import AdviceBalance, TicketClock
from clausier.support.errors import SupportError
from clausier.support.models import (
    AdviceSession,
    EmergencyRequest,
    InterventionPause,
    ServerCredit,
    Ticket,
)
from clausier.support.services import advice, emergencies, tickets
from clausier.support.services.contract import pack_of_client
from clausier.terms.rules.managed_hosting import EmergencyQuota, GtrCredit, SlaCredit
from clausier.terms.zone import contract_zone

_MINUTE = timedelta(minutes=1)


def minutes(value: timedelta) -> int:
    return int(value // _MINUTE)


@dataclass(frozen=True)
class TicketLine:
    ticket: Ticket
    clock: TicketClock

    @property
    def taken_minutes(self) -> int:
        return minutes(self.clock.taken)

    @property
    def late_minutes(self) -> int:
        return minutes(self.clock.late_by)


@dataclass(frozen=True)
class EmergencyLine:
    request: EmergencyRequest
    gti: SlaCredit
    gtr: GtrCredit | None
    pauses: list[InterventionPause]

    @property
    def gti_late_minutes(self) -> int:
        return minutes(self.gti.measured)

    @property
    def gtr_counted_minutes(self) -> int | None:
        return None if self.gtr is None else minutes(self.gtr.counted)


@dataclass(frozen=True)
class ServerLine:
    server: ManagedServer
    quota: EmergencyQuota
    advice: AdviceBalance
    advice_used_in_month: int  # minutes


@dataclass
class ClientReport:
    client: ClientOrganisation
    month: date
    ack_clause: ClauseRef | None = None
    opened: list[TicketLine] = field(default_factory=list)
    closed_count: int = 0
    emergencies: list[EmergencyLine] = field(default_factory=list)
    credits: list[ServerCredit] = field(default_factory=list)
    servers: list[ServerLine] = field(default_factory=list)

    @property
    def breaches(self) -> list[TicketLine]:
        return [line for line in self.opened if line.clock.breached]

    @property
    def acknowledged_in_time(self) -> int:
        return sum(
            1 for line in self.opened if line.clock.acknowledged_at and not line.clock.breached
        )

    @property
    def credits_total(self) -> Decimal:
        return sum((c.granted for c in self.credits), Decimal("0.00"))

    @property
    def empty(self) -> bool:
        return not (self.opened or self.closed_count or self.emergencies or self.credits)


@dataclass
class MonthlyReport:
    provider: Provider | None
    month: date
    generated_at: datetime
    clients: list[ClientReport]

    @property
    def credits_total(self) -> Decimal:
        return sum((c.credits_total for c in self.clients), Decimal("0.00"))


def parse_month(value: str | None, now: datetime) -> date:
    """`YYYY-MM` (the current month when empty); a clear error otherwise."""
    if not value:
        return now.date().replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise SupportError(_("Mois attendu au format AAAA-MM."), "invalid_month") from None


def client_report(client: ClientOrganisation, month: date, now: datetime) -> ClientReport:
    pack = pack_of_client(client)
    zone = contract_zone(pack)
    start = local_midnight(month, zone)
    end = local_midnight(add_months(month, 1), zone)
    report = ClientReport(client=client, month=month)
    received = (
        Ticket.objects.filter(client=client, received_at__gte=start, received_at__lt=end)
        .select_related("client__provider", "server")
        .order_by("received_at", "pk")
    )
    for ticket in received:
        clock = tickets.clock_of(ticket, now)
        report.ack_clause = clock.clause
        report.opened.append(TicketLine(ticket, clock))
    report.closed_count = Ticket.objects.filter(
        client=client, closed_at__gte=start, closed_at__lt=end
    ).count()
    requests = (
        EmergencyRequest.objects.filter(
            client=client, contacted_at__gte=start, contacted_at__lt=end
        )
        .select_related("server", "client__provider")
        .prefetch_related("pauses")
        .order_by("contacted_at", "pk")
    )
    for row in requests:
        report.emergencies.append(
            EmergencyLine(
                row,
                emergencies.gti_status(row, now),
                emergencies.gtr_status(row, now),
                list(row.pauses.all()),
            )
        )
    report.credits = list(
        ServerCredit.objects.filter(request__client=client, month=month, computed__gt=0)
        .select_related("request", "server")
        .order_by("created_at", "pk")
    )
    # Counters as they stood at the month's end (or now, for the current month).
    at = min(now, end - timedelta(microseconds=1))
    used = dict(
        AdviceSession.objects.filter(client=client, held_at__gte=start, held_at__lt=end)
        .values_list("server_id")
        .annotate(total=Sum("minutes"))
    )
    servers = ManagedServer.objects.filter(client=client).select_related(
        "client__provider", "subscription"
    )
    for server in servers.order_by("name", "pk"):
        report.servers.append(
            ServerLine(
                server,
                emergencies.quota_of(server, at),
                advice.balance_of(server, at),
                int(used.get(server.pk) or 0),
            )
        )
    return report


def monthly_report(
    *,
    provider: Provider | None,
    month: date,
    now: datetime,
    clients: list[ClientOrganisation],
) -> MonthlyReport:
    """The report over the given clients (one, or all the provider's clients with servers)."""
    reports = []
    for client in clients:
        try:
            reports.append(client_report(client, month, now))
        except SupportError:
            continue  # no accepted terms: no support contract to report on
    return MonthlyReport(provider=provider, month=month, generated_at=now, clients=reports)

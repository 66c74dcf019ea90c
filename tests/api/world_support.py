"""Support objects of client A1 for the isolation walk (a server, a ticket with an
attachment, an emergency), and the check that an outsider changed none of them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clausier.monitoring.models import ManagedServer
from clausier.support.models import (
    Channel,
    EmergencyRequest,
    InterventionPlan,
    Ticket,
    TicketMessage,
)
from clausier.support.services import attachments, emergencies, plans, tickets


def support_objects(world: Any) -> dict[str, int]:
    now = timezone.now()
    admin = world.people["admin_a1"]
    server = ManagedServer.objects.create(
        provider=world.provider_a,
        client=world.client_a1,
        subscription=world.subscription_a1,
        name="SECRET-A1-web",
        address="web.boulangerie.example",
        monthly_fee_ht=Decimal("100.00"),
        full_backup=True,
    )
    ticket = tickets.open_ticket(
        now=now,
        client=world.client_a1,
        subject="SECRET-A1 ticket",
        body="SECRET-A1 message",
        channel=Channel.PORTAL,
        actor=admin,
        server=server,
    )
    attachment = attachments.attach(
        now=now,
        message=ticket.messages.get(),
        filename="journal.txt",
        content=b"SECRET-A1 journal",
    )
    emergency = emergencies.request_emergency(
        now=now,
        server=server,
        channel=Channel.PORTAL,
        description="SECRET-A1 panne",
        actor=admin,
    )
    plan = plans.propose(
        now=now,
        server=server,
        actor=world.people["owner_a"],
        description="SECRET-A1 plan",
        slots=[(now + timedelta(days=2), now + timedelta(days=2, hours=1))],
    )
    return {
        "server_id": server.pk,
        "ticket_id": ticket.pk,
        "attachment_id": attachment.pk,
        "emergency_id": emergency.pk,
        "plan_id": plan.pk,
        "slot_id": plan.slots.get().pk,
    }


def assert_support_untouched(world: Any) -> None:
    ids = world.support
    if not ids:
        return
    ticket = Ticket.objects.get(pk=ids["ticket_id"])
    assert ticket.status == "new" and ticket.assignee_id is None and not ticket.out_of_scope
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
    emergency = EmergencyRequest.objects.get(pk=ids["emergency_id"])
    assert emergency.started_at is None and emergency.confirmed_at is not None
    assert not emergency.pauses.exists()
    assert EmergencyRequest.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert emergency.fault == "" and emergency.out_of_hours_accepted_at is None
    plan = InterventionPlan.objects.get(pk=ids["plan_id"])
    assert plan.accepted_at is None and InterventionPlan.objects.count() == 1

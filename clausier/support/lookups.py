"""What the API and the portal pages share: the rows a person may act on (404 otherwise,
so a stranger cannot tell a hidden row from a missing one) and the attachment download.
Both call the same services with these rows; nothing here decides a rule."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.accounts.selectors import visible_clients
from clausier.monitoring.models import ManagedServer
from clausier.support import selectors
from clausier.support.models import EmergencyRequest, InterventionPlan, Ticket
from clausier.support.services import attachments


def ticket_for(person: Any, ticket_id: int) -> Ticket:
    return get_object_or_404(
        selectors.visible_tickets(person).select_related("client__provider", "server", "assignee"),
        pk=ticket_id,
    )


def emergency_for(person: Any, emergency_id: int) -> EmergencyRequest:
    return get_object_or_404(
        selectors.visible_emergencies(person).select_related(
            "server", "client__provider", "engineer"
        ),
        pk=emergency_id,
    )


def plan_for(person: Any, plan_id: int) -> InterventionPlan:
    return get_object_or_404(
        selectors.visible_plans(person)
        .select_related("server", "client__provider", "accepted_slot")
        .prefetch_related("slots"),
        pk=plan_id,
    )


def client_for(person: Any, client_id: int) -> ClientOrganisation:
    return get_object_or_404(visible_clients(person).select_related("provider"), pk=client_id)


def server_for(
    person: Any, server_id: int, client: ClientOrganisation | None = None
) -> ManagedServer:
    servers = selectors.visible_servers(person).select_related("client__provider")
    if client is not None:
        servers = servers.filter(client=client)
    return get_object_or_404(servers, pk=server_id)


def provider_for(person: Any, provider_id: int) -> Provider:
    """A provider the person works for, or whose client they belong to (its escalation
    list is theirs to read); 404 for anyone else."""
    providers = set(staff_provider_ids(person)) | set(
        ClientOrganisation.objects.filter(pk__in=client_ids(person)).values_list(
            "provider_id", flat=True
        )
    )
    return get_object_or_404(Provider.objects.filter(pk__in=providers), pk=provider_id)


def attachment_response(person: Any, attachment_id: int) -> FileResponse:
    """Served only to those who see its message, as a download, never inline."""
    attachment = get_object_or_404(selectors.visible_attachments(person), pk=attachment_id)
    response = FileResponse(
        BytesIO(attachments.read(attachment)),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

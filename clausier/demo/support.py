"""Demo support desk: on the hosting client's managed server, tickets in each state (one
still waiting for its acknowledgement, one answered, one waiting for the client, one
solved), an emergency answered late with its GTI credit (art. 14) on the next invoice,
a pause for a backup restore, and an advice session (art. 3.4). Everything goes through
the support services, as a provider's staff would have done it since the contract began
(the demo's subscription starts the day it is loaded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Person, Role
from clausier.core.calendar import local_midnight
from clausier.core.errors import DomainError
from clausier.monitoring.models import ManagedServer
from clausier.support.models import Channel, PauseReason, Ticket, TicketStatus
from clausier.support.services import advice, emergencies, tickets
from clausier.support.services.contract import pack_of_client
from clausier.terms.zone import contract_zone

SERVER_NAME = "www-demo"  # demo/monitoring.py


@transaction.atomic
def load() -> None:
    server = (
        ManagedServer.objects.filter(name=SERVER_NAME).select_related("client__provider").first()
    )
    if server is None or Ticket.objects.filter(client=server.client).exists():
        return
    client = server.client
    staff = Membership.objects.filter(
        provider=client.provider, client__isnull=True, role=Role.ENGINEER
    ).select_related("person")
    members = Membership.objects.filter(client=client, role=Role.CLIENT_ADMIN).select_related(
        "person"
    )
    if not staff.exists() or not members.exists():
        return
    engineer, admin = staff[0].person, members[0].person
    now = timezone.now()
    try:
        origin = _contract_start(server) + timedelta(minutes=1)
        span = max(now - origin, timedelta(0))

        def at(fraction: float) -> datetime:
            return origin + span * fraction

        _tickets(at, client, server, engineer, admin)
        _emergency(at, server, engineer, admin)
    except DomainError:
        return  # the client has not accepted the hosting terms in this database


def _contract_start(server: ManagedServer) -> datetime:
    """The demo's subscription starts the day the demo is loaded: its support history is
    placed between that day's beginning (contract zone) and now."""
    subscription = server.subscription
    day = subscription.start_date if subscription and subscription.start_date else None
    if day is None:
        return server.created_at
    return local_midnight(day, contract_zone(pack_of_client(server.client)))


def _tickets(
    at: Callable[[float], datetime],
    client: ClientOrganisation,
    server: ManagedServer,
    engineer: Person,
    admin: Person,
) -> None:
    def opened(when: float, subject: str, body: str) -> Ticket:
        return tickets.open_ticket(
            now=at(when),
            client=client,
            server=server,
            subject=subject,
            body=body,
            channel=Channel.PORTAL,
            actor=admin,
        )

    def reply(when: float, ticket: Ticket, body: str, internal: bool = False) -> None:
        tickets.post_message(
            now=at(when),
            ticket=ticket,
            body=body,
            channel=Channel.PORTAL,
            actor=engineer,
            internal=internal,
        )

    solved = opened(0.10, "Sauvegarde de la nuit", "La sauvegarde a-t-elle bien tourné ?")
    reply(0.12, solved, "Oui, terminée à 3 h 12, 4,2 Go.")
    tickets.change_status(now=at(0.13), ticket=solved, actor=engineer, status=TicketStatus.RESOLVED)
    answered = opened(0.30, "Site lent", "Les pages mettent 5 s à s'afficher.")
    reply(0.32, answered, "Nous regardons les journaux de PHP-FPM et revenons vers vous.")
    reply(0.33, answered, "pm.max_children à 5 : à relever après accord.", internal=True)
    waiting = opened(0.50, "Accès FTP pour le prestataire web", "Pouvez-vous ouvrir un compte ?")
    reply(0.52, waiting, "Quelle adresse IP devons-nous autoriser ?")
    tickets.change_status(
        now=at(0.53), ticket=waiting, actor=engineer, status=TicketStatus.WAITING_CLIENT
    )
    opened(0.98, "Certificat TLS à renouveler", "Le certificat expire dans 20 jours.")


def _emergency(
    at: Callable[[float], datetime], server: ManagedServer, engineer: Person, admin: Person
) -> None:
    row = emergencies.request_emergency(
        now=at(0.0),
        server=server,
        channel=Channel.PORTAL,
        description="Le site répond 502 Bad Gateway.",
        actor=admin,
    )
    # Started late on the GTI (art. 5, 14) when the demo is loaded after about 4 a.m.
    emergencies.start_intervention(now=at(0.75), request=row, actor=engineer)
    emergencies.pause(now=at(0.78), request=row, actor=engineer, reason=PauseReason.BACKUP_RESTORE)
    emergencies.resume(now=at(0.84), request=row, actor=engineer)
    emergencies.restore(now=at(0.88), request=row, actor=engineer)
    emergencies.end_intervention(now=at(0.90), request=row, actor=engineer)
    advice.log_advice(
        now=at(0.95), server=server, actor=engineer, minutes=20, note="Choix d'une version de PHP"
    )

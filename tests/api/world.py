"""Two tenants with people in every position, for isolation and bad-input tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import (
    ClientOrganisation,
    Invitation,
    Membership,
    Person,
    Provider,
    Role,
    ServiceLine,
)
from clausier.billing import services as billing_services
from clausier.billing.models import DebitCollection, OverageScope
from clausier.billing.subscriptions import overage
from clausier.monitoring.models import ManagedServer, ReportKind, ServerReport
from clausier.terms import services as terms_services
from clausier.terms.models import Acceptance, TermsVersion
from tests.api.world_content import content_of_a1
from tests.api.world_support import support_objects
from tests.billing.builders import hosting_plan, make_funder
from tests.coaching.world_rows import coaching_rows
from tests.helpers import make_client, make_client_user, make_provider, make_staff
from tests.training.isolation import build_training


@dataclass
class World:
    provider_a: Provider
    client_a1: ClientOrganisation
    client_a2: ClientOrganisation
    provider_b: Provider
    client_b1: ClientOrganisation
    people: dict[str, Person]
    invitation_a1: Invitation
    membership_a1: Membership
    token_ids: dict[str, int]
    terms_a: TermsVersion
    acceptance_a1: Acceptance
    secrets: dict[str, str]
    subscription_a1: Any = None
    invoice_a1: Any = None
    collection_a: Any = None
    agreement_a1: Any = None
    funder_a: Any = None
    server_a1: Any = None
    content_ids: dict[str, Any] = field(default_factory=dict)
    coaching: dict[str, Any] | None = None  # tests.coaching.world_rows: coach, session...
    training: dict[str, int] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)

    def ids(self) -> dict[str, Any]:
        """Path parameters that all point at objects of tenant A, client A1."""
        return {
            "provider_id": self.provider_a.pk,
            "client_id": self.client_a1.pk,
            "invitation_id": self.invitation_a1.pk,
            "membership_id": self.membership_a1.pk,
            "token_id": self.token_ids["admin_a1"],
            "terms_id": self.terms_a.pk,
            "subscription_id": self.subscription_a1.pk,
            "invoice_id": self.invoice_a1.pk,
            "collection_id": self.collection_a.pk,
            "agreement_id": self.agreement_a1.pk,
            "funder_id": self.funder_a.pk,
            "server_id": self.server_a1.pk,
            "service_id": self.server_a1.services.get(name="HTTP").pk,
            "report_id": self.server_a1.reports.get().pk,
            **self.content_ids,
            **{f"{name}_id": row.pk for name, row in (self.coaching or {}).items()},
            **self.training,
            **self.support,
        }


def build_world() -> World:
    world = _build_world()
    world.coaching = coaching_rows(world.provider_a, world.client_a1, world.people)
    return world


def _build_world() -> World:
    now = timezone.now()
    provider_a = make_provider("Kalanda")
    client_a1 = make_client(provider_a, "Boulangerie", legal_name="SECRET-A1 Boulangerie")
    client_a2 = make_client(provider_a, "Fromagerie")
    provider_b = make_provider("Kestio")
    client_b1 = make_client(provider_b, "Atelier")
    people = {
        "owner_a": make_staff(provider_a, Role.OWNER),
        "admin_a1": make_client_user(client_a1, Role.CLIENT_ADMIN, "admin@boulangerie.example"),
        "member_a1": make_client_user(
            client_a1, Role.CLIENT_MEMBER, "secret-member@boulangerie.example"
        ),
        "admin_a2": make_client_user(client_a2, Role.CLIENT_ADMIN),
        "owner_b": make_staff(provider_b, Role.OWNER),
        "engineer_b": make_staff(provider_b, Role.ENGINEER),
        "admin_b1": make_client_user(client_b1, Role.CLIENT_ADMIN),
    }
    invitation_a1, _token = services.invite(
        now=now,
        actor=people["admin_a1"],
        provider=provider_a,
        client=client_a1,
        email="secret-invitee@boulangerie.example",
        role=Role.CLIENT_MEMBER,
    )
    terms_a = terms_services.create_draft(
        now=now,
        actor=people["owner_a"],
        provider=provider_a,
        service_line=ServiceLine.MANAGED_HOSTING,
        version="A-2026",
        pack_version="1.0",
        text_fr="CGV du prestataire A",
    )
    terms_services.publish(now=now, actor=people["owner_a"], terms=terms_a)
    first, _text = terms_services.review(
        now=now, person=people["admin_a1"], client=client_a1, terms=terms_a, language="fr"
    )
    acceptance_a1 = terms_services.accept(
        now=now,
        person=people["admin_a1"],
        client=client_a1,
        terms=terms_a,
        review_token=first.sign(),
    )
    plan_a = hosting_plan(provider_a)
    subscription_a1 = billing_services.subscribe(
        now=now, actor=people["admin_a1"], client=client_a1, plan=plan_a
    )
    token_ids, secrets = {}, {}
    for name, person in people.items():
        token, secret = services.create_api_token(now=now, person=person, name=f"token of {name}")
        token_ids[name], secrets[name] = token.pk, secret
    world = World(
        provider_a=provider_a,
        client_a1=client_a1,
        client_a2=client_a2,
        provider_b=provider_b,
        client_b1=client_b1,
        people=people,
        invitation_a1=invitation_a1,
        membership_a1=Membership.objects.get(person=people["member_a1"]),
        token_ids=token_ids,
        terms_a=terms_a,
        acceptance_a1=acceptance_a1,
        subscription_a1=subscription_a1,
        invoice_a1=subscription_a1.invoice_lines.get().invoice,
        collection_a=DebitCollection.objects.create(
            provider=provider_a,
            message_id="SECRET-A1-COLLECTION",
            created_at=now,
            due_until=now.date(),
            transactions=1,
            total=Decimal("1.00"),
            xml="<SECRET-A1/>",
        ),
        secrets=secrets,
        agreement_a1=overage.quote_overage(
            now=now,
            actor=people["owner_a"],
            subscription=subscription_a1,
            scope=OverageScope.EXTRA_EMERGENCY,
            intervention="SECRET-A1-intervention",
        ),
        funder_a=make_funder(provider_a, legal_name="SECRET-A1 OPCO"),
        server_a1=ManagedServer.objects.create(
            provider=provider_a, client=client_a1, name="SECRET-A1-www", address="192.0.2.1"
        ),
    )
    ServerReport.objects.create(
        server=world.server_a1,
        kind=ReportKind.MONTHLY_ROOTKIT,
        period_start=date(2026, 1, 1),
        due_at=datetime(2026, 2, 1, tzinfo=UTC),
        command="chkrootkit -q",
        collected_at=datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
        exit_status=0,
        output="SECRET-A1 chkrootkit output",
        clause="Art. 3.2",
    )
    world.content_ids = content_of_a1(world)
    world.training = build_training(provider_a, client_a1, people)
    world.support = support_objects(world)
    return world


# Strings only tenant A / client A1 data contains: an outsider's response must not carry any.
A1_MARKERS = ("SECRET-A1", "secret-member@", "secret-invitee@", "admin@boulangerie.example")

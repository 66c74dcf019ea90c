"""Provider A with a person in every role and one object of every back-office model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from clausier.accounts.models import Membership, Person, Role
from clausier.billing import services as billing_services
from clausier.billing.invoicing.credits import record_sla_credit
from clausier.billing.models import GatewayAccount
from clausier.billing.subscriptions.overage import quote_overage
from clausier.coaching.models import JaasConfig, LedgerEntry, LedgerKind, PlanDelivery
from clausier.core.models import AuditEntry
from clausier.monitoring.models import Downtime, OnCallShift
from clausier.notify.models import OutboxMessage
from clausier.support.models import EmergencyRequest, Ticket
from clausier.terms import indices
from tests.api.world import World, build_world
from tests.api.world_content import content_objects
from tests.helpers import make_staff
from tests.training.isolation import admin_objects

# The columns of the permission matrix, staff first, then client users.
ROLES = (
    Role.OWNER,
    Role.ENGINEER,
    Role.COACH,
    Role.ACCOUNTANT,
    Role.CLIENT_ADMIN,
    Role.CLIENT_MEMBER,
)


@dataclass
class BackOffice:
    world: World
    by_role: dict[str, Person]
    objects: dict[str, Model]

    def membership(self, role: str) -> Membership:
        return Membership.objects.get(person=self.by_role[role], revoked_at__isnull=True)


def coaching_objects(rows: dict[str, Any], now: Any) -> dict[str, Model]:
    session = rows["session"]
    seat = session.participants.get()
    return {
        "coaching.coach": rows["coach"],
        "coaching.plandelivery": PlanDelivery.objects.create(plan=session.subscription.plan),
        "coaching.jaasconfig": JaasConfig.objects.create(
            provider=session.provider,
            app_id="vpaas-magic-cookie-matrix",
            key_id="vpaas-magic-cookie-matrix/k1",
            private_key="-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
            webhook_secret="whsec_matrix",
        ),
        "coaching.coachingsession": session,
        "coaching.ledgerentry": LedgerEntry.objects.create(
            subscription=session.subscription,
            period_start=session.period_start,
            period_end=session.period_end,
            kind=LedgerKind.BOOKED,
            delta=-1,
            participant=seat,
            clause="Art. 10.1",
            at=now,
        ),
        "coaching.deliverable": rows["deliverable"],
        "coaching.changerequest": rows["change_request"],
    }


def build_back_office() -> BackOffice:
    world = build_world()
    now = timezone.now()
    provider, owner = world.provider_a, world.people["owner_a"]
    by_role = {
        Role.OWNER: owner,
        Role.ENGINEER: make_staff(provider, Role.ENGINEER),
        Role.COACH: make_staff(provider, Role.COACH),
        Role.ACCOUNTANT: make_staff(provider, Role.ACCOUNTANT),
        Role.CLIENT_ADMIN: world.people["admin_a1"],
        Role.CLIENT_MEMBER: world.people["member_a1"],
    }
    # A client user who once was staff somewhere keeps is_staff: the back-office must
    # refuse them by their roles, not only by that flag.
    client_users = [world.people["admin_a1"].pk, world.people["member_a1"].pk]
    Person.objects.filter(pk__in=client_users).update(is_staff=True)
    for person in by_role.values():
        person.refresh_from_db()
    invoice = world.invoice_a1
    payment = billing_services.record_payment(
        now=now, invoice=invoice, amount=Decimal("10.00"), method="transfer", reference="VIR-1"
    )
    credit = record_sla_credit(
        subscription=world.subscription_a1,
        month=now.date(),
        amount=Decimal("5.00"),
        clause="Art. 14",
        description="GTI dépassée",
        source_key="admin-matrix",
        now=now,
    )
    ecb = indices.enter_ecb_rate(
        now=now, actor=owner, provider=provider, effective=date(2026, 1, 1), percent=Decimal("2.15")
    )
    syntec = indices.enter_syntec_index(
        now=now,
        actor=owner,
        provider=provider,
        month=date(2026, 1, 1),
        value=Decimal("300.1"),
        published_on=date(2026, 2, 1),
    )
    attempt = {"user_agent": "test", "http_accept": "*/*", "path_info": "/admin/login/"}
    quote = quote_overage(
        now=now,
        actor=owner,
        subscription=world.subscription_a1,
        scope="extra_emergency",
        intervention="INT-1",
    )
    objects: dict[str, Model] = {
        "auth.group": Group.objects.create(name="Lecture"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x@example.com", get_data="", post_data="", failures_since_start=1, **attempt
        ),
        "axes.accesslog": AccessLog.objects.create(username="x@example.com", **attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x@example.com", **attempt
        ),
        "core.auditentry": AuditEntry.objects.filter(provider=provider).first(),
        "accounts.provider": provider,
        "accounts.clientorganisation": world.client_a1,
        "accounts.membership": world.membership_a1,
        "accounts.invitation": world.invitation_a1,
        "accounts.person": world.people["member_a1"],
        "accounts.apitoken": world.people["member_a1"].api_tokens.get(),
        "notify.outboxmessage": OutboxMessage.objects.filter(provider=provider).first(),
        "terms.termsversion": world.terms_a,
        "terms.acceptance": world.acceptance_a1,
        "terms.ecbrateentry": ecb,
        "terms.syntecindexentry": syntec,
        "billing.plan": world.subscription_a1.plan,
        "billing.subscription": world.subscription_a1,
        "billing.invoice": invoice,
        "billing.payment": payment,
        "billing.slacredit": credit,
        "billing.gatewayaccount": GatewayAccount.objects.create(
            provider=provider, gateway="stripe", webhook_secret="whsec_matrix"
        ),
        "billing.overageagreement": quote,
        "billing.funder": world.funder_a,
        **content_objects(world.content_ids),
        "monitoring.managedserver": world.server_a1,
        "monitoring.monitoredservice": world.server_a1.services.get(name="HTTP"),
        "monitoring.downtime": Downtime.objects.create(
            server=world.server_a1,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=2),
            reason="maintenance",
        ),
        "monitoring.oncallshift": OnCallShift.objects.create(
            provider=provider, person=owner, starts_at=now, ends_at=now + timedelta(days=7)
        ),
        **coaching_objects(world.coaching or {}, now),
        **admin_objects(),
        "support.ticket": Ticket.objects.get(pk=world.support["ticket_id"]),
        "support.emergencyrequest": EmergencyRequest.objects.get(pk=world.support["emergency_id"]),
    }
    return BackOffice(world=world, by_role=by_role, objects=objects)


def admin_url(obj: Any, view: str) -> str:
    meta = obj._meta
    if view in ("changelist", "add"):
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])

"""Every API endpoint and portal page, walked as outsiders of tenant A / client A1.

Outsiders: a client admin of another organisation of the same provider (admin_a2), a
client admin at another provider (admin_b1), staff of another provider (owner_b,
engineer_b), and, for admin-only pages, a plain member of A1 itself. They get 403/404,
never A1's data. A new endpoint without a row here makes the coverage test fail.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Invitation
from clausier.api.api import api
from clausier.billing.models import Funder, Mandate, Payment, Subscription
from clausier.coaching.models import ChangeRequest, ProblemReport, ServiceInterruption
from clausier.content.models import Challenge, LibraryItem, Space
from clausier.monitoring.checks import LAMP_TEMPLATE
from clausier.monitoring.models import (
    Acknowledgement,
    Downtime,
    MaintenanceWindow,
    ServerReport,
)
from clausier.terms import services as terms_services
from clausier.training.models import Training
from tests.api.world import A1_MARKERS, build_world
from tests.api.world_content import content_untouched
from tests.api.world_support import assert_support_untouched
from tests.helpers import PASSWORD

OUTSIDERS = ["admin_a2", "admin_b1", "owner_b", "engineer_b"]

# (method, path) -> body sent (valid, so that only scoping can refuse), or None.
SCOPED_OPERATIONS: dict[tuple[str, str], Any] = {
    ("GET", "/api/providers/{provider_id}"): None,
    ("PATCH", "/api/providers/{provider_id}"): {"city": "Nantes"},
    ("GET", "/api/clients/{client_id}"): None,
    ("PATCH", "/api/clients/{client_id}"): {"city": "Nantes"},
    ("GET", "/api/clients/{client_id}/members"): None,
    ("POST", "/api/invitations/{invitation_id}/resend"): None,
    ("POST", "/api/invitations/{invitation_id}/revoke"): None,
    ("POST", "/api/memberships/{membership_id}/suspend"): {"reason": "test"},
    ("POST", "/api/memberships/{membership_id}/reinstate"): None,
    ("POST", "/api/memberships/{membership_id}/revoke"): None,
    ("DELETE", "/api/tokens/{token_id}"): None,
    ("GET", "/api/terms/{terms_id}"): None,
    ("POST", "/api/terms/{terms_id}/publish"): {},
    ("POST", "/api/terms/{terms_id}/review"): "client_a1",
    ("POST", "/api/terms/{terms_id}/accept"): "client_a1+token",
    ("GET", "/api/subscriptions/{subscription_id}"): None,
    ("POST", "/api/subscriptions/{subscription_id}/terminate"): {},
    ("GET", "/api/invoices/{invoice_id}"): None,
    ("GET", "/api/invoices/{invoice_id}/pdf"): None,
    ("GET", "/api/invoices/{invoice_id}/xml"): None,
    ("POST", "/api/invoices/{invoice_id}/payments"): {
        "amount": "10.00",
        "method": "transfer",
        "reference": "x",
    },
    ("POST", "/api/invoices/{invoice_id}/credit-note"): {"reason": "intrus"},
    ("POST", "/api/invoices/{invoice_id}/dispute"): {"reason": "intrus"},
    ("POST", "/api/invoices/{invoice_id}/formal-notice"): {"presented_on": "2026-05-01"},
    ("GET", "/api/sepa/exports/{collection_id}/file"): None,
    ("POST", "/api/overage-agreements/{agreement_id}/accept"): None,
    ("GET", "/api/funders/{funder_id}"): None,
    ("GET", "/api/monitoring/servers/{server_id}"): None,
    ("GET", "/api/monitoring/servers/{server_id}/services"): None,
    ("POST", "/api/monitoring/servers/{server_id}/services"): {
        "name": "Intrus",
        "kind": "tcp",
        "params": {"port": 22},
    },
    ("GET", "/api/monitoring/services/{service_id}"): None,
    ("PATCH", "/api/monitoring/services/{service_id}"): {"enabled": False},
    ("GET", "/api/monitoring/services/{service_id}/history"): None,
    ("POST", "/api/monitoring/services/{service_id}/acknowledgement"): {"comment": "intrus"},
    ("GET", "/api/monitoring/servers/{server_id}/downtimes"): None,
    ("POST", "/api/monitoring/servers/{server_id}/downtimes"): {
        "starts_at": "2030-01-01T10:00:00Z",
        "ends_at": "2030-01-01T12:00:00Z",
        "reason": "intrus",
    },
    ("GET", "/api/monitoring/servers/{server_id}/availability"): None,
    ("GET", "/api/monitoring/servers/{server_id}/maintenance-windows"): None,
    ("GET", "/api/monitoring/servers/{server_id}/reports"): None,
    ("POST", "/api/monitoring/reports/{report_id}/read"): {"comment": "intrus"},
    ("PUT", "/api/monitoring/servers/{server_id}/maintenance-windows"): {
        "windows": [{"weekday": 1, "start": "22:00"}, {"weekday": 5, "start": "06:00"}]
    },
    ("POST", "/api/monitoring/servers/{server_id}/maintenances"): {
        "starts_at": "2030-01-01T21:00:00Z",
        "ends_at": "2030-01-01T22:00:00Z",
        "reason": "intrus",
    },
    ("GET", "/api/content/items/{item_id}"): None,
    ("GET", "/api/content/items/{item_id}/file"): None,
    ("POST", "/api/content/items/{item_id}/file"): None,
    ("GET", "/api/content/spaces/{space_id}/posts"): None,
    ("POST", "/api/content/spaces/{space_id}/posts"): {"body": "intrus"},
    ("PATCH", "/api/content/posts/{post_id}"): {"body": "intrus"},
    ("POST", "/api/content/posts/{post_id}/hide"): {"reason": "intrus"},
    ("GET", "/api/content/challenges/{challenge_id}/submissions"): None,
    ("POST", "/api/content/challenges/{challenge_id}/submission"): {"text": "intrus"},
    ("POST", "/api/content/submissions/{submission_id}/feedback"): {"feedback": "intrus"},
    ("GET", "/api/coaching/subscriptions/{subscription_id}/allowance"): None,
    ("POST", "/api/coaching/subscriptions/{subscription_id}/enrolments"): {"person_id": 1},
    ("GET", "/api/coaching/coaches/{coach_id}/slots"): None,
    ("GET", "/api/coaching/sessions/{session_id}"): None,
    ("POST", "/api/coaching/sessions/{session_id}/cancel"): None,
    ("POST", "/api/coaching/sessions/{session_id}/postpone"): {
        "starts_at": "2030-01-07T09:00:00+01:00"
    },
    ("POST", "/api/coaching/sessions/{session_id}/force-majeure"): None,
    ("GET", "/api/coaching/sessions/{session_id}/join"): None,
    ("POST", "/api/coaching/sessions/{session_id}/problems"): {"kind": "video"},
    ("POST", "/api/coaching/change-requests/{change_request_id}/apply"): {"action": "cancel"},
    ("POST", "/api/coaching/change-requests/{change_request_id}/dismiss"): {"reason": "intrus"},
    ("POST", "/api/coaching/problems/{problem_id}/resolve"): {
        "upheld": True,
        "resolution": "intrus",
    },
    ("POST", "/api/coaching/deliverables/{deliverable_id}/reservation"): {"text": "intrus"},
    ("POST", "/api/interruptions/maintenances/{interruption_id}/cancel"): {"reason": "intrus"},
    ("GET", "/api/training/sessions/{training_session_id}"): None,
    ("GET", "/api/training/quotes/{quote_id}"): None,
    ("GET", "/api/training/quotes/{quote_id}/convention.pdf"): None,
    ("POST", "/api/training/quotes/{quote_id}/cancel"): None,
    ("POST", "/api/training/quotes/{quote_id}/funding"): {
        "funder_id": 1,
        "file_number": "intrus",
        "amount_ht": "3500.00",
    },
    ("POST", "/api/training/quotes/{quote_id}/settle"): None,
    ("POST", "/api/training/slots/{slot_id}/sign"): None,
    ("POST", "/api/training/slots/{slot_id}/validate"): None,
    ("POST", "/api/training/enrolments/{enrolment_id}/modules/{module_id}/progress"): {
        "minutes": 5
    },
    ("GET", "/api/training/documents/{document_id}/pdf"): None,
    ("POST", "/api/training/quotes/{quote_id}/funding/agreement"): {
        "reference": "intrus",
        "covered_ht": "3500.00",
        "covered_hours": "4.00",
        "received_at": "2026-01-05T09:00:00+01:00",
    },
    ("POST", "/api/training/quotes/{quote_id}/funding/refusal"): {
        "reason": "intrus",
        "received_at": "2026-01-05T09:00:00+01:00",
    },
    ("POST", "/api/training/sessions/{training_session_id}/convocations"): None,
    ("POST", "/api/training/enrolments/{enrolment_id}/convocation"): None,
    ("GET", "/api/training/enrolments/{enrolment_id}/access"): None,
    ("POST", "/api/training/enrolments/{enrolment_id}/access-extensions"): {
        "days": 5,
        "reason": "intrus",
        "clause": "7.3",
    },
    ("POST", "/api/training/sessions/{training_session_id}/evaluations"): None,
    ("GET", "/api/support/tickets/{ticket_id}"): None,
    ("GET", "/api/support/tickets/{ticket_id}/messages"): None,
    ("POST", "/api/support/tickets/{ticket_id}/messages"): {"body": "intrus"},
    ("POST", "/api/support/tickets/{ticket_id}/status"): {"status": "closed"},
    ("POST", "/api/support/tickets/{ticket_id}/assign"): {"engineer_id": None},
    ("POST", "/api/support/tickets/{ticket_id}/scope"): {"out_of_scope": True},
    ("GET", "/api/support/attachments/{attachment_id}"): None,
    ("GET", "/api/support/emergencies/{emergency_id}"): None,
    ("POST", "/api/support/emergencies/{emergency_id}/confirm"): None,
    ("POST", "/api/support/emergencies/{emergency_id}/start"): None,
    ("POST", "/api/support/emergencies/{emergency_id}/pause"): {"reason": "backup_restore"},
    ("POST", "/api/support/emergencies/{emergency_id}/resume"): None,
    ("POST", "/api/support/emergencies/{emergency_id}/restore"): None,
    ("POST", "/api/support/emergencies/{emergency_id}/end"): None,
    ("GET", "/api/support/servers/{server_id}/quota"): None,
    ("GET", "/api/support/providers/{provider_id}/escalation-list"): None,
    ("PUT", "/api/support/providers/{provider_id}/escalation-list"): {
        "contacts": [{"name": "Intrus", "phone": "+33 1 00 00 00 00"}]
    },
    ("GET", "/api/support/clients/{client_id}/sla-report"): None,
    ("GET", "/api/support/clients/{client_id}/sla-report/pdf"): None,
    ("GET", "/api/support/servers/{server_id}/advice"): None,
    ("POST", "/api/support/servers/{server_id}/advice"): {"minutes": 10},
    ("POST", "/api/support/emergencies/{emergency_id}/fault"): {
        "fault": "client_mistake",
        "note": "intrus",
    },
    ("POST", "/api/support/emergencies/{emergency_id}/accept-out-of-hours"): None,
    ("GET", "/api/support/plans/{plan_id}"): None,
    ("POST", "/api/support/plans/{plan_id}/accept"): "support_slot",
    ("POST", "/api/support/servers/{server_id}/plans"): {
        "description": "intrus",
        "slots": [
            {"starts_at": "2030-01-08T14:00:00+01:00", "ends_at": "2030-01-08T15:00:00+01:00"}
        ],
    },
}
# Provider A's own clients legitimately read its public record and its published terms.
SAME_TENANT_READS = {
    ("admin_a2", "GET", "/api/providers/{provider_id}"),
    ("admin_a2", "GET", "/api/terms/{terms_id}"),
    # The escalation list is given to every client of the provider (art. 5).
    ("admin_a2", "GET", "/api/support/providers/{provider_id}/escalation-list"),
}
# Creation endpoints aimed at tenant A: refused for outsiders, nothing created.
CREATE_OPERATIONS: dict[tuple[str, str], Any] = {
    ("POST", "/api/clients"): lambda w: {
        "provider_id": w.provider_a.pk,
        "legal_name": "Intrus",
        "address_line1": "1 rue",
        "postal_code": "75001",
        "city": "Paris",
    },
    ("POST", "/api/invitations"): lambda w: {
        "client_id": w.client_a1.pk,
        "email": "intrus@boulangerie.example",
        "role": "member",
    },
    ("POST", "/api/mandates"): lambda w: {
        "client_id": w.client_a1.pk,
        "reference": "RUM-INTRUS",
        "iban": "FR7630006000011234567890189",
        "signed_on": "2026-01-01",
    },
    ("POST", "/api/sepa/exports"): lambda w: {
        "provider_id": w.provider_a.pk,
        "due_until": "2027-01-01",
    },
    ("POST", "/api/sepa/reports"): lambda w: {"provider_id": w.provider_a.pk, "content": "x"},
    ("POST", "/api/training/trainings"): lambda w: {
        "provider_id": w.provider_a.pk,
        "title": "Intrus",
        "objectives": "x",
        "programme": "x",
        "duration_hours": "7.00",
        "price_ht": "900.00",
    },
    ("POST", "/api/funders"): lambda w: {
        "provider_id": w.provider_a.pk,
        "legal_name": "OPCO intrus",
        "siret": "85199293300024",
        "billing_email": "factures@intrus.example",
        "address_line1": "1 rue",
        "postal_code": "75001",
        "city": "Paris",
    },
    ("POST", "/api/subscriptions"): lambda w: {
        "client_id": w.client_a1.pk,
        "plan_id": w.subscription_a1.plan_id,
    },
    ("POST", "/api/content/items"): lambda w: {
        "provider_id": w.provider_a.pk,
        "kind": "tool",
        "title": "Intrus",
        "language": "fr",
        "url": "https://intrus.example",
        "plan_ids": [w.subscription_a1.plan_id],
    },
    ("POST", "/api/content/spaces"): lambda w: {
        "subscription_id": w.subscription_a1.pk,
        "title": "Intrus",
    },
    ("POST", "/api/content/challenges"): lambda w: {
        "subscription_id": w.subscription_a1.pk,
        "title": "Intrus",
        "instructions": "x",
        "due_on": "2030-01-01",
    },
    ("POST", "/api/coaching/sessions"): lambda w: {
        "subscription_id": w.subscription_a1.pk,
        "coach_id": w.coaching["coach"].pk,
        "starts_at": "2030-01-07T09:00:00+01:00",
    },
    ("POST", "/api/coaching/deliverables"): lambda w: {
        "subscription_id": w.subscription_a1.pk,
        "title": "intrus",
    },
    ("POST", "/api/interruptions/outages"): lambda w: {
        "provider_id": w.provider_a.pk,
        "starts_at": "2026-01-05T09:00:00+01:00",
        "ends_at": "2026-01-09T09:00:00+01:00",
        "scope": "intrus",
        "cause": "intrus",
    },
    ("POST", "/api/interruptions/maintenances"): lambda w: {
        "provider_id": w.provider_a.pk,
        "starts_at": "2030-01-07T09:00:00+01:00",
        "ends_at": "2030-01-07T11:00:00+01:00",
        "scope": "intrus",
        "emergency": True,
    },
    ("POST", "/api/support/tickets"): lambda w: {
        "client_id": w.client_a1.pk,
        "subject": "intrus",
        "body": "intrus",
    },
    ("POST", "/api/support/emergencies"): lambda w: {
        "server_id": w.support["server_id"],
        "description": "intrus",
    },
    ("POST", "/api/terms"): lambda w: {
        "provider_id": w.provider_a.pk,
        "service_line": "managed_hosting",
        "version": "intrus",
        "pack_version": "1.0",
        "text_fr": "x",
    },
}
# Lists and the caller's own objects: 200, filtered to what the caller may see.
LIST_OPERATIONS = {
    ("GET", "/api/me"),
    ("PATCH", "/api/me"),
    ("GET", "/api/tokens"),
    ("POST", "/api/tokens"),
    ("GET", "/api/providers"),
    ("GET", "/api/clients"),
    ("GET", "/api/invitations"),
    ("GET", "/api/audit"),
    ("GET", "/api/outbox"),
    ("GET", "/api/terms"),
    ("GET", "/api/acceptances"),
    ("GET", "/api/plans"),
    ("GET", "/api/subscriptions"),
    ("GET", "/api/invoices"),
    ("GET", "/api/mandates"),
    ("GET", "/api/funders"),
    ("GET", "/api/monitoring/servers"),
    ("GET", "/api/content/items"),
    ("GET", "/api/content/spaces"),
    ("GET", "/api/content/challenges"),
    ("GET", "/api/coaching/allowances"),
    ("GET", "/api/coaching/sessions"),
    ("GET", "/api/coaching/deliverables"),
    ("GET", "/api/coaching/calendar"),
    ("GET", "/api/coaching/problems"),
    ("GET", "/api/coaching/change-requests"),
    ("GET", "/api/training/sessions"),
    ("GET", "/api/training/quotes"),
    ("GET", "/api/training/enrolments"),
    ("GET", "/api/interruptions"),
    ("GET", "/api/training/evaluations"),
    ("GET", "/api/training/trainings"),
    ("GET", "/api/support/tickets"),
    ("GET", "/api/support/emergencies"),
    ("GET", "/api/support/plans"),
}
LIST_BODIES = {
    ("PATCH", "/api/me"): {"first_name": "X"},
    ("POST", "/api/tokens"): {"name": "mine", "password": PASSWORD},
}

PORTAL_PAGES = [
    ("GET", "/organisations/{client_id}/membres/"),
    ("POST", "/organisations/{client_id}/membres/"),
    ("POST", "/organisations/{client_id}/facturation/"),
    ("POST", "/organisations/{client_id}/membres/{membership_id}/revoke/"),
    ("POST", "/organisations/{client_id}/invitations/{invitation_id}/resend/"),
    ("POST", "/organisations/{client_id}/invitations/{invitation_id}/revoke/"),
    ("GET", "/factures/{invoice_id}/"),
    ("GET", "/factures/{invoice_id}/pdf/"),
    ("POST", "/factures/{invoice_id}/carte/"),
    ("GET", "/abonnements/{subscription_id}/resilier/"),
    ("POST", "/abonnements/{subscription_id}/resilier/"),
    ("GET", "/bibliotheque/{item_id}/fichier/"),
    ("GET", "/espaces/{space_id}/"),
    ("POST", "/espaces/{space_id}/"),
    ("GET", "/espaces/messages/{post_id}/modifier/"),
    ("POST", "/espaces/messages/{post_id}/modifier/"),
    ("POST", "/espaces/messages/{post_id}/masquer/"),
    ("GET", "/defis/{challenge_id}/"),
    ("POST", "/defis/{challenge_id}/"),
    ("POST", "/defis/rendus/{submission_id}/retour/"),
    ("GET", "/defis/rendus/{submission_id}/fichier/"),
    ("GET", "/seances/{session_id}/"),
    ("POST", "/seances/{session_id}/"),
    ("GET", "/seances/{session_id}/salle/"),
    ("POST", "/seances/signalements/{problem_id}/"),
    ("POST", "/seances/demandes/{change_request_id}/"),
    ("GET", "/formations/devis/{quote_id}/"),
    ("POST", "/formations/devis/{quote_id}/facturer/"),
    ("GET", "/support/tickets/{ticket_id}/"),
    ("POST", "/support/tickets/{ticket_id}/"),
    ("GET", "/support/pieces-jointes/{attachment_id}/"),
    ("GET", "/support/urgences/{emergency_id}/"),
    ("POST", "/support/urgences/{emergency_id}/"),
    ("POST", "/support/tickets/{ticket_id}/action/"),
    ("GET", "/support/interventions/{plan_id}/"),
    ("POST", "/support/interventions/{plan_id}/"),
    ("GET", "/support/prestataires/{provider_id}/escalade/"),
    ("POST", "/support/prestataires/{provider_id}/escalade/"),
    ("GET", "/supervision/serveurs/{server_id}/"),
    ("GET", "/supervision/serveurs/{server_id}/maintenance/"),
    ("POST", "/supervision/serveurs/{server_id}/maintenance/"),
    ("POST", "/supervision/problemes/{service_id}/prise-en-compte/"),
    ("GET", "/supervision/rapports/{report_id}/"),
    ("POST", "/supervision/rapports/{report_id}/"),
    ("GET", "/seances/{session_id}/chat/"),
    ("POST", "/seances/{session_id}/chat/"),
    ("POST", "/formations/devis/{quote_id}/participants/"),
    ("POST", "/formations/devis/{quote_id}/financement/"),
    ("POST", "/formations/devis/{quote_id}/accord/"),
    ("POST", "/formations/devis/{quote_id}/refus/"),
    ("GET", "/espace/clients/{client_id}/"),
    ("POST", "/espace/clients/{client_id}/payment/"),
    ("POST", "/espace/clients/{client_id}/credit-note/"),
    ("POST", "/espace/clients/{client_id}/suspend/"),
]
# Support pages are the whole client organisation's, members included (ticket authors);
# so are its servers' monitoring pages (members read them; changing the maintenance
# windows or marking a report read is refused to them with a 403: tests/monitoring).
MEMBER_PAGES = {
    page
    for _method, page in PORTAL_PAGES
    if page.startswith(("/support/", "/supervision/serveurs/", "/supervision/rapports/"))
}


def ids_for(world: Any, path: str) -> dict[str, Any]:
    """The world's ids for `path`; coaching's subscription paths name the coaching
    subscription (the shared `subscription_id` is the hosting one, which would answer 404
    to insiders too and prove nothing)."""
    ids = world.ids()
    if path.startswith("/api/coaching/subscriptions/"):
        ids["subscription_id"] = ids["coaching_subscription_id"]
    return ids


def body_for(world: Any, spec: Any) -> Any:
    """Bodies aimed at client A1; the accept body carries a token A1's admin really got."""
    if spec == "client_a1":
        return {"client_id": world.client_a1.pk, "language": "fr"}
    if spec == "support_slot":
        return {"slot_id": world.support["slot_id"], "accept_out_of_hours": True}
    if spec == "client_a1+token":
        first, _text = terms_services.review(
            now=timezone.now(),
            person=world.people["admin_a1"],
            client=world.client_a1,
            terms=world.terms_a,
            language="fr",
        )
        return {"client_id": world.client_a1.pk, "review_token": first.sign()}
    return spec


def schema_operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, methods in paths.items() for method in methods}


def id_fields(payload: Any) -> list[tuple[str, Any]]:
    """Every (key, value) of *_id fields anywhere in a JSON payload."""
    if isinstance(payload, dict):
        found = [(k, v) for k, v in payload.items() if k.endswith("_id")]
        for value in payload.values():
            found += id_fields(value)
        return found
    if isinstance(payload, list):
        return [pair for item in payload for pair in id_fields(item)]
    return []


def call(client: Client, method: str, path: str, body: Any, secret: str) -> Any:
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(path, **kwargs)


def test_every_api_operation_is_covered_by_the_isolation_walk():
    covered = set(SCOPED_OPERATIONS) | set(CREATE_OPERATIONS) | LIST_OPERATIONS
    assert schema_operations() == covered


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), sorted(SCOPED_OPERATIONS))
def test_outsiders_get_403_or_404_on_tenant_a_objects(client, outsider, method, path):
    world = build_world()
    body = body_for(world, SCOPED_OPERATIONS[(method, path)])
    response = call(
        client, method, path.format(**ids_for(world, path)), body, world.secrets[outsider]
    )
    if (outsider, method, path) in SAME_TENANT_READS:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404), response.content
    assert not any(marker in response.content.decode() for marker in A1_MARKERS)
    world.membership_a1.refresh_from_db()
    assert world.membership_a1.is_active
    assert Invitation.objects.get(pk=world.invitation_a1.pk).revoked_at is None
    assert not Payment.objects.exists()
    assert not world.invoice_a1.credit_notes.exists()
    assert not world.invoice_a1.disputes.exists() and not world.invoice_a1.formal_notices.exists()
    world.subscription_a1.refresh_from_db()
    assert world.subscription_a1.end_date is None
    world.agreement_a1.refresh_from_db()
    assert world.agreement_a1.accepted_at is None
    assert not ServiceInterruption.objects.filter(cancelled_at__isnull=False).exists()
    assert world.server_a1.services.filter(enabled=True).count() == len(LAMP_TEMPLATE)
    assert not Downtime.objects.exists() and not Acknowledgement.objects.exists()
    assert not MaintenanceWindow.objects.exists()
    assert ProblemReport.objects.get().status == "open"
    assert ChangeRequest.objects.get().status == "pending"
    assert not ServerReport.objects.filter(read_at__isnull=False).exists()
    assert content_untouched(world.content_ids)
    assert_support_untouched(world)


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), sorted(CREATE_OPERATIONS))
def test_outsiders_cannot_create_in_tenant_a(client, outsider, method, path):
    world = build_world()
    clients_before = ClientOrganisation.objects.count()
    invitations_before = Invitation.objects.count()
    subscriptions_before = Subscription.objects.count()
    funders_before = Funder.objects.count()
    interruptions_before = ServiceInterruption.objects.count()
    response = call(
        client, method, path, CREATE_OPERATIONS[(method, path)](world), world.secrets[outsider]
    )
    assert response.status_code in (403, 404), response.content
    assert ClientOrganisation.objects.count() == clients_before
    assert Invitation.objects.count() == invitations_before
    assert Subscription.objects.count() == subscriptions_before
    assert Funder.objects.count() == funders_before
    assert_support_untouched(world)
    assert not Mandate.objects.exists()
    assert ServiceInterruption.objects.count() == interruptions_before
    assert not LibraryItem.objects.filter(title="Intrus").exists()
    assert not Space.objects.filter(title="Intrus").exists()
    assert not Challenge.objects.filter(title="Intrus").exists()
    assert not Training.objects.filter(title="Intrus").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), sorted(LIST_OPERATIONS))
def test_lists_never_show_another_tenants_data(client, outsider, method, path):
    world = build_world()
    response = call(client, method, path, LIST_BODIES.get((method, path)), world.secrets[outsider])
    assert response.status_code in (200, 201), response.content
    assert not any(marker in response.content.decode() for marker in A1_MARKERS)
    foreign = {("client_id", world.client_a1.pk)}
    if outsider in {"admin_b1", "owner_b", "engineer_b"}:
        foreign.add(("provider_id", world.provider_a.pk))
    assert not foreign & set(id_fields(response.json())), response.content


@pytest.mark.django_db
def test_the_insiders_do_see_their_data(client):
    """The walk above would pass on an API that shows nothing: prove it shows A1 to A."""
    world = build_world()
    for insider in ("owner_a", "admin_a1"):
        response = call(
            client, "GET", f"/api/clients/{world.client_a1.pk}", None, world.secrets[insider]
        )
        assert response.status_code == 200
        assert "SECRET-A1" in response.content.decode()
    members = call(
        client, "GET", f"/api/clients/{world.client_a1.pk}/members", None, world.secrets["owner_a"]
    )
    assert "secret-member@" in members.content.decode()
    invoice_url = f"/api/invoices/{world.invoice_a1.pk}"
    assert call(client, "GET", invoice_url, None, world.secrets["admin_a1"]).status_code == 200
    # Members of the client do not see its invoices.
    assert call(client, "GET", invoice_url, None, world.secrets["member_a1"]).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "member_a1"])
@pytest.mark.parametrize(("method", "page"), PORTAL_PAGES)
def test_portal_pages_of_client_a1_are_404_for_outsiders(client, outsider, method, page):
    if outsider == "member_a1" and page in MEMBER_PAGES:
        pytest.skip("a member of A1 is not an outsider to A1's support pages")
    world = build_world()
    assert client.login(username=world.people[outsider].email, password=PASSWORD)
    data = {
        "email": "intrus@boulangerie.example",
        "role": "member",
        "language": "fr",
        "confirm": "yes",
    }
    response = getattr(client, method.lower())(
        page.format(**ids_for(world, page)), data if method == "POST" else None
    )
    assert response.status_code == 404
    assert not any(marker in response.content.decode() for marker in A1_MARKERS)
    world.membership_a1.refresh_from_db()
    assert world.membership_a1.is_active
    assert Invitation.objects.filter(email="intrus@boulangerie.example").count() == 0
    world.subscription_a1.refresh_from_db()
    assert world.subscription_a1.end_date is None
    assert content_untouched(world.content_ids)


@pytest.mark.django_db
def test_the_client_admin_does_see_the_members_page(client):
    world = build_world()
    assert client.login(username="admin@boulangerie.example", password=PASSWORD)
    response = client.get(f"/organisations/{world.client_a1.pk}/membres/")
    assert response.status_code == 200
    assert "secret-member@" in response.content.decode()
    pdf = client.get(f"/factures/{world.invoice_a1.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    invoice = client.get(f"/factures/{world.invoice_a1.pk}/")
    assert invoice.status_code == 200
    assert world.invoice_a1.display_number in invoice.content.decode()
    assert world.invoice_a1.display_number in client.get("/factures/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"), sorted(SCOPED_OPERATIONS | {k: None for k in CREATE_OPERATIONS})
)
def test_anonymous_callers_get_401(client, method, path):
    world = build_world()
    response = getattr(client, method.lower())(path.format(**ids_for(world, path)))
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "member_a1"])
def test_the_invoice_list_shows_outsiders_nothing_of_a1(client, outsider):
    world = build_world()
    client.force_login(world.people[outsider])
    page = client.get("/factures/")
    assert page.status_code == 200
    assert "SECRET-A1" not in page.content.decode()


@pytest.mark.django_db
def test_coaching_subscription_rows_point_at_what_a1_itself_reaches(client):
    """The outsider rows above prove something only if A1's own admin gets the row."""
    world = build_world()
    path = "/api/coaching/subscriptions/{subscription_id}/allowance"
    response = call(
        client, "GET", path.format(**ids_for(world, path)), None, world.secrets["admin_a1"]
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "member_a1"])
def test_the_calendar_shows_outsiders_nothing_of_a1_s_sessions(client, outsider):
    """The agenda page (a list, not an object page): A1's session, its client and its
    participant appear to A1's admin, never to an outsider, on the session's own week."""
    world = build_world()
    session = world.coaching["session"]
    day = session.starts_at.astimezone(ZoneInfo("Europe/Paris")).date()
    week = {"vue": "week", "date": day.isoformat()}
    link = f'href="/seances/{session.pk}/"'
    assert client.login(username="admin@boulangerie.example", password=PASSWORD)
    insider = client.get("/agenda/", week).content.decode()
    assert link in insider and "coachee@boulangerie.example" in insider
    client.logout()
    assert client.login(username=world.people[outsider].email, password=PASSWORD)
    page = client.get("/agenda/", week)
    assert page.status_code in (200, 403, 404)
    text = page.content.decode()
    assert link not in text
    assert "coachee@boulangerie.example" not in text
    if outsider != "member_a1":  # who reads their own address in the page's header
        assert not any(marker in text for marker in A1_MARKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "member_a1"])
def test_the_evaluation_results_show_outsiders_nothing_of_a1(client, outsider):
    """A1's answered evaluation (a comment included) reaches A's staff and A1's admins
    only: outsiders get their own (empty) results or a 404, and the API list alike."""
    world = build_world()
    client.force_login(world.people[outsider])
    page = client.get("/formations/evaluations/")
    assert page.status_code in (200, 404)
    assert "SECRET-A1" not in page.content.decode()
    api_list = call(client, "GET", "/api/training/evaluations", None, world.secrets[outsider])
    assert "SECRET-A1" not in api_list.content.decode()


@pytest.mark.django_db
def test_the_evaluation_results_do_show_a1_to_its_admin_and_a_staff(client):
    world = build_world()
    for insider in ("admin_a1", "owner_a"):
        client.force_login(world.people[insider])
        assert "SECRET-A1 formation" in client.get("/formations/evaluations/").content.decode()
    # The comment is the provider's only (art. 23).
    client.force_login(world.people["admin_a1"])
    assert "SECRET-A1 avis" not in client.get("/formations/evaluations/").content.decode()
    client.force_login(world.people["owner_a"])
    assert "SECRET-A1 avis" in client.get("/formations/evaluations/").content.decode()

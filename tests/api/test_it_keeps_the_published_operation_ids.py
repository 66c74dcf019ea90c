"""The API's operationIds do not move when its code does.

Clients generate code from /api/openapi.json; the routers moved from clausier/api/routers/
into their apps (issue 11) and django-ninja derives operationIds from the module, so the
published ones are pinned here. New operations may be added; these may not change.
"""

# ruff: noqa: E501 - the pinned operations are one per line, as the document lists them

from __future__ import annotations

from clausier.api.api import api

PUBLISHED = """
GET /api/me clausier_api_routers_people_me
PATCH /api/me clausier_api_routers_people_update_me
GET /api/tokens clausier_api_routers_people_list_tokens
POST /api/tokens clausier_api_routers_people_create_token
DELETE /api/tokens/{token_id} clausier_api_routers_people_revoke_token
GET /api/providers clausier_api_routers_accounts_list_providers
GET /api/providers/{provider_id} clausier_api_routers_accounts_get_provider
PATCH /api/providers/{provider_id} clausier_api_routers_accounts_update_provider
GET /api/clients clausier_api_routers_accounts_list_clients
POST /api/clients clausier_api_routers_accounts_create_client
GET /api/clients/{client_id} clausier_api_routers_accounts_get_client
PATCH /api/clients/{client_id} clausier_api_routers_accounts_update_client
GET /api/clients/{client_id}/members clausier_api_routers_accounts_list_members
GET /api/invitations clausier_api_routers_accounts_list_invitations
POST /api/invitations clausier_api_routers_accounts_create_invitation
POST /api/invitations/{invitation_id}/resend clausier_api_routers_accounts_resend_invitation
POST /api/invitations/{invitation_id}/revoke clausier_api_routers_accounts_revoke_invitation
POST /api/memberships/{membership_id}/suspend clausier_api_routers_accounts_suspend_membership
POST /api/memberships/{membership_id}/reinstate clausier_api_routers_accounts_reinstate_membership
POST /api/memberships/{membership_id}/revoke clausier_api_routers_accounts_revoke_membership
GET /api/audit clausier_api_routers_accounts_list_audit
GET /api/outbox clausier_api_routers_accounts_list_outbox
GET /api/terms clausier_api_routers_terms_list_terms
POST /api/terms clausier_api_routers_terms_create_terms
GET /api/terms/{terms_id} clausier_api_routers_terms_get_terms
POST /api/terms/{terms_id}/publish clausier_api_routers_terms_publish_terms
POST /api/terms/{terms_id}/review clausier_api_routers_terms_review_terms
POST /api/terms/{terms_id}/accept clausier_api_routers_terms_accept_terms
GET /api/acceptances clausier_api_routers_terms_list_acceptances
GET /api/plans clausier_api_routers_billing_list_plans
GET /api/subscriptions clausier_api_routers_billing_list_subscriptions
POST /api/subscriptions clausier_api_routers_billing_create_subscription
GET /api/subscriptions/{subscription_id} clausier_api_routers_billing_get_subscription
POST /api/subscriptions/{subscription_id}/terminate clausier_api_routers_billing_terminate_subscription
POST /api/overage-agreements/{agreement_id}/accept clausier_api_routers_billing_accept_overage
GET /api/invoices clausier_api_routers_billing_list_invoices
GET /api/invoices/{invoice_id} clausier_api_routers_billing_get_invoice
GET /api/invoices/{invoice_id}/pdf clausier_api_routers_billing_invoice_pdf
GET /api/invoices/{invoice_id}/xml clausier_api_routers_billing_invoice_xml
POST /api/invoices/{invoice_id}/payments clausier_api_routers_billing_record_payment
POST /api/invoices/{invoice_id}/credit-note clausier_api_routers_billing_issue_credit_note
GET /api/mandates clausier_api_routers_sepa_list_mandates
POST /api/mandates clausier_api_routers_sepa_create_mandate
POST /api/sepa/exports clausier_api_routers_sepa_export_debits
GET /api/sepa/exports/{collection_id}/file clausier_api_routers_sepa_download_debits
POST /api/sepa/reports clausier_api_routers_sepa_import_bank_report
POST /api/invoices/{invoice_id}/dispute clausier_api_routers_sepa_dispute_invoice
POST /api/invoices/{invoice_id}/formal-notice clausier_api_routers_sepa_record_formal_notice
"""


def published() -> dict[tuple[str, str], str]:
    found = {}
    for line in PUBLISHED.strip().splitlines():
        method, path, operation_id = line.split()
        found[(method, path)] = operation_id
    return found


def current() -> dict[tuple[str, str], str]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path): operation["operationId"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_published_operation_keeps_its_path_and_operation_id() -> None:
    now = current()
    changed = {
        key: (operation_id, now.get(key))
        for key, operation_id in published().items()
        if now.get(key) != operation_id
    }
    assert changed == {}


def test_operation_ids_are_unique() -> None:
    ids = list(current().values())
    assert len(ids) == len(set(ids))

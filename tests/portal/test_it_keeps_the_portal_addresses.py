"""The portal's pages keep their names and addresses wherever their views live.

The pages moved from clausier/portal/ into their apps (issue 11); templates, e-mails
and bookmarks use these names and paths, so they are pinned here.
"""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from clausier.accounts import views as accounts_views
from clausier.billing.views import invoices, subscriptions
from clausier.portal import home
from clausier.terms import views as terms_views

PAGES = [
    ("portal:home", {}, "/", home.home),
    ("portal:login", {}, "/connexion/", accounts_views.login_view),
    ("portal:logout", {}, "/deconnexion/", accounts_views.logout_view),
    ("portal:activate", {"token": "abc"}, "/invitation/abc/", accounts_views.activate),
    ("portal:profile", {}, "/profil/", accounts_views.profile),
    ("portal:members", {"client_id": 3}, "/organisations/3/membres/", accounts_views.members),
    (
        "portal:member_action",
        {"client_id": 3, "membership_id": 4, "action": "revoke"},
        "/organisations/3/membres/4/revoke/",
        accounts_views.member_action,
    ),
    (
        "portal:invitation_action",
        {"client_id": 3, "invitation_id": 5, "action": "resend"},
        "/organisations/3/invitations/5/resend/",
        accounts_views.invitation_action,
    ),
    ("portal:terms", {}, "/conditions/", terms_views.terms_list),
    ("portal:terms_detail", {"terms_id": 2}, "/conditions/2/", terms_views.terms_detail),
    (
        "portal:terms_validate",
        {"terms_id": 2},
        "/conditions/2/valider/",
        terms_views.terms_validate,
    ),
    (
        "portal:terms_confirm",
        {"terms_id": 2},
        "/conditions/2/confirmer/",
        terms_views.terms_confirm,
    ),
    ("portal:invoices", {}, "/factures/", invoices.invoice_list),
    ("portal:invoice_detail", {"invoice_id": 7}, "/factures/7/", invoices.invoice_detail),
    (
        "portal:invoice_document",
        {"invoice_id": 7, "kind": "pdf"},
        "/factures/7/pdf/",
        invoices.invoice_document,
    ),
    ("portal:subscriptions", {}, "/abonnements/", subscriptions.subscription_list),
    (
        "portal:subscription_terminate",
        {"subscription_id": 8},
        "/abonnements/8/resilier/",
        subscriptions.subscription_terminate,
    ),
    ("billing:stripe_webhook", {"provider": "acme"}, "/billing/webhooks/stripe/acme/", None),
    (
        "billing:gocardless_webhook",
        {"provider": "acme"},
        "/billing/webhooks/gocardless/acme/",
        None,
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "path", "view"), PAGES)
def test_each_page_keeps_its_name_and_address(
    name: str, kwargs: dict[str, object], path: str, view: object
) -> None:
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert f"{match.namespace}:{match.url_name}" == name
    if view is not None:
        assert match.func is view

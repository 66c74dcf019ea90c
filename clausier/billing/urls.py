"""Billing URLs: payment gateways' webhooks, one endpoint per provider and gateway
(`urlpatterns`, mounted under /billing/), and billing's portal pages
(`portal_urlpatterns`, mounted by the portal under its namespace)."""

from django.urls import path

from clausier.billing.payments import views
from clausier.billing.views import catalogue, invoices, mandates, subscriptions

app_name = "billing"

urlpatterns = [
    path(
        "webhooks/stripe/<slug:provider>/",
        views.stripe_webhook,
        name="stripe_webhook",
    ),
    path(
        "webhooks/gocardless/<slug:provider>/",
        views.gocardless_webhook,
        name="gocardless_webhook",
    ),
    path("passerelle-de-test/<str:token>/", views.test_gateway_page, name="test_gateway"),
]

portal_urlpatterns = [
    path("formules/", catalogue.plan_catalogue, name="plans"),
    path("mandat/", mandates.mandate, name="mandate"),
    path("mandat/<int:mandate_id>/pdf/", mandates.mandate_pdf, name="mandate_pdf"),
    path("formules/<int:plan_id>/souscrire/", catalogue.plan_subscribe, name="plan_subscribe"),
    path("factures/", invoices.invoice_list, name="invoices"),
    path("factures/<int:invoice_id>/", invoices.invoice_detail, name="invoice_detail"),
    path("factures/<int:invoice_id>/carte/", invoices.invoice_pay_card, name="invoice_pay_card"),
    path(
        "factures/<int:invoice_id>/contester/",
        invoices.invoice_dispute,
        name="invoice_dispute",
    ),
    path(
        "factures/<int:invoice_id>/<str:kind>/",
        invoices.invoice_document,
        name="invoice_document",
    ),
    path("abonnements/", subscriptions.subscription_list, name="subscriptions"),
    path(
        "abonnements/<int:subscription_id>/resilier/",
        subscriptions.subscription_terminate,
        name="subscription_terminate",
    ),
]

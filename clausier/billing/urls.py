"""Billing URLs: payment gateways' webhooks, one endpoint per provider and gateway."""

from django.urls import path

from clausier.billing.payments import views

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
]

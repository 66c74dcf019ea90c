"""The back-office: every changelist scoped to the staff member's provider."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.api.world import A1_MARKERS, build_world

pytestmark = pytest.mark.django_db

# Groups and django-axes' lockout records span every provider: superusers only (the
# permission matrix asserts that no provider role opens them).
GLOBAL_APPS = {"auth", "axes"}
MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label not in GLOBAL_APPS
)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_staff_of_another_provider_see_nothing_of_tenant_a(client, app, model):
    world = build_world()
    client.force_login(world.people["owner_b"])
    page = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert page.status_code == 200
    assert not any(marker in page.content.decode() for marker in A1_MARKERS)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_staff_of_tenant_a_do_see_it(client, app, model):
    world = build_world()
    client.force_login(world.people["owner_a"])
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


def test_the_owner_reads_the_lines_of_an_invoice(client):
    world = build_world()
    client.force_login(world.people["owner_a"])
    page = client.get(reverse("admin:billing_invoice_change", args=[world.invoice_a1.pk]))
    line = world.invoice_a1.lines.first()
    assert line is not None and line.description in page.content.decode()


def test_another_providers_client_cannot_be_opened_or_changed(client):
    world = build_world()
    client.force_login(world.people["owner_b"])
    url = reverse("admin:accounts_clientorganisation_change", args=[world.client_a1.pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin redirects to its index: "doesn't exist"
    client.post(url, {"legal_name": "pwned"})
    world.client_a1.refresh_from_db()
    assert world.client_a1.legal_name.startswith("SECRET-A1")


def test_client_users_have_no_back_office(client):
    world = build_world()
    client.force_login(world.people["admin_a1"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302

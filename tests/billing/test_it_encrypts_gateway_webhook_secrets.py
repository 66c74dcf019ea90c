"""Gateway webhook secrets are encrypted at rest and never shown back in the back-office
(issue 9, finding 4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clausier.accounts.models import Role
from clausier.billing.models import GatewayAccount
from clausier.core import crypto
from tests.helpers import make_provider, make_staff

SECRET = "whsec_live_9f8e7d6c5b4a"


def raw_column(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM billing_gatewayaccount WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_column_holds_only_ciphertext():
    account = GatewayAccount.objects.create(
        provider=make_provider(), gateway="stripe", webhook_secret=SECRET
    )
    stored = raw_column(account.pk)
    assert SECRET not in stored and crypto.looks_sealed(stored)
    assert GatewayAccount.objects.get(pk=account.pk).webhook_secret == SECRET


@pytest.mark.django_db
def test_the_back_office_takes_a_secret_and_never_shows_it_back(client):
    provider = make_provider()
    client.force_login(make_staff(provider, Role.OWNER))
    added = client.post(
        "/admin/billing/gatewayaccount/add/",
        {"provider": provider.pk, "gateway": "stripe", "webhook_secret": SECRET},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    account = GatewayAccount.objects.get(provider=provider)
    assert account.webhook_secret == SECRET
    url = f"/admin/billing/gatewayaccount/{account.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="webhook_secret"' in page
    assert SECRET not in page and raw_column(account.pk) not in page

    # Saving without typing a secret keeps the stored one; typing one replaces it.
    client.post(url, {"provider": provider.pk, "gateway": "stripe", "webhook_secret": ""})
    assert GatewayAccount.objects.get(pk=account.pk).webhook_secret == SECRET
    client.post(url, {"provider": provider.pk, "gateway": "stripe", "webhook_secret": "whsec_2"})
    assert GatewayAccount.objects.get(pk=account.pk).webhook_secret == "whsec_2"
    assert "whsec_2" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_new_account_needs_a_secret(client):
    provider = make_provider()
    client.force_login(make_staff(provider, Role.OWNER))
    page = client.post(
        "/admin/billing/gatewayaccount/add/",
        {"provider": provider.pk, "gateway": "stripe", "webhook_secret": ""},
    )
    assert page.status_code == 200
    assert not GatewayAccount.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets_and_back():
    before = [("billing", "0006_payment_per_provider_method_choice_overpayment")]
    after = [("billing", "0007_encrypt_gateway_webhook_secrets")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    provider = make_provider()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_gatewayaccount (provider_id, gateway, webhook_secret) "
            "VALUES (%s, 'stripe', %s)",
            [provider.pk, SECRET],
        )
        cursor.execute("SELECT id FROM billing_gatewayaccount")
        [(pk,)] = cursor.fetchall()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert crypto.looks_sealed(raw_column(pk)) and SECRET not in raw_column(pk)
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert raw_column(pk) == SECRET
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert GatewayAccount.objects.get(pk=pk).webhook_secret == SECRET

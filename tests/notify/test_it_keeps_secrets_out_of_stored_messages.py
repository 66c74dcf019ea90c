"""An activation link is in the e-mail, never in the stored row: the body keeps a
placeholder, the link waits encrypted and is erased once the SMTP server took the
message; the back-office never shows a security message's body (issue 9, finding 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clausier.core import crypto
from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import deliver_due, enqueue
from tests.helpers import make_provider, make_staff

LINK = "https://clausier.example/invitation/Xq3J9v-secret-token-0123456789abcdefghijk/"


def invitation_context(**overrides: str) -> dict[str, str]:
    return {
        "inviter_name": "Sophie Bernard",
        "organisation": "Boulangerie Martin",
        "provider": "Kestio",
        "activation_url": LINK,
        "expires_at": "07/12/2026 10:00",
        "role": "membre",
        **overrides,
    }


def queue_invitation(key: str = "inv-1", **overrides: str) -> OutboxMessage:
    return enqueue(
        template="invitation",
        to_email="lea@boulangerie.example",
        language="fr",
        context=invitation_context(**overrides),
        idempotency_key=key,
        now=timezone.now(),
    )


def raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notify_outboxmessage WHERE id = %s", [pk])
        return repr(cursor.fetchone())


@pytest.mark.django_db
def test_the_stored_row_holds_a_placeholder_and_ciphertext_only(smtp_server):
    message = queue_invitation()
    assert message.sensitive
    assert LINK not in raw_row(message.pk) and "secret-token" not in raw_row(message.pk)
    assert "[activation_url:" in message.body

    deliver_due(timezone.now())
    [received] = smtp_server.messages
    assert LINK in received.get_content()
    assert "[activation_url:" not in received.get_content()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sealed_secrets == ""


@pytest.mark.django_db
def test_the_link_waits_encrypted_through_retries(smtp_server):
    smtp_server.stop()
    message = queue_invitation()
    deliver_due(timezone.now())
    message.refresh_from_db()
    assert message.status == OutboxStatus.RETRYING and message.sealed_secrets != ""
    smtp_server.start()
    deliver_due(timezone.now() + timedelta(minutes=5))
    [received] = smtp_server.messages
    assert LINK in received.get_content()


@pytest.mark.django_db
def test_a_lost_key_fails_the_message_clearly_instead_of_sending_a_broken_link(
    smtp_server, settings
):
    message = queue_invitation()
    settings.CLAUSIER_SECRET_KEYS = [crypto.generate_key()]
    assert deliver_due(timezone.now()) == {"sent": 0, "retrying": 0, "failed": 1}
    assert smtp_server.messages == []
    message = OutboxMessage.objects.defer("sealed_secrets").get(pk=message.pk)
    assert message.status == OutboxStatus.FAILED
    assert "CLAUSIER_SECRET_KEYS" in message.last_error


@pytest.mark.django_db
def test_text_typed_by_a_user_cannot_pull_the_link_elsewhere(smtp_server):
    queue_invitation(inviter_name="[activation_url:0000000000000000]")
    deliver_due(timezone.now())
    [received] = smtp_server.messages
    assert received.get_content().count(LINK) == 1


@pytest.mark.django_db
def test_the_back_office_hides_the_body_of_security_messages_only(client):
    provider = make_provider()
    client.force_login(make_staff(provider))
    secret = enqueue(
        template="invitation",
        to_email="lea@boulangerie.example",
        language="fr",
        context=invitation_context(),
        idempotency_key="inv",
        now=timezone.now(),
        provider=provider,
    )
    plain = enqueue(
        template="access_suspended",
        to_email="lea@boulangerie.example",
        language="fr",
        context={"person_name": "Léa", "provider": "Kestio", "reason": "Partage constaté"},
        idempotency_key="susp",
        now=timezone.now(),
        provider=provider,
    )
    hidden = client.get(f"/admin/notify/outboxmessage/{secret.pk}/change/")
    assert hidden.status_code == 200
    assert "Pour activer votre compte" not in hidden.content.decode()
    assert "activation_url" not in hidden.content.decode()
    assert "Sophie Bernard vous invite sur" in hidden.content.decode()  # the subject stays
    shown = client.get(f"/admin/notify/outboxmessage/{plain.pk}/change/")
    assert "Partage constaté" in shown.content.decode()
    listing = client.get("/admin/notify/outboxmessage/")
    assert listing.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_links_of_rows_queued_before_it(smtp_server):
    before = [("notify", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    Outbox = old.get_model("notify", "OutboxMessage")
    now = timezone.now()
    common = {
        "template": "invitation",
        "language": "fr",
        "from_email": "noreply@clausier.localhost",
        "to_email": "lea@boulangerie.example",
        "subject": "Invitation",
        "next_attempt_at": now,
        "created_at": now,
    }
    queued = Outbox.objects.create(
        idempotency_key="q", message_id="<q@x>", body=f"Ouvrez :\n{LINK}\nMerci", **common
    )
    sent = Outbox.objects.create(
        idempotency_key="s", message_id="<s@x>", body=f"Ouvrez :\n{LINK}\n", status="sent", **common
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for pk in (queued.pk, sent.pk):
        assert "secret-token" not in raw_row(pk)
    assert OutboxMessage.objects.get(pk=sent.pk).sealed_secrets == ""
    deliver_due(now)
    [received] = smtp_server.messages
    assert LINK in received.get_content() and received["Message-ID"] == "<q@x>"

"""The outbox: rows before sending, real SMTP delivery, retries, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import backoff, claim, deliver_due, enqueue
from clausier.notify.templates import MissingContext, UnknownTemplate
from tests.helpers import make_provider

pytestmark = pytest.mark.django_db

SUSPENDED = {"person_name": "Léa Petit", "provider": "Kestio", "reason": "Identifiants partagés"}


def queue(
    key: str, language: str = "fr", to: str = "lea@client.example", now=None
) -> OutboxMessage:
    return enqueue(
        template="access_suspended",
        to_email=to,
        language=language,
        context=SUSPENDED,
        idempotency_key=key,
        now=now or timezone.now(),
    )


def test_it_delivers_with_our_message_id_and_rfc3834_headers(smtp_server):
    message = queue("k1")
    assert message.status == OutboxStatus.QUEUED
    deliver_due(timezone.now())
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "fr"
    assert received["Subject"] == "Votre accès à Kestio est suspendu"
    assert "Identifiants partagés" in received.get_content()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


def test_the_provider_sends_under_its_own_name(smtp_server):
    provider = make_provider("Kestio")
    enqueue(
        template="access_suspended",
        to_email="lea@client.example",
        language="fr",
        context=SUSPENDED,
        idempotency_key="named",
        now=timezone.now(),
        provider=provider,
        reply_to=provider.support_email,
    )
    deliver_due(timezone.now())
    [received] = smtp_server.messages
    assert received["From"].startswith("Kestio SAS <")
    assert received["Reply-To"] == provider.support_email


def test_the_same_key_queues_and_sends_once(smtp_server):
    first = queue("same")
    second = queue("same")
    assert first.pk == second.pk
    deliver_due(timezone.now())
    deliver_due(timezone.now())
    assert len(smtp_server.messages) == 1


def test_a_claimed_row_cannot_be_claimed_twice():
    message = queue("claim")
    now = timezone.now()
    assert claim(message.pk, now) is True
    assert claim(message.pk, now) is False


def test_with_the_server_down_messages_wait_then_all_arrive_once(smtp_server):
    smtp_server.stop()
    now = timezone.now()
    for n in range(5):
        queue(f"down-{n}", to=f"p{n}@client.example", now=now)
    counts = deliver_due(now)
    assert counts["sent"] == 0
    assert counts["retrying"] >= 1
    statuses = set(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses <= {OutboxStatus.RETRYING, OutboxStatus.QUEUED}
    retrying = OutboxMessage.objects.filter(status=OutboxStatus.RETRYING).first()
    assert retrying is not None and retrying.last_error
    assert retrying.next_attempt_at == now + backoff(1)

    # Not due yet: nothing is tried before the backoff has passed.
    smtp_server.start()
    assert deliver_due(now + timedelta(seconds=1))["sent"] == 0
    later = now + timedelta(hours=2)
    deliver_due(later)
    deliver_due(later)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"p{n}@client.example" for n in range(5)
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_it_gives_up_after_the_configured_attempts(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.stop()
    message = queue("give-up")
    now = timezone.now()
    for _ in range(3):
        deliver_due(now)
        now += timedelta(hours=2)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3


def test_backoff_doubles_and_is_capped():
    assert backoff(1) == timedelta(seconds=30)
    assert backoff(2) == timedelta(minutes=1)
    assert backoff(3) == timedelta(minutes=2)
    assert backoff(20) == timedelta(hours=1)


def test_a_worker_that_died_mid_send_does_not_lose_the_message(smtp_server):
    message = queue("stale")
    now = timezone.now()
    assert claim(message.pk, now)
    # The worker died here. Ten minutes later another worker takes the row again.
    assert deliver_due(now + timedelta(minutes=5))["sent"] == 0
    assert deliver_due(now + timedelta(minutes=11))["sent"] == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "Votre accès à Kestio est suspendu"),
        ("de", "Ihr Zugang zu Kestio ist gesperrt"),
        ("en", "Your access to Kestio is suspended"),
    ],
)
def test_each_recipient_reads_their_language(language, subject):
    message = queue(f"lang-{language}", language=language)
    assert message.subject == subject


def test_an_unknown_language_falls_back_to_french():
    assert queue("lang-xx", language="xx").subject == "Votre accès à Kestio est suspendu"


def test_an_unknown_template_or_missing_value_fails_before_queueing():
    with pytest.raises(UnknownTemplate):
        enqueue(
            template="nope",
            to_email="a@b.example",
            language="fr",
            context={},
            idempotency_key="x",
            now=timezone.now(),
        )
    with pytest.raises(MissingContext, match="reason"):
        enqueue(
            template="access_suspended",
            to_email="a@b.example",
            language="fr",
            context={"person_name": "x", "provider": "y"},
            idempotency_key="y",
            now=timezone.now(),
        )
    assert not OutboxMessage.objects.exists()


def test_a_provider_name_with_a_comma_is_quoted_in_the_sender(smtp_server):
    provider = make_provider("Kestio", legal_name='Dupont, Fils & "Associés" SAS')
    enqueue(
        template="access_suspended",
        to_email="lea@client.example",
        language="fr",
        context=SUSPENDED,
        idempotency_key="comma",
        now=timezone.now(),
        provider=provider,
    )
    deliver_due(timezone.now())
    [received] = smtp_server.messages
    assert received["From"].addresses[0].display_name == 'Dupont, Fils & "Associés" SAS'
    assert received["From"].addresses[0].addr_spec == "noreply@clausier.localhost"

"""Art. 5 "Panne non imputable au serveur" ("il en informe aussitôt le client") and
art. 7: recording a client's fault queues, in the same transaction, one automatic mail
per client administrator in their language (FR/DE/EN) saying the cause, that the GTR
credit does not apply (art. 14) and that the intervention is billable once the quote is
accepted; once only, whatever is retried; delivered over real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clausier.core.errors import DomainError
from clausier.notify.models import OutboxMessage
from clausier.notify.preferences import kind
from clausier.notify.services import deliver_due
from clausier.support.models import Channel, EmergencyRequest, FaultKind
from clausier.support.services import emergencies, outbound, tickets
from tests.helpers import make_client_user
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
CONTACT = datetime(2026, 1, 6, 9, tzinfo=UTC)  # Tuesday 10:00 in Paris
FOUND = datetime(2026, 1, 6, 10, 15, tzinfo=UTC)  # 11:15 in Paris


def started(w):
    row = emergencies.request_emergency(
        now=CONTACT, server=w["server"], channel=Channel.PORTAL, description="HS", actor=w["admin"]
    )
    return emergencies.start_intervention(now=CONTACT, request=row, actor=w["engineer"])


def faults(w, row, fault=FaultKind.CLIENT_MISTAKE):
    return emergencies.record_fault(
        now=FOUND, request=row, actor=w["engineer"], fault=fault, note="/etc/nginx supprimé."
    )


def test_the_client_admins_are_told_once_in_their_language(smtp_server):
    w = support_world()
    w["admin"].language = "de"
    w["admin"].save()
    member = make_client_user(w["client"])  # a plain member: not an administrator
    row = started(w)
    deliver_due(CONTACT)  # the world's own mail and the on-call page out of the way
    before = len(smtp_server.messages)
    row = faults(w, row)
    (mail,) = OutboxMessage.objects.filter(template="support_fault")
    assert mail.to_email == w["admin"].email and mail.language == "de"
    assert mail.to_email != member.email and mail.auto_submitted
    assert mail.reply_to == w["provider"].support_email
    assert f"[{row.reference}]" in mail.subject
    assert "fehlbedienung" in mail.body.lower()  # the cause, in German
    assert "GTR" in mail.body and "Art. 14" in mail.body and "Art. 5" in mail.body
    assert "Angebot" in mail.body  # billable once the quote is accepted
    assert "06.01.2026 11:15" in mail.body or "06/01/2026 11:15" in mail.body
    assert f"/support/urgences/{row.pk}/" in mail.body
    # Idempotent: a retried mailing queues nothing, a second record is refused.
    assert outbound.mail_fault(row, FOUND) == 0
    with pytest.raises(DomainError):
        faults(w, row, FaultKind.NOT_THE_SERVERS)
    assert OutboxMessage.objects.filter(template="support_fault").count() == 1
    assert deliver_due(FOUND)["sent"] == 1
    (sent,) = smtp_server.messages[before:]
    assert sent["X-Clausier-Template"] == "support_fault"
    assert sent["To"] == w["admin"].email and sent["Auto-Submitted"] == "auto-generated"
    assert deliver_due(FOUND)["sent"] == 0


@pytest.mark.parametrize(
    ("language", "fault", "words"),
    [
        ("fr", FaultKind.CLIENT_MISTAKE, ["fausse manœuvre", "GTR ne s'applique pas", "devis"]),
        ("de", FaultKind.NOT_THE_SERVERS, ["anderes Produkt", "GTR", "Angebot"]),
        ("en", FaultKind.NOT_THE_SERVERS, ["another product", "does not apply", "quote"]),
    ],
)
def test_each_language_says_the_cause_the_credit_and_the_bill(language, fault, words):
    w = support_world()
    w["admin"].language = language
    w["admin"].save()
    row = faults(w, started(w), fault)
    mail = OutboxMessage.objects.get(template="support_fault")
    assert mail.language == language
    for word in words:
        assert word in mail.body, (language, word, mail.body)
    assert row.reference in mail.subject


def test_the_ticket_requester_is_told_too_and_the_notice_cannot_be_switched_off():
    w = support_world()
    row = started(w)
    ticket = tickets.open_ticket(
        now=CONTACT,
        client=w["client"],
        subject="Site HS",
        body="b",
        channel=Channel.EMAIL,
        requester_email="nina@boulangerie.example",
    )
    EmergencyRequest.objects.filter(pk=row.pk).update(ticket=ticket)
    row.ticket = ticket
    faults(w, row)
    recipients = set(
        OutboxMessage.objects.filter(template="support_fault").values_list("to_email", flat=True)
    )
    assert recipients == {w["admin"].email.lower(), "nina@boulangerie.example"}
    assert kind("support_fault").mandatory  # art. 5 obliges the provider to tell

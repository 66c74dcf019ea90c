"""No usable secret in the database: every text column of a fresh demo database (and
after the usual token traffic) is scanned for a live invitation or API token (issue 9,
finding 2; docs/accounts.md promises that only hashes are stored)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import ApiToken, Invitation, Person
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due

pytestmark = pytest.mark.django_db

# Invitation tokens are token_urlsafe(32) (43 characters), API tokens "clz_" + 43.
CANDIDATE = re.compile(r"[A-Za-z0-9_\-]{20,}")


def every_text_value() -> Iterator[tuple[str, str, str]]:
    """(table, column, text) for every non-empty text-like value of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str) and value:
                        yield table, column, value


def live_tokens_in_database() -> list[str]:
    now = timezone.now()
    invitations = {
        i.token_hash: i.email for i in Invitation.objects.all() if i.status(now) == "pending"
    }
    api_tokens = {t.token_hash: t.name for t in ApiToken.objects.filter(revoked_at__isnull=True)}
    assert invitations, "the scan needs at least one pending invitation to look for"
    found = []
    for table, column, text in every_text_value():
        for candidate in set(CANDIDATE.findall(text)):
            digest = Invitation.hash_token(candidate)
            if digest in invitations:
                found.append(f"{table}.{column}: invitation for {invitations[digest]}")
            digest = ApiToken.hash_token(candidate)
            if digest in api_tokens:
                found.append(f"{table}.{column}: API token {api_tokens[digest]}")
    return found


@pytest.fixture
def demo() -> None:
    call_command("demo", stdout=io.StringIO())


def test_a_fresh_demo_database_holds_no_live_token(demo):
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 2
    assert live_tokens_in_database() == []


def test_nor_after_resending_minting_api_tokens_and_delivering(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    invitation = Invitation.objects.filter(accepted_at__isnull=True).first()
    token = services.resend_invitation(now=now, actor=invitation.invited_by, invitation=invitation)
    person = Person.objects.get(email="admin@boulangerie-martin.example")
    _api_token, secret = services.create_api_token(now=now, person=person, name="ci")
    assert live_tokens_in_database() == []
    deliver_due(now)
    # The e-mails did carry the links: the secrets went out, they just never stayed.
    assert any(token in message.body for message in mail.outbox)
    assert not OutboxMessage.objects.exclude(sealed_secrets="").exists()
    assert live_tokens_in_database() == []
    assert secret not in str(list(ApiToken.objects.values()))


def test_the_scan_finds_a_token_where_the_old_outbox_kept_it(demo):
    """The scan is not blind: a body holding the link, as before the fix, is caught."""
    invitation = Invitation.objects.filter(accepted_at__isnull=True).first()
    token = services.resend_invitation(
        now=timezone.now(), actor=invitation.invited_by, invitation=invitation
    )
    OutboxMessage.objects.filter(to_email=invitation.email).update(
        body=f"Ouvrez https://clausier.example/invitation/{token}/"
    )
    rows = OutboxMessage.objects.filter(to_email=invitation.email).count()
    assert rows == 2  # the first invitation and the resent one
    expected = f"notify_outboxmessage.body: invitation for {invitation.email}"
    assert live_tokens_in_database() == [expected] * rows

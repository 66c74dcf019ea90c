"""Key rotation: a new key in front, `clausier rotate_secrets`, then the old key goes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clausier.billing.models import GatewayAccount
from clausier.core import crypto
from clausier.notify.models import OutboxMessage
from clausier.notify.services import body_to_send, enqueue
from tests.helpers import make_provider

pytestmark = pytest.mark.django_db


def test_old_secrets_stay_readable_after_rotation_without_the_old_key(settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.CLAUSIER_SECRET_KEYS = [old]
    account = GatewayAccount.objects.create(
        provider=make_provider(), gateway="stripe", webhook_secret="whsec_rotate_me"
    )
    message = enqueue(
        template="invitation",
        to_email="lea@boulangerie.example",
        language="fr",
        context={
            "inviter_name": "Sophie",
            "organisation": "Boulangerie",
            "provider": "Kestio",
            "activation_url": "https://clausier.example/invitation/abcdefghijklmnopqrstu/",
            "expires_at": "demain",
            "role": "membre",
        },
        idempotency_key="rotate",
        now=timezone.now(),
    )
    settings.CLAUSIER_SECRET_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "2 secret(s) re-encrypted" in out.getvalue()

    settings.CLAUSIER_SECRET_KEYS = [new]
    assert GatewayAccount.objects.get(pk=account.pk).webhook_secret == "whsec_rotate_me"
    assert "abcdefghijklmnopqrstu" in body_to_send(OutboxMessage.objects.get(pk=message.pk))


def test_it_says_which_secrets_it_cannot_read(settings):
    settings.CLAUSIER_SECRET_KEYS = [crypto.generate_key()]
    GatewayAccount.objects.create(provider=make_provider(), gateway="stripe", webhook_secret="x")
    settings.CLAUSIER_SECRET_KEYS = [crypto.generate_key()]
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 secret"):
        call_command("rotate_secrets", stdout=io.StringIO(), stderr=err)
    assert "billing.GatewayAccount" in err.getvalue()

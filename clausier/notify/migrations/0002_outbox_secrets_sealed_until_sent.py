"""Outbox bodies stop holding activation links (issue 9, finding 2).

Rows queued before this migration carry the raw link in their body. A row still to be
sent gets a placeholder and the link encrypted beside it (so it still arrives); a row
already sent loses the link for good: it lives only in the recipient's mailbox.
"""

import json
import re

from django.db import migrations, models

import clausier.core.fields
from clausier.core.crypto import random_marker

# The portal's activation path, /invitation/<token>/ (clausier.portal.urls).
ACTIVATION_LINK = re.compile(r"https?://\S+?/invitation/[A-Za-z0-9_\-]+/")
UNSENT = ("queued", "sending", "retrying", "failed")


def seal_activation_links(apps, schema_editor):
    OutboxMessage = apps.get_model("notify", "OutboxMessage")
    for message in OutboxMessage.objects.filter(template="invitation"):
        secrets = {}

        def placeholder(match):
            marker = random_marker("activation_url")
            secrets[marker] = match.group(0)
            return marker

        message.body = ACTIVATION_LINK.sub(placeholder, message.body)
        message.sensitive = True
        unsent = message.status in UNSENT
        message.sealed_secrets = json.dumps(secrets) if secrets and unsent else ""
        message.save(update_fields=["body", "sensitive", "sealed_secrets"])


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="sealed_secrets",
            field=clausier.core.fields.EncryptedTextField(
                blank=True, editable=False, verbose_name="secrets chiffrés"
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="sensitive",
            field=models.BooleanField(default=False, verbose_name="message de sécurité"),
        ),
        migrations.RunPython(seal_activation_links, migrations.RunPython.noop, elidable=False),
    ]

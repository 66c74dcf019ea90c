"""Gateway webhook secrets encrypted at rest (issue 9, finding 4).

The column becomes a plain TextField first (a Fernet token is longer than 200
characters), existing rows are encrypted in place, and only then does the model field
become an EncryptedTextField, which reads and writes through clausier.core.crypto.
"""

from django.db import migrations, models

import clausier.core.fields
from clausier.core import crypto


def encrypt_existing(apps, schema_editor):
    GatewayAccount = apps.get_model("billing", "GatewayAccount")
    for pk, secret in GatewayAccount.objects.values_list("pk", "webhook_secret"):
        if secret and not crypto.looks_sealed(secret):
            GatewayAccount.objects.filter(pk=pk).update(webhook_secret=crypto.seal(secret))


def decrypt_existing(apps, schema_editor):
    GatewayAccount = apps.get_model("billing", "GatewayAccount")
    for pk, secret in GatewayAccount.objects.values_list("pk", "webhook_secret"):
        if secret and crypto.looks_sealed(secret):
            GatewayAccount.objects.filter(pk=pk).update(webhook_secret=crypto.unseal(secret))


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0006_payment_per_provider_method_choice_overpayment"),
    ]

    operations = [
        migrations.AlterField(
            model_name="gatewayaccount",
            name="webhook_secret",
            field=models.TextField(verbose_name="secret des webhooks"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AlterField(
            model_name="gatewayaccount",
            name="webhook_secret",
            field=clausier.core.fields.EncryptedTextField(verbose_name="secret des webhooks"),
        ),
    ]

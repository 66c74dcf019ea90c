"""Payments: references unique per provider, the method a closed choice, overpayments flagged.

Before, (method, reference) was unique across all providers and the method free text.
"""

import django.db.models.deletion
from django.db import migrations, models

# Free-text methods written before the choice existed: the demo wrote "virement", the
# simulator (throwaway databases) "simulation", tests "t"; channels already used the codes.
KNOWN = {"transfer", "cheque", "card", "sepa", "sepa-return", "stripe", "gocardless"}
SYNONYMS = {"virement": "transfer", "chèque": "cheque", "cb": "card", "carte": "card"}


def fill_provider_and_method(apps, schema_editor):
    Payment = apps.get_model("billing", "Payment")
    for payment in Payment.objects.select_related("invoice").iterator():
        method = payment.method.strip().lower()
        payment.method = method if method in KNOWN else SYNONYMS.get(method, "transfer")
        payment.provider_id = payment.invoice.provider_id
        payment.save(update_fields=["method", "provider"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("billing", "0005_invoice_line_vat_category"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="payment", name="payment_unique_reference"),
        migrations.AddField(
            model_name="payment",
            name="provider",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.provider",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="overpayment",
            field=models.BooleanField(default=False, verbose_name="trop-perçu"),
        ),
        migrations.RunPython(fill_provider_and_method, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.provider",
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="method",
            field=models.CharField(
                choices=[
                    ("transfer", "virement"),
                    ("cheque", "chèque"),
                    ("card", "carte bancaire"),
                    ("sepa", "prélèvement SEPA"),
                    ("sepa-return", "retour de prélèvement SEPA"),
                    ("stripe", "Stripe"),
                    ("gocardless", "GoCardless"),
                ],
                max_length=32,
                verbose_name="moyen",
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                fields=("provider", "method", "reference"), name="payment_unique_reference"
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "method__in",
                        ["transfer", "cheque", "card", "sepa", "sepa-return", "stripe", "gocardless"],
                    )
                ),
                name="payment_known_method",
            ),
        ),
    ]

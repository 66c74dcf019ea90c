"""Invoices carry when their next reminder falls due, with a partial index on the dates.

Every invoice still unpaid gets the date of its first reminder (the day after its due
date, Europe/Paris): the reminder job then catches up on the levels reached, and the
outbox's idempotency keys keep it from sending a level already sent.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import Sum


def schedule_unpaid_invoices(apps, schema_editor):
    Invoice = apps.get_model("billing", "Invoice")
    Payment = apps.get_model("billing", "Payment")
    local = ZoneInfo(settings.TIME_ZONE)
    for invoice in Invoice.objects.filter(kind="invoice").iterator():
        paid = Payment.objects.filter(invoice_id=invoice.pk).aggregate(s=Sum("amount"))["s"]
        credited = Invoice.objects.filter(corrects_id=invoice.pk).aggregate(
            s=Sum("total_ttc")
        )["s"]
        if invoice.total_ttc - (paid or Decimal(0)) - (credited or Decimal(0)) <= 0:
            continue
        first = datetime.combine(invoice.due_on + timedelta(days=1), time(0), tzinfo=local)
        Invoice.objects.filter(pk=invoice.pk).update(next_reminder_at=first)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0011_funders_and_invoice_payer"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="next_reminder_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="prochaine relance"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="reminder_claim",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("next_reminder_at__isnull", False)),
                fields=["next_reminder_at"],
                name="invoice_reminder_due",
            ),
        ),
        migrations.RunPython(schedule_unpaid_invoices, migrations.RunPython.noop),
    ]

"""Subscriptions revised before the retained index was stored get it from their audit trail.

Without it their next revision would divide by 268.5 again and count the same index
variation twice (managed hosting art. 8.2, C. mon. fin. L112-1 al. 2). Every revision
wrote `subscription.revised` with the index and its month; the latest one that used an
index is the index retained. A revision that found no index left the price unchanged and
retained nothing, so the contract index (268.5) is still the right base there.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import migrations


def fill_retained_index(apps, schema_editor):
    Subscription = apps.get_model("billing", "Subscription")
    AuditEntry = apps.get_model("core", "AuditEntry")
    pending = Subscription.objects.filter(revised_on__isnull=False, retained_index__isnull=True)
    for subscription in pending.iterator():
        entries = AuditEntry.objects.filter(
            action="subscription.revised",
            object_type="billing.subscription",
            object_id=str(subscription.pk),
        ).order_by("-at", "-pk")
        for entry in entries:
            details = entry.details or {}
            if not details.get("index") or not details.get("month"):
                continue
            try:
                value = Decimal(str(details["index"]))
                month = date.fromisoformat(str(details["month"]))
            except (InvalidOperation, ValueError):
                continue
            Subscription.objects.filter(pk=subscription.pk).update(
                retained_index=value, retained_index_month=month.replace(day=1)
            )
            break


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0009_overage_agreement"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_retained_index, migrations.RunPython.noop)]

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.billing.invoicing import local_date
from clausier.billing.models import (
    Invoice,
    InvoiceLine,
    OverageAgreement,
    Payment,
    Plan,
    SlaCredit,
    Subscription,
)
from clausier.billing.services import BILLING_ROLES, bill_due
from clausier.core.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin


@admin.register(Plan)
class PlanAdmin(ProviderScopedAdmin):
    writable_roles = {"owner", "accountant"}
    list_display = (
        "name",
        "code",
        "service_line",
        "price_ht",
        "periodicity",
        "alignment",
        "active",
    )
    list_filter = ("service_line", "periodicity", "active")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "client",
        "label",
        "price_ht",
        "periodicity",
        "status",
        "start_date",
        "billed_until",
    )
    list_filter = ("status", "periodicity")
    search_fields = ("client__legal_name", "label")
    actions = ["bill_due_today"]

    @admin.action(description=_("Facturer les périodes échues à ce jour"))
    def bill_due_today(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if not (
            request.user.is_superuser or scoping.staff_provider_ids(request.user, BILLING_ROLES)
        ):
            self.message_user(request, _("Réservé au responsable et au comptable."), messages.ERROR)
            return
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        issued = bill_due(now=now, until=local_date(now), subscription_ids=ids)
        self.message_user(
            request, _("%(count)d facture(s) émise(s).") % {"count": len(issued)}, messages.SUCCESS
        )


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = (
        "position",
        "description",
        "quantity",
        "unit_price_ht",
        "vat_rate",
        "total_ht",
        "clause",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "display_number",
        "kind",
        "client",
        "issued_at",
        "due_on",
        "total_ht",
        "total_ttc",
    )
    list_filter = ("kind", "series")
    search_fields = ("client__legal_name", "idempotency_key")
    inlines = [InvoiceLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyScopedAdmin):
    provider_path = "invoice__provider_id"
    list_display = ("invoice", "amount", "received_at", "method", "reference")


@admin.register(SlaCredit)
class SlaCreditAdmin(ReadOnlyScopedAdmin):
    list_display = ("client", "month", "amount", "granted", "status", "clause")
    list_filter = ("status",)


@admin.register(OverageAgreement)
class OverageAgreementAdmin(ReadOnlyScopedAdmin):
    """Quotes and the client's acceptances (art. 5): made through `billing.overage` only,
    so that each one is audited; the back-office reads them."""

    list_display = (
        "client",
        "intervention",
        "scope",
        "hourly_rate",
        "quoted_at",
        "quoted_by",
        "accepted_at",
        "accepted_by",
    )
    list_filter = ("scope",)

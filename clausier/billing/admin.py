from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import (
    Funder,
    GatewayAccount,
    Invoice,
    InvoiceLine,
    OverageAgreement,
    Payment,
    Plan,
    SlaCredit,
    Subscription,
)
from clausier.billing.services import BILLING_ROLES, bill_due


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

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may open the invoice (InvoiceAdmin decides) reads its lines; Django's
        # default asks for model permissions that provider staff do not have.
        return True


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyScopedAdmin):
    readable_roles = BILLING_ROLES  # as GET /api/invoices: not engineers nor coaches
    list_display = (
        "display_number",
        "kind",
        "client",
        "funder",
        "issued_at",
        "due_on",
        "total_ht",
        "total_ttc",
    )
    list_filter = ("kind", "series")
    search_fields = ("client__legal_name", "idempotency_key")
    inlines = [InvoiceLineInline]


@admin.register(Funder)
class FunderAdmin(ProviderScopedAdmin):
    """Funders (OPCO) of the provider: read by its staff, kept by its billing staff."""

    writable_roles = BILLING_ROLES
    list_display = ("legal_name", "kind", "siret", "billing_email", "city")
    list_filter = ("kind",)
    search_fields = ("legal_name", "siret")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyScopedAdmin):
    provider_path = "invoice__provider_id"
    readable_roles = BILLING_ROLES
    list_display = ("invoice", "amount", "received_at", "method", "reference")


@admin.register(SlaCredit)
class SlaCreditAdmin(ReadOnlyScopedAdmin):
    list_display = ("client", "month", "amount", "granted", "status", "clause")
    list_filter = ("status",)


class GatewayAccountForm(forms.ModelForm):
    """The webhook secret is write-only: typed in, never shown back (not even masked)."""

    webhook_secret = forms.CharField(
        label=_("secret des webhooks"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Laissez vide pour garder le secret enregistré. Il n'est jamais réaffiché."),
    )

    class Meta:
        model = GatewayAccount
        fields = ("provider", "gateway", "webhook_secret")

    def clean_webhook_secret(self) -> str:
        secret: str = self.cleaned_data.get("webhook_secret", "").strip()
        if not secret and self.instance.pk:
            return str(self.instance.webhook_secret)
        if not secret:
            raise forms.ValidationError(_("Saisissez le secret des webhooks."))
        return secret


@admin.register(GatewayAccount)
class GatewayAccountAdmin(ProviderScopedAdmin):
    form = GatewayAccountForm
    readable_roles = BILLING_ROLES  # payment configuration, like invoices and payments
    list_display = ("provider", "gateway")
    list_filter = ("gateway",)


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

"""The coaching back-office, scoped to the staff member's provider: coaches and their
availability, plans' delivery terms, the JaaS account (secrets write-only), and the
sessions, ledger, deliverables and change requests by e-mail read-only (they change
through the services: a change request is applied or dismissed on its portal page)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.coaching.models import (
    AvailabilityException,
    ChangeRequest,
    Coach,
    CoachingSession,
    Deliverable,
    JaasConfig,
    LedgerEntry,
    Participant,
    PlanDelivery,
    WeeklySlot,
)


class WeeklySlotInline(admin.TabularInline):
    model = WeeklySlot
    extra = 1


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(Coach)
class CoachAdmin(ProviderScopedAdmin):
    list_display = ("person", "provider", "time_zone", "slot_minutes", "active")
    inlines = (WeeklySlotInline, AvailabilityExceptionInline)


@admin.register(PlanDelivery)
class PlanDeliveryAdmin(ProviderScopedAdmin):
    provider_path = "plan__provider_id"
    list_display = ("plan", "max_participants", "session_minutes")


class JaasConfigForm(forms.ModelForm):
    """The private key and the webhook secret are write-only: never shown back."""

    private_key = forms.CharField(
        label=_("clé privée (PEM)"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Laissez vide pour garder la clé enregistrée. Elle n'est jamais réaffichée."),
    )
    webhook_secret = forms.CharField(
        label=_("secret des webhooks"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Laissez vide pour garder le secret enregistré. Il n'est jamais réaffiché."),
    )

    class Meta:
        model = JaasConfig
        fields = ("provider", "app_id", "key_id", "private_key", "webhook_secret")

    def _kept(self, name: str) -> str:
        value: str = self.cleaned_data.get(name, "").strip()
        if not value and self.instance.pk:
            return str(getattr(self.instance, name))
        return value

    def clean_private_key(self) -> str:
        key = self._kept("private_key")
        if "PRIVATE KEY" not in key:
            raise forms.ValidationError(_("Collez la clé privée au format PEM."))
        return key

    def clean_webhook_secret(self) -> str:
        return self._kept("webhook_secret")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        app_id, key_id = str(data.get("app_id", "")), str(data.get("key_id", ""))
        if app_id and key_id and not key_id.startswith(f"{app_id}/"):
            self.add_error("key_id", _("L'identifiant de clé commence par l'AppID suivi de « / »."))
        return data


@admin.register(JaasConfig)
class JaasConfigAdmin(ProviderScopedAdmin):
    form = JaasConfigForm
    list_display = ("provider", "app_id", "key_id")


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    readonly_fields = ("person", "attendance", "attended_seconds")


@admin.register(CoachingSession)
class CoachingSessionAdmin(ReadOnlyScopedAdmin):
    list_display = ("starts_at", "coach", "client", "status", "change_in_time")
    list_filter = ("status",)
    inlines = (ParticipantInline,)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyScopedAdmin):
    provider_path = "subscription__provider_id"
    list_display = ("subscription", "period_start", "kind", "delta", "at", "clause")
    list_filter = ("kind",)


@admin.register(Deliverable)
class DeliverableAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "client", "posted_at", "reserved_at")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyScopedAdmin):
    """Art. 10.1: the e-mails asking to change a session, as received, and what became of
    them; the coach or an owner decides on `/seances/demandes/`."""

    provider_path = "session__provider_id"
    list_display = ("received_at", "session", "sender", "kind", "status", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "sender__email")
    date_hierarchy = "received_at"
    list_select_related = ("session", "sender")

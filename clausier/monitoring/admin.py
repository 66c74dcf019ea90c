"""Back-office for provider staff, scoped to their providers: servers (credentials
write-only), services, downtimes and the on-call rota. Alerts, escalations and
acknowledgements are read through the API and the portal pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clausier.accounts.admin_scoping import ProviderScopedAdmin
from clausier.accounts.models import Role
from clausier.monitoring.models import (
    Downtime,
    ManagedServer,
    MonitoredService,
    OnCallShift,
)

OPERATORS: set[str] = {Role.OWNER, Role.ENGINEER}
SECRETS = ("snmp_community", "snmp_auth_key", "snmp_priv_key", "ssh_private_key", "mysql_password")


class ManagedServerForm(forms.ModelForm):
    """Credentials are write-only: typed in, never shown back; blank keeps the stored one."""

    class Meta:
        model = ManagedServer
        fields = (
            "provider",
            "client",
            "subscription",
            "name",
            "address",
            "monthly_fee_ht",
            "full_backup",
            "high_availability",
            "active",
            "snmp_port",
            "snmp_version",
            "snmp_community",
            "snmp_user",
            "snmp_auth_key",
            "snmp_priv_key",
            "ssh_port",
            "ssh_user",
            "ssh_private_key",
            "mysql_user",
            "mysql_password",
        )
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            self.fields[name].required = False
            self.fields[name].help_text = _("Laissez vide pour garder la valeur enregistrée.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRETS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class ServiceInline(admin.TabularInline):
    model = MonitoredService
    fields = (
        "name",
        "kind",
        "params",
        "check_interval",
        "retry_interval",
        "max_check_attempts",
        "escalate_in_hno",
        "enabled",
    )
    extra = 0


@admin.register(ManagedServer)
class ManagedServerAdmin(ProviderScopedAdmin):
    form = ManagedServerForm
    writable_roles = OPERATORS
    list_display = ("name", "address", "client", "high_availability", "active")
    list_filter = ("active", "high_availability")
    search_fields = ("name", "address")
    inlines = [ServiceInline]


@admin.register(MonitoredService)
class MonitoredServiceAdmin(ProviderScopedAdmin):
    provider_path = "server__provider_id"
    writable_roles = OPERATORS
    list_display = ("name", "server", "kind", "state", "state_type", "last_check_at", "enabled")
    list_filter = ("kind", "enabled", "state")
    readonly_fields = (
        "state",
        "state_type",
        "attempt",
        "last_hard_state",
        "output",
        "perfdata",
        "last_check_at",
        "next_check_at",
        "last_state_change_at",
        "last_hard_change_at",
        "reachable",
        "flapping",
        "problem",
    )
    exclude = ("has_result",)


@admin.register(Downtime)
class DowntimeAdmin(ProviderScopedAdmin):
    provider_path = "server__provider_id"
    writable_roles = OPERATORS
    list_display = ("server", "service", "kind", "starts_at", "ends_at", "reason")
    list_filter = ("kind",)


@admin.register(OnCallShift)
class OnCallShiftAdmin(ProviderScopedAdmin):
    writable_roles = OPERATORS
    list_display = ("person", "starts_at", "ends_at")

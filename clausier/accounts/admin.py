from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import (
    ApiToken,
    ClientOrganisation,
    Invitation,
    Membership,
    Person,
    Provider,
)
from clausier.core.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin


@admin.register(Provider)
class ProviderAdmin(ProviderScopedAdmin):
    provider_path = "pk"
    list_display = ("legal_name", "service_line", "siren", "vat_number", "support_email")
    search_fields = ("legal_name", "siren", "vat_number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(ProviderScopedAdmin):
    list_display = ("legal_name", "provider", "siren", "vat_number", "city", "country")
    list_filter = ("country",)
    search_fields = ("legal_name", "siren", "vat_number")


@admin.register(Membership)
class MembershipAdmin(ProviderScopedAdmin):
    list_display = ("person", "provider", "client", "role", "suspended_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("person__email", "person__last_name", "client__legal_name")
    readonly_fields = ("suspended_at", "suspension_reason", "suspended_by", "revoked_at")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "email",
        "provider",
        "client",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    search_fields = ("email",)
    exclude = ("token_hash",)


@admin.register(Person)
class PersonAdmin(ProviderScopedAdmin):
    provider_path = "memberships__provider_id"
    list_display = ("email", "first_name", "last_name", "language", "is_active", "last_login")
    search_fields = ("email", "first_name", "last_name")
    fields = (
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "last_login",
        "date_joined",
    )
    readonly_fields = ("email", "last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People join through invitations only (coaching contract art. 6.1).
        return request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyScopedAdmin):
    provider_path = "person__memberships__provider_id"
    list_display = ("name", "person", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)


admin.site.site_header = _("Clausier — back-office")
admin.site.site_title = _("Clausier")

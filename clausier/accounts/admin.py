from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import services
from clausier.accounts.errors import AccountsError
from clausier.accounts.models import (
    ApiToken,
    ClientOrganisation,
    Invitation,
    Membership,
    Person,
    Provider,
)
from clausier.core import audit
from clausier.core.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.core.http import client_ip


@admin.register(Provider)
class ProviderAdmin(ProviderScopedAdmin):
    provider_path = "pk"
    list_display = (
        "legal_name",
        "service_line",
        "legal_form",
        "siren",
        "rcs_city",
        "vat_number",
        "support_email",
    )
    search_fields = ("legal_name", "siren", "vat_number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The same audit entry as the API's PATCH (the model's clean() validated it)."""
        super().save_model(request, obj, form, change)
        audit.record(
            "provider.updated" if change else "provider.created",
            obj,
            actor=request.user,
            provider=obj,
            details={"fields": sorted(form.changed_data)},
            ip_address=client_ip(request),
        )


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
    actions = ["suspend_access", "reinstate_access"]
    writable_roles = {"owner", "engineer", "coach", "accountant"}

    @admin.action(description=_("Suspendre l'accès (CGV art. 7.1)…"))
    def suspend_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        """Two steps: a page asking the reason, then the suspension of each selection."""
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm") != "yes" or not reason:
            return TemplateResponse(
                request,
                "admin/accounts/suspend.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Suspendre l'accès"),
                    "memberships": queryset,
                    "missing_reason": request.POST.get("confirm") == "yes" and not reason,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        self._each(
            request,
            queryset,
            lambda m: services.suspend(
                now=timezone.now(),
                actor=cast(Person, request.user),
                membership=m,
                reason=reason,
                ip_address=client_ip(request),
            ),
            _("%(count)d accès suspendu(s)."),
        )
        return None

    @admin.action(description=_("Rétablir l'accès"))
    def reinstate_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(
            request,
            queryset,
            lambda m: services.reinstate(
                now=timezone.now(),
                actor=cast(Person, request.user),
                membership=m,
                ip_address=client_ip(request),
            ),
            _("%(count)d accès rétabli(s)."),
        )

    def _each(self, request: HttpRequest, queryset: QuerySet[Any], act: Any, done: Any) -> None:
        count = 0
        for membership in queryset.select_related("person", "provider", "client"):
            try:
                act(membership)
            except AccountsError as exc:
                self.message_user(request, f"{membership.person}: {exc.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)


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

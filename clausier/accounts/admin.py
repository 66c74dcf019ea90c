from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import roles, scoping, services, two_factor
from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.accounts.errors import AccountsError
from clausier.accounts.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    ApiToken,
    ClientOrganisation,
    Invitation,
    Membership,
    Person,
    Provider,
    Role,
)
from clausier.core.http import client_ip
from clausier.core.models import AuditEntry


@admin.register(Provider)
class ProviderAdmin(ProviderScopedAdmin):
    provider_path = "pk"
    audit_name = "provider"
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


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(ProviderScopedAdmin):
    # The API's rule: the owner and the accountant create and edit clients.
    writable_roles = {str(role) for role in roles.CLIENT_EDITORS}
    audit_name = "client"
    list_display = ("legal_name", "provider", "siren", "vat_number", "city", "country")
    list_filter = ("country", "kind")
    search_fields = ("legal_name", "siren", "vat_number")


@admin.register(Membership)
class MembershipAdmin(ProviderScopedAdmin):
    """Roles are granted and changed through `accounts.roles`, as the rules there say.

    On an existing membership only the role can change: moving it to another person,
    provider or client would be a grant that no rule checked.
    """

    list_display = ("person", "provider", "client", "role", "suspended_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("person__email", "person__last_name", "client__legal_name")
    actions = ["suspend_access", "reinstate_access", "revoke_access"]
    # Whose providers' people, clients and providers the add form offers; roles.GRANTS
    # then says which role each of them may give.
    writable_roles = {str(role) for role in STAFF_ROLES}
    audit_saves = False  # accounts.roles writes the entry, with the role before and after
    ADD_FIELDS = ("person", "provider", "client", "role")
    LOCKED_FIELDS = (
        "person",
        "provider",
        "client",
        "created_at",
        "suspended_at",
        "suspension_reason",
        "suspended_by",
        "revoked_at",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.ADD_FIELDS if obj is None else ("role", *self.LOCKED_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.LOCKED_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        granters = {str(role) for role in STAFF_ROLES if roles.GRANTS[role]}
        return request.user.is_superuser or bool(scoping.staff_provider_ids(request.user, granters))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        owned = scoping.staff_provider_ids(user, {Role.OWNER.value})
        if obj is None:
            return bool(owned)
        return obj.provider_id in owned and obj.person_id != user.pk and obj.revoked_at is None

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = cast(Person, request.user)

        class MembershipForm(base):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if obj is not None and "role" in self.fields:
                    # A staff membership keeps a staff role, a client one a client role.
                    side = STAFF_ROLES if obj.client_id is None else CLIENT_ROLES
                    self.fields["role"].choices = [c for c in Role.choices if c[0] in side]

            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                if self.errors:
                    return data
                try:
                    if obj is None:
                        roles.check_may_grant_membership(
                            actor,
                            data["person"],
                            data["provider"],
                            data.get("client"),
                            data["role"],
                        )
                    elif "role" in self.changed_data:
                        roles.check_may_change_role(actor, obj, data["role"])
                except AccountsError as exc:
                    raise ValidationError(str(exc.message), code=exc.code) from None
                return data

        return MembershipForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor, now, ip = cast(Person, request.user), timezone.now(), client_ip(request)
        if not change:
            granted = roles.grant_membership(
                now=now,
                actor=actor,
                person=obj.person,
                provider=obj.provider,
                client=obj.client,
                role=obj.role,
                ip_address=ip,
            )
            # The admin goes on with its own instance (history, redirect): make it the row.
            obj.pk, obj.created_at, obj._state.adding = granted.pk, granted.created_at, False
        elif "role" in form.changed_data:
            stored = Membership.objects.select_related("provider", "client", "person").get(
                pk=obj.pk
            )
            roles.change_role(now=now, actor=actor, membership=stored, role=obj.role, ip_address=ip)

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

    @admin.action(description=_("Mettre fin à l'accès à cet espace…"))
    def revoke_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        """Ends the membership here only: the person's account and other accesses stay."""
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/accounts/revoke.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Mettre fin à l'accès"),
                    "memberships": queryset,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        self._each(
            request,
            queryset,
            lambda m: services.revoke_membership(
                now=timezone.now(),
                actor=cast(Person, request.user),
                membership=m,
                ip_address=client_ip(request),
            ),
            _("%(count)d accès révoqué(s)."),
        )
        return None

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
    """Read-only for provider staff: name, e-mail, language, activity and password are the
    person's own, shared by every provider they work with. A provider suspends or ends
    its membership instead (rattachements); only a superuser edits the account itself.
    """

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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def audit_provider(self, obj: Any) -> None:
        # The account belongs to no one provider: the entry is the platform's.
        return None


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyScopedAdmin):
    provider_path = "person__memberships__provider_id"
    list_display = ("name", "person", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)


class TwoFactorAwareLoginForm(AdminAuthenticationForm):
    """The back-office door checks a password only: an account with an authenticator (or
    whose owner requires one) logs in through the portal, which asks for the code, and
    comes back to /admin/ with that session (issue 16, staff two-factor)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if two_factor.enrolled(user) or two_factor.must_enrol(user):
            raise ValidationError(
                _(
                    "Ce compte se connecte avec la double authentification : "
                    "passez par la page de connexion du portail (/connexion/?next=/admin/)."
                ),
                code="two_factor",
            )


admin.site.login_form = TwoFactorAwareLoginForm
admin.site.site_header = _("Clausier — back-office")
admin.site.site_title = _("Clausier")


# The audit log is a core model, scoped here because scoping needs providers and roles.
@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr", "client", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor__email", "action")
    date_hierarchy = "at"

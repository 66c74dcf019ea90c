"""Django admin for provider staff: every list scoped to the staff member's providers.

Superusers see everything. Staff read what belongs to their providers (`readable_roles`
narrows that to the roles the API shows it to); `writable_roles` may change it, and only
at the provider where they hold that role — an owner at one provider and an engineer at
another writes at the first only. Foreign-key choices are scoped the same way, so nobody
attaches an object to another provider. Every save and delete made here is written to
the provider's audit log, as the API writes its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from clausier.accounts import scoping
from clausier.accounts.models import ClientOrganisation, Person, Provider, Role
from clausier.core import audit
from clausier.core.admin_scoping import RefusalsAsMessagesAdmin
from clausier.core.http import client_ip


def _staff_ids(request: HttpRequest, roles: set[str] | None = None) -> set[int]:
    return scoping.staff_provider_ids(request.user, roles)


class ProviderScopedAdmin(RefusalsAsMessagesAdmin):
    # Path from the model to its provider id, e.g. "provider_id" or "client__provider_id".
    provider_path = "provider_id"
    # None: every staff role reads; otherwise only these (e.g. invoices: billing roles).
    readable_roles: set[str] | None = None
    writable_roles: set[str] = {Role.OWNER}
    # Name of the object in audit actions ("client.updated"); the model name by default.
    audit_name = ""
    # Admins whose save_model writes its own, more precise, audit entry set this to False.
    audit_saves = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = _staff_ids(request, self.readable_roles)
        return queryset.filter(**{f"{self.provider_path}__in": ids}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(_staff_ids(request, self.readable_roles))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def _may_write(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if request.user.is_superuser:
            return True
        ids = _staff_ids(request, self.writable_roles)
        if not ids or obj is None:
            return bool(ids)
        return self._at_providers(obj, ids)

    def _at_providers(self, obj: Model, provider_ids: set[int]) -> bool:
        lookup = {f"{self.provider_path}__in": provider_ids}
        return self.model._default_manager.filter(pk=obj.pk, **lookup).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            ids = _staff_ids(request, self.writable_roles)
            if db_field.related_model is Provider:
                kwargs["queryset"] = Provider.objects.filter(pk__in=ids)
            elif db_field.related_model is ClientOrganisation:
                kwargs["queryset"] = ClientOrganisation.objects.filter(provider_id__in=ids)
            elif db_field.related_model is Person:
                kwargs["queryset"] = Person.objects.filter(
                    memberships__provider_id__in=ids
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Audit -------------------------------------------------------------------------

    def audit_provider(self, obj: Model) -> Provider | None:
        provider_id = (
            self.model._default_manager.filter(pk=obj.pk)
            .values_list(self.provider_path, flat=True)
            .first()
        )
        return Provider.objects.filter(pk=provider_id).first() if provider_id else None

    def audit_client(self, obj: Model) -> ClientOrganisation | None:
        if isinstance(obj, ClientOrganisation):
            return obj
        client = getattr(obj, "client", None)
        return client if isinstance(client, ClientOrganisation) else None

    def _audit(self, request: HttpRequest, obj: Model, verb: str, fields: list[str]) -> None:
        audit.record(
            f"{self.audit_name or obj._meta.model_name}.{verb}",
            obj,
            actor=request.user,
            provider=self.audit_provider(obj),
            client=self.audit_client(obj),
            # Field names, not values, as the API records them: values may be personal.
            details={"fields": sorted(fields), "via": "back-office"},
            ip_address=client_ip(request),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if self.audit_saves:
            self._audit(request, obj, "updated" if change else "created", form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.audit_saves:
            self._audit(request, obj, "deleted", [])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyScopedAdmin(ProviderScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

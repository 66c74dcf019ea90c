"""Django admin for provider staff: every list scoped to the staff member's providers.

Superusers see everything. Owners may change what belongs to their provider; other
staff roles read. Foreign-key choices are scoped the same way, so an owner cannot
attach an object to another provider.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from clausier.accounts import scoping
from clausier.accounts.models import ClientOrganisation, Person, Provider, Role


def _staff_ids(request: HttpRequest, roles: set[str] | None = None) -> set[int]:
    return scoping.staff_provider_ids(request.user, roles)


class ProviderScopedAdmin(admin.ModelAdmin):
    # Path from the model to its provider id, e.g. "provider_id" or "client__provider_id".
    provider_path = "provider_id"
    writable_roles: set[str] = {Role.OWNER}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.provider_path}__in": _staff_ids(request)}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(_staff_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def _may_write(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(_staff_ids(request, self.writable_roles))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)

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


class ReadOnlyScopedAdmin(ProviderScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

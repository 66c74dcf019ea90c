"""The training back-office, scoped to the staff's providers. The catalogue and the
organisation's declaration are edited here; quotes, funding, attendance evidence and
documents are read-only: they change through the services (rules, signatures, hashes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.accounts.models import Role
from clausier.training.models import (
    Attendance,
    FundingRequest,
    Module,
    OrganisationProfile,
    Quote,
    Signature,
    Slot,
    Training,
    TrainingDocument,
    TrainingSession,
)

EDITORS = {Role.OWNER.value, Role.COACH.value}


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Training)
class TrainingAdmin(ProviderScopedAdmin):
    writable_roles = EDITORS
    list_display = ("title", "duration_hours", "modality", "price_ht", "pricing")
    list_filter = ("modality", "pricing")
    search_fields = ("title",)
    inlines = [ModuleInline]


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(ProviderScopedAdmin):
    list_display = ("provider", "declaration_number", "signatory_name")


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    can_delete = False
    readonly_fields = ("day", "half", "starts_at", "ends_at", "validated_at")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyScopedAdmin):
    list_display = ("training", "trainer", "status", "created_at")
    list_filter = ("status",)
    inlines = [SlotInline]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyScopedAdmin):
    list_display = ("client", "session", "price_ht", "payment", "status")
    list_filter = ("payment", "status")


@admin.register(FundingRequest)
class FundingRequestAdmin(ReadOnlyScopedAdmin):
    provider_path = "quote__provider_id"
    list_display = (
        "file_number",
        "funder",
        "amount_requested_ht",
        "covered_ht",
        "agreement_received_at",
    )


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyScopedAdmin):
    provider_path = "slot__session__provider_id"
    list_display = ("enrolment", "slot", "status", "minutes")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyScopedAdmin):
    provider_path = "session__provider_id"
    list_display = ("slot", "signer", "role", "signed_at", "ip", "digest")


@admin.register(TrainingDocument)
class TrainingDocumentAdmin(ReadOnlyScopedAdmin):
    list_display = ("kind", "session", "enrolment", "hours", "sha256", "retain_until")
    list_filter = ("kind",)

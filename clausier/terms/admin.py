from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.accounts.errors import AccountsError
from clausier.core import audit
from clausier.terms import indices, services
from clausier.terms.digests import pack_digest
from clausier.terms.models import Acceptance, EcbRateEntry, SyntecIndexEntry, TermsVersion
from clausier.terms.packs import available_versions


@admin.register(TermsVersion)
class TermsVersionAdmin(ProviderScopedAdmin):
    list_display = (
        "version",
        "provider",
        "service_line",
        "pack_version",
        "published_at",
        "effective_at",
    )
    list_filter = ("service_line",)
    readonly_fields = ("pack_digest", "created_at", "published_at", "published_by")
    actions = ["publish_now"]
    audit_saves = False  # save_model records terms.drafted / terms.edited itself

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class TermsForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                line, version = data.get("service_line"), data.get("pack_version")
                if line and version and version not in available_versions(line):
                    self.add_error(
                        "pack_version", _("Aucun pack de règles dans cette version pour ce métier.")
                    )
                return data

        return TermsForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.published_at is not None:
            self.message_user(
                request,
                _("Une version publiée ne change plus : créez une nouvelle version."),
                messages.ERROR,
            )
            return
        obj.pack_digest = pack_digest(obj.service_line, obj.pack_version)
        super().save_model(request, obj, form, change)
        audit.record(
            "terms.drafted" if not change else "terms.edited",
            obj,
            actor=request.user,
            provider=obj.provider,
        )

    @admin.action(description=_("Publier maintenant et prévenir les clients"))
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for terms in queryset.filter(published_at__isnull=True):
            try:
                services.publish(now=timezone.now(), actor=request.user, terms=terms)  # type: ignore[arg-type]
            except AccountsError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
            else:
                self.message_user(
                    request, _("%(terms)s publiée.") % {"terms": terms}, messages.SUCCESS
                )


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyScopedAdmin):
    provider_path = "terms__provider_id"
    list_display = (
        "client",
        "terms",
        "person",
        "reviewed_at",
        "accepted_at",
        "language",
        "ip_address",
    )
    search_fields = ("client__legal_name", "person__email")


class IndexAdmin(ProviderScopedAdmin):
    """Entries go through `terms.indices`, the API's entry functions: same editors, same
    plausibility checks, same audit entry with the value replaced. A correction changes
    the value only; its provider and date are the entry's identity."""

    writable_roles = {"owner", "accountant"}
    exclude = ("entered_by", "entered_at")
    audit_saves = False  # the entry function records <index>.entered with the old value
    key_field = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("provider", self.key_field)

    def enter(self, request: HttpRequest, obj: Any) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A refused value raises here; changeform_view rolls back and shows the message.
        entry = self.enter(request, obj)
        obj.pk, obj._state.adding = entry.pk, False


@admin.register(EcbRateEntry)
class EcbRateEntryAdmin(IndexAdmin):
    list_display = ("effective", "percent", "provider", "entered_by", "entered_at")
    key_field = "effective"

    def enter(self, request: HttpRequest, obj: Any) -> Any:
        return indices.enter_ecb_rate(
            now=timezone.now(),
            actor=request.user,  # type: ignore[arg-type]
            provider=obj.provider,
            effective=obj.effective,
            percent=obj.percent,
        )


@admin.register(SyntecIndexEntry)
class SyntecIndexEntryAdmin(IndexAdmin):
    list_display = ("month", "value", "published_on", "provider", "entered_by", "entered_at")
    key_field = "month"

    def enter(self, request: HttpRequest, obj: Any) -> Any:
        return indices.enter_syntec_index(
            now=timezone.now(),
            actor=request.user,  # type: ignore[arg-type]
            provider=obj.provider,
            month=obj.month,
            value=obj.value,
            published_on=obj.published_on,
        )

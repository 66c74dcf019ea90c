"""Content in the back-office, scoped to the staff member's providers: the owner and the
coaches write; a library file added here goes through the same validation as the portal's
(`content.uploads`), and plans chosen here become the item's access grants."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.billing.models import Plan
from clausier.content import services, uploads
from clausier.content.errors import ContentError
from clausier.content.models import (
    AccessGrant,
    Challenge,
    LibraryItem,
    Post,
    Space,
    Submission,
    Upload,
)
from clausier.content.selectors import CONTENT_ROLES


class LibraryItemForm(forms.ModelForm):
    file = forms.FileField(
        label=_("fichier (PDF, PNG, JPEG ou WebP)"),
        required=False,
        help_text=_("Vérifié d'après son contenu ; les images sont ré-encodées."),
    )
    url = forms.URLField(label=_("lien"), required=False, assume_scheme="https")
    plans = forms.ModelMultipleChoiceField(
        label=_("ouvert aux formules"), queryset=Plan.objects.none(), required=False
    )

    class Meta:
        model = LibraryItem
        fields = ("provider", "kind", "title", "description", "language", "url")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_file, url = data.get("file"), data.get("url")
        if (new_file and url) or not (new_file or url or self.instance.upload_id):
            raise forms.ValidationError(_("Un contenu a soit un fichier, soit un lien."))
        upload = data.get("file")
        if upload is not None:
            try:
                self.checked = uploads.check(uploads.read_limited(upload))
            except ContentError as exc:
                raise forms.ValidationError(str(exc.message)) from exc
            upload.seek(0)
        return data


class AccessGrantInline(admin.TabularInline):
    model = AccessGrant
    extra = 0
    readonly_fields = ("audience", "granted_by_app")
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LibraryItem)
class LibraryItemAdmin(ProviderScopedAdmin):
    form = LibraryItemForm
    writable_roles = CONTENT_ROLES
    list_display = ("title", "kind", "language", "provider")
    list_filter = ("kind", "language")
    search_fields = ("title", "description")
    inlines = [AccessGrantInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        ids = (
            None
            if request.user.is_superuser
            else scoping.staff_provider_ids(request.user, CONTENT_ROLES)
        )
        plans = Plan.objects.all() if ids is None else Plan.objects.filter(provider_id__in=ids)
        form.base_fields["plans"].queryset = plans  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("file")
        if upload is not None:
            obj.upload = uploads.store(
                now=timezone.now(),
                actor=request.user,
                provider=obj.provider,
                name=upload.name or "",
                stream=upload,
            )
            obj.url = ""
        elif obj.url:
            obj.upload = None  # a link replaces the former file
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        services.grant_plans(obj, form.cleaned_data.get("plans") or [])


@admin.register(Space)
class SpaceAdmin(ProviderScopedAdmin):
    writable_roles = CONTENT_ROLES
    list_display = ("title", "kind", "audience", "provider")
    list_filter = ("kind",)
    fields = ("provider", "kind", "title", "subscription", "audience")


@admin.register(Post)
class PostAdmin(ProviderScopedAdmin):
    """Moderation: staff hide a post (its text stays for the record, the portal hides it)."""

    provider_path = "space__provider_id"
    writable_roles = CONTENT_ROLES
    list_display = ("space", "author", "kind", "created_at", "hidden_at")
    list_filter = ("kind",)
    readonly_fields = ("space", "kind", "parent", "author", "body", "created_at", "edited_at")
    fields = (*readonly_fields, "hidden_at", "hidden_by", "hidden_reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(ProviderScopedAdmin):
    writable_roles = CONTENT_ROLES
    list_display = ("title", "subscription", "due_on")
    fields = (
        "provider",
        "subscription",
        "title",
        "instructions",
        "due_on",
        "created_by",
        "created_at",
    )


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyScopedAdmin):
    provider_path = "challenge__provider_id"
    list_display = ("challenge", "author", "submitted_at", "late", "feedback_at")
    list_filter = ("late",)


@admin.register(Upload)
class UploadAdmin(ReadOnlyScopedAdmin):
    list_display = ("filename", "content_type", "size", "uploaded_at", "provider")
    exclude = ("file",)

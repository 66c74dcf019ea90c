"""Content in the back-office, scoped to the staff member's providers: the owner and the
coaches write; a library file added here goes through the same validation as the portal's
(`content.uploads`), and plans chosen here become the item's access grants."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.admin_scoping import ProviderScopedAdmin, ReadOnlyScopedAdmin
from clausier.accounts.models import Person
from clausier.billing.models import Plan, Subscription
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
from clausier.core.errors import DomainError


class ContentScopedAdmin(ProviderScopedAdmin):
    """Choices of subscriptions and files are the staff member's providers' only, and an
    object's subscription must be its provider's."""

    writable_roles = CONTENT_ROLES

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and db_field.related_model in (Subscription, Upload):
            ids = scoping.staff_provider_ids(request.user, self.writable_roles)
            kwargs["queryset"] = db_field.related_model.objects.filter(provider_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        subscription = getattr(obj, "subscription", None)
        if subscription is not None and subscription.provider_id != obj.provider_id:
            raise ContentError(_("L'abonnement n'est pas celui de ce prestataire."))
        super().save_model(request, obj, form, change)


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
class LibraryItemAdmin(ContentScopedAdmin):
    form = LibraryItemForm
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
class SpaceAdmin(ContentScopedAdmin):
    list_display = ("title", "kind", "audience", "provider")
    list_filter = ("kind",)
    fields = ("provider", "kind", "title", "subscription", "audience")


@admin.register(Post)
class PostAdmin(ReadOnlyScopedAdmin):
    """Posts are written in the portal; the back-office reads them and moderates through
    `services.hide` (owner and coaches; audited), never by editing their fields."""

    provider_path = "space__provider_id"
    list_display = ("space", "author", "kind", "created_at", "hidden_at")
    list_filter = ("kind",)
    actions = ["hide_posts"]

    @admin.action(description=_("Masquer les messages sélectionnés (modération)"))
    def hide_posts(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        hidden = 0
        for post in queryset.filter(hidden_at__isnull=True).select_related("space"):
            try:
                services.hide(
                    now=timezone.now(),
                    actor=cast(Person, request.user),
                    target=post,
                    reason="back-office",
                )
            except DomainError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
                return
            hidden += 1
        self.message_user(request, _("Messages masqués : %(n)s.") % {"n": hidden})


@admin.register(Challenge)
class ChallengeAdmin(ContentScopedAdmin):
    list_display = ("title", "subscription", "due_on")
    fields = ("provider", "subscription", "title", "instructions", "due_on")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by, obj.created_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyScopedAdmin):
    provider_path = "challenge__provider_id"
    list_display = ("challenge", "author", "submitted_at", "late", "feedback_at")
    list_filter = ("late",)


@admin.register(Upload)
class UploadAdmin(ReadOnlyScopedAdmin):
    list_display = ("filename", "content_type", "size", "uploaded_at", "provider")
    exclude = ("file",)

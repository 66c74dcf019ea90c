from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts.admin_scoping import ReadOnlyScopedAdmin
from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import retry_now


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "created_at",
        "to_email",
        "subject",
        "template",
        "language",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "template", "language")
    search_fields = ("to_email", "subject", "message_id")
    actions = ["retry"]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # A security message's body is not shown even with its link removed: staff who
        # need to help the recipient resend the invitation instead.
        if obj is not None and obj.sensitive:
            return ("body",)
        return super().get_exclude(request, obj)

    @admin.action(description=_("Remettre en file les messages en échec"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        now = timezone.now()
        failed = list(queryset.filter(status=OutboxStatus.FAILED))
        for message in failed:
            retry_now(message, now)
        self.message_user(
            request,
            _("%(count)d message(s) remis en file.") % {"count": len(failed)},
            messages.SUCCESS,
        )

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if not self._may_write(request):
            actions.pop("retry", None)
        return actions

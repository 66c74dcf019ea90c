"""What every back-office page shares, whoever it is scoped to: refusals are messages.

The provider scoping itself (who reads and writes what) needs people and roles, so it
lives in `accounts/admin_scoping.py`; this layer knows nothing of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from clausier.core.errors import DomainError


class RefusalsAsMessagesAdmin(admin.ModelAdmin):
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The form checks what it can; a rule refused at save time, or a unique constraint
        # that a concurrent save won, rolls the whole change back and says so — never a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
        except IntegrityError:
            self.message_user(
                request,
                _("Enregistrement refusé : cet objet existe déjà ou contredit une règle."),
                messages.ERROR,
            )
        return HttpResponseRedirect(request.get_full_path())

"""The notifications page: which notices a person receives, and in which language.

Legal notices (`NoticeKind.mandatory`) are listed without a switch, with why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clausier.accounts.models import Language
from clausier.accounts.views import current_person
from clausier.core import audit
from clausier.notify import preferences


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    status = 200
    error = ""
    if request.method == "POST":
        language = request.POST.get("language", "")
        known = {notice.key for notice in preferences.kinds()}
        wanted = set(request.POST.getlist("notices"))
        if language not in Language.values:
            error, status = _("Choisissez une langue proposée."), 400
        elif not wanted <= known:
            error, status = _("Type de notification inconnu."), 400
        else:
            now = timezone.now()
            changed = preferences.save_choices(person, wanted, now)
            if language != person.language:
                person.language = language
                person.save(update_fields=["language"])
                translation.activate(language)
                changed.append("language")
            if changed:
                audit.record(
                    "notify.preferences.changed",
                    person,
                    actor=person,
                    details={"changed": changed, "language": language},
                )
            messages.success(request, _("Préférences de notification enregistrées."))
            return redirect("portal:notice_preferences")
    choices = preferences.choices_of(person)
    rows = [(notice, choices[notice.key]) for notice in preferences.kinds()]
    return render(
        request,
        "notify/preferences.html",
        {"rows": rows, "languages": Language.choices, "error": error},
        status=status,
    )

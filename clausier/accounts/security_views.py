"""The profile's security pages (issue 16): open sessions with "log out everywhere", and
personal API tokens (stored hashed, the secret shown once, on the page that creates it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clausier.accounts import services, sessions
from clausier.accounts.models import ApiToken
from clausier.accounts.views import current_person
from clausier.core.errors import DomainError


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    rows = [
        {"record": record, "current": sessions.is_current(record, request)}
        for record in sessions.open_sessions(person, timezone.now())
    ]
    return render(request, "accounts/sessions.html", {"rows": rows})


@login_required
@require_POST
def session_end(request: HttpRequest, record_id: int) -> HttpResponse:
    if not sessions.end_session(
        person=current_person(request), record_id=record_id, request=request
    ):
        raise Http404
    messages.success(request, _("Session fermée."))
    return redirect("portal:sessions")


@login_required
@require_POST
def sessions_end_all(request: HttpRequest) -> HttpResponse:
    ended = sessions.log_out_everywhere(person=current_person(request), request=request)
    messages.success(
        request,
        ngettext(
            "Déconnecté partout ailleurs (%(count)d session fermée).",
            "Déconnecté partout ailleurs (%(count)d sessions fermées).",
            ended,
        )
        % {"count": ended},
    )
    return redirect("portal:sessions")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    secret = None
    status = 200
    if request.method == "POST":
        try:
            _token, secret = services.create_api_token(
                now=timezone.now(), person=person, name=request.POST.get("name", "")
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
    tokens = ApiToken.objects.filter(person=person)
    # The secret is in this response only: never stored, never in a redirect or message.
    response = render(
        request, "accounts/tokens.html", {"tokens": tokens, "secret": secret}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    person = current_person(request)
    token = ApiToken.objects.filter(person=person, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.revoke_api_token(now=timezone.now(), person=person, token=token)
    messages.success(request, _("Jeton révoqué : il ne donne plus accès à l'API."))
    return redirect("portal:tokens")

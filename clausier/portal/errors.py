"""Error pages in the person's language, without a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clausier.core.htmx_session_expiry import is_htmx_request, page_reload


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "portal/error.html", {"title": title, "text": text}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("Requête invalide"), _("La requête n'a pas pu être comprise."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("Accès refusé"), _("Vous n'avez pas accès à cette page."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: htmx reloads the page (a fresh token); a form post gets our own
    page (Django's has an inline <style>, which the pages' CSP refuses)."""
    if is_htmx_request(request):
        return page_reload()
    return _page(
        request,
        403,
        _("Formulaire expiré"),
        _(
            "Ce formulaire a expiré ou a été ouvert avant une nouvelle connexion. "
            "Rechargez la page, puis recommencez."
        ),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Page introuvable"),
        _("Cette page n'existe pas ou ne vous est pas accessible."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, _("Erreur"), _("Une erreur est survenue ; elle a été enregistrée."))

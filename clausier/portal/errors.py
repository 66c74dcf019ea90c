"""Error pages in the person's language, without a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "portal/error.html", {"title": title, "text": text}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("Requête invalide"), _("La requête n'a pas pu être comprise."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("Accès refusé"), _("Vous n'avez pas accès à cette page."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Page introuvable"),
        _("Cette page n'existe pas ou ne vous est pas accessible."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, _("Erreur"), _("Une erreur est survenue ; elle a été enregistrée."))

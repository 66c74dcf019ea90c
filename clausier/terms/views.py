"""Terms of sale in the portal: read, validate (first click), confirm (second click)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts.errors import AccountsError
from clausier.accounts.models import ClientOrganisation, Role
from clausier.accounts.selectors import member_clients
from clausier.accounts.views import current_person
from clausier.core.http import client_ip
from clausier.terms import services
from clausier.terms.models import Acceptance, TermsVersion
from clausier.terms.selectors import published_terms


def _visible_terms(request: HttpRequest) -> tuple[list[ClientOrganisation], list[TermsVersion]]:
    person = current_person(request)
    clients = list(member_clients(person).select_related("provider"))
    terms = published_terms(c.provider_id for c in clients).order_by("-published_at")
    return clients, list(terms)


@login_required
def terms_list(request: HttpRequest) -> HttpResponse:
    clients, terms = _visible_terms(request)
    accepted = set(
        Acceptance.objects.filter(client__in=clients).values_list("terms_id", "client_id")
    )
    rows = [
        {"terms": t, "client": c, "accepted": (t.pk, c.pk) in accepted}
        for t in terms
        for c in clients
        if c.provider_id == t.provider_id
    ]
    return render(request, "terms/list.html", {"rows": rows})


def _terms_and_client(
    request: HttpRequest, terms_id: int
) -> tuple[TermsVersion, ClientOrganisation]:
    clients, terms = _visible_terms(request)
    found = next((t for t in terms if t.pk == terms_id), None)
    if found is None:
        raise Http404
    client_id = request.POST.get("client") or request.GET.get("client")
    candidates = [c for c in clients if c.provider_id == found.provider_id]
    client = (
        next((c for c in candidates if str(c.pk) == str(client_id)), None)
        if client_id
        else candidates[0]
    )
    if client is None:
        raise Http404
    return found, client


@login_required
def terms_detail(request: HttpRequest, terms_id: int) -> HttpResponse:
    terms, client = _terms_and_client(request, terms_id)
    person = current_person(request)
    language = request.GET.get("lang") or person.language
    text, shown = terms.text_in(language)
    acceptance = (
        Acceptance.objects.filter(terms=terms, client=client).select_related("person").first()
    )
    may_accept = client.pk in scoping.client_ids(person, {Role.CLIENT_ADMIN}) and acceptance is None
    window = services.termination_window(terms)
    return render(
        request,
        "terms/detail.html",
        {
            "terms": terms,
            "client": client,
            "text": text,
            "shown": shown,
            "acceptance": acceptance,
            "may_accept": may_accept,
            "termination_deadline": window[0] if window else None,
            "termination_clause": window[1] if window else None,
            "languages": [
                code
                for code, _label in (("fr", "fr"), ("de", "de"), ("en", "en"))
                if terms.text_in(code)[1] == code
            ],
        },
    )


@login_required
@require_POST
def terms_validate(request: HttpRequest, terms_id: int) -> HttpResponse:
    """First click: show the confirmation step, carrying what was read, signed."""
    terms, client = _terms_and_client(request, terms_id)
    try:
        first, _text = services.review(
            now=timezone.now(),
            person=current_person(request),
            client=client,
            terms=terms,
            language=request.POST.get("lang", "fr"),
        )
    except AccountsError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:terms_detail", terms_id=terms.pk)
    return render(
        request,
        "terms/confirm.html",
        {"terms": terms, "client": client, "token": first.sign(), "review": first},
    )


@login_required
@require_POST
def terms_confirm(request: HttpRequest, terms_id: int) -> HttpResponse:
    """Second click: the acceptance is recorded."""
    terms, client = _terms_and_client(request, terms_id)
    try:
        services.accept(
            now=timezone.now(),
            person=current_person(request),
            client=client,
            terms=terms,
            review_token=request.POST.get("review", ""),
            ip_address=client_ip(request),
        )
    except AccountsError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Conditions générales %(version)s acceptées.") % {"version": terms.version}
        )
    return redirect(reverse("portal:terms_detail", args=[terms.pk]) + f"?client={client.pk}")

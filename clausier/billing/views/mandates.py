"""SEPA mandate signed in the portal by the client admin, in two clicks.

The first click checks the IBAN (schwifty, through `accounts.validators.clean_iban`) and
shows the mandate as it will be signed (creditor, ICS, debtor, masked IBAN); the second
signs it: `payments.sepa.create_mandate` records it and audits it, like the API. The
review carries a fresh key from which the mandate's reference (RUM) is made, so a
double click on "Signer" records one mandate. The signed mandate is downloadable as a
PDF (the SEPA Core mandate's mentions).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clausier.accounts import scoping
from clausier.accounts.models import ClientOrganisation, Role
from clausier.accounts.validators import clean_bic, clean_iban
from clausier.accounts.views import current_person
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models_payments import CreditorSettings, Mandate
from clausier.billing.payments import sepa


def _client(request: HttpRequest) -> ClientOrganisation:
    ids = scoping.client_ids(current_person(request), {Role.CLIENT_ADMIN})
    client = (
        ClientOrganisation.objects.filter(pk__in=ids)
        .select_related("provider")
        .order_by("legal_name", "pk")
        .first()
    )
    if client is None:
        raise Http404
    return client


def _masked(iban: str) -> str:
    return f"{iban[:4]} •••• {iban[-4:]}"


def _creditor_id(client: ClientOrganisation) -> str:
    creditor = CreditorSettings.objects.filter(provider_id=client.provider_id).first()
    return creditor.creditor_id if creditor else ""


def _rum(client: ClientOrganisation, key: str) -> str:
    return f"RUM-{client.pk}-{key[:16]}"[:35]


@login_required
@require_http_methods(["GET", "POST"])
def mandate(request: HttpRequest) -> HttpResponse:
    client = _client(request)
    current = sepa.active_mandate(client)
    base: dict[str, Any] = {
        "client": client,
        "current": current,
        "masked": _masked(current.iban) if current else "",
        "creditor_id": _creditor_id(client),
    }
    if request.method == "GET":
        return render(request, "billing/mandate.html", base)
    step = request.POST.get("step")
    holder = request.POST.get("holder", "").strip()[:70] or client.legal_name
    try:
        iban = clean_iban(request.POST.get("iban", ""))
        bic = clean_bic(request.POST["bic"]) if request.POST.get("bic", "").strip() else ""
    except ValidationError as exc:
        return render(
            request,
            "billing/mandate.html",
            {**base, "error": " ".join(exc.messages), "holder": holder},
            status=400,
        )
    if step == "review":
        review = {"holder": holder, "iban": iban, "bic": bic, "masked": _masked(iban)}
        key = secrets.token_urlsafe(16)
        return render(request, "billing/mandate.html", {**base, "review": review, "sign_key": key})
    key = request.POST.get("sign_key", "")
    if step != "sign" or not 16 <= len(key) <= 64:
        return HttpResponse(_("Formulaire de mandat invalide : recommencez."), status=400)
    reference = _rum(client, key)
    signed = Mandate.objects.filter(client=client, reference=reference).first()
    if signed is None:
        now = timezone.now()
        try:
            signed = sepa.create_mandate(
                now=now,
                client=client,
                reference=reference,
                iban=iban,
                bic=bic,
                debtor_name=holder,
                signed_on=local_date(now),
                actor=current_person(request),
            )
        except BillingError as exc:
            signed = Mandate.objects.filter(client=client, reference=reference).first()
            if signed is None:  # not a concurrent double click: a real refusal
                return render(
                    request, "billing/mandate.html", {**base, "error": str(exc.message)}, status=400
                )
    messages.success(
        request, _("Mandat %(rum)s signé : vos factures seront prélevées.") % {"rum": reference}
    )
    return redirect("portal:mandate")


@login_required
def mandate_pdf(request: HttpRequest, mandate_id: int) -> HttpResponse:
    client = _client(request)
    signed = Mandate.objects.filter(client=client, pk=mandate_id).first()
    if signed is None:
        raise Http404
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only for this document

    html = render_to_string(
        "billing/mandate_pdf.html",
        {
            "mandate": signed,
            "client": client,
            "provider": client.provider,
            "creditor_id": _creditor_id(client),
        },
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mandat-{signed.reference}.pdf"'
    return response

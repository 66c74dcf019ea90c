"""Funders and the invoices addressed to them (coaching art. 8.1.2, 8.2.4).

A funder (an OPCO) that takes a training in charge in subrogation pays the provider
directly: the provider invoices it the part it covers, under the reference of its
funding agreement, and invoices the client the rest. How much each owes, and whether a
quote is large enough for subrogation, are the rules of `terms.rules.coaching_training`
(`opco_billing`); this module only addresses the invoice.

The invoice still concerns the client (`Invoice.client`): the client's administrators
see it, read-only, while the provider's billing staff manage it. Same series, same
gap-free numbers and the same immutability as every invoice: it is issued by
`invoicing.issue`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Person, Provider, Role
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Invoice
from clausier.billing.models_funders import Funder
from clausier.core import audit

# Who creates funders and addresses invoices to them: the provider's billing staff.
FUNDER_EDITORS = {Role.OWNER.value, Role.ACCOUNTANT.value}
FUNDING_REFERENCE_MAX_LENGTH = 100  # Invoice.funding_reference
FUNDER_FIELDS = (
    "kind",
    "legal_name",
    "siret",
    "vat_number",
    "billing_email",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
)


def _require_billing_staff(actor: Any, provider_id: int) -> None:
    if provider_id not in scoping.staff_provider_ids(actor, FUNDER_EDITORS):
        raise NotAllowed(_("Seule la facturation du prestataire gère les financeurs."))


def create_funder(
    *, now: datetime, actor: Person, provider: Provider, fields: dict[str, Any]
) -> Funder:
    """A new funder of the provider, its SIRET and VAT number checked (ValidationError)."""
    _require_billing_staff(actor, provider.pk)
    funder = Funder(provider=provider, created_at=now, **{k: fields[k] for k in fields})
    funder.full_clean()
    try:
        with transaction.atomic():
            funder.save()
            audit.record(
                "funder.created",
                funder,
                actor=actor,
                provider=provider,
                details={"fields": sorted(fields)},
            )
    except IntegrityError:
        raise BillingError(
            _("Un financeur de ce SIRET existe déjà chez ce prestataire."), "duplicate"
        ) from None
    return funder


def issue_to_funder(
    *,
    now: datetime,
    actor: Any,
    funder: Funder,
    client: ClientOrganisation,
    funding_reference: str,
    lines: list[LineDraft],
    idempotency_key: str,
    due_on: date,
    reason: str = "",
) -> Invoice:
    """Issue an invoice to `funder` for what it pays on `client`'s behalf (art. 8.2.4).

    `actor` None is the system (a billing rule); a person must be the provider's billing
    staff. The funder must be one of the client's provider; the funding agreement's
    reference is required: the funder pays against it.
    """
    if actor is not None:
        _require_billing_staff(actor, client.provider_id)
    if funder.provider_id != client.provider_id:
        # Another provider's funder: as if it did not exist.
        raise NotAllowed(_("Financeur introuvable."))
    reference = " ".join((funding_reference or "").split())
    if not reference:
        raise BillingError(
            _("La référence de l'accord de financement est obligatoire."),
            "funding_reference_required",
        )
    if len(reference) > FUNDING_REFERENCE_MAX_LENGTH:
        raise BillingError(
            _("La référence de l'accord de financement dépasse 100 caractères."),
            "funding_reference_too_long",
        )
    existing = Invoice.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        invoice = issue(
            now=now,
            provider=client.provider,
            client=client,
            lines=lines,
            idempotency_key=idempotency_key,
            due_on=due_on,
            reason=reason,
            actor=actor,
            funder=funder,
            funding_reference=reference,
        )
        audit.record(
            "invoice.issued_to_funder",
            invoice,
            actor=actor,
            provider=client.provider,
            client=client,
            details={"funder": funder.pk, "funding_reference": reference},
        )
    return invoice

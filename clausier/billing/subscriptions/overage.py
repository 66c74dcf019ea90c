"""Billable intervention time beyond what the fee covers (managed hosting art. 5, 3.3).

An emergency beyond the 4 per server per contract year, or work past the 2 hours of an
intervention, is billable only "après accord du Client": the provider quotes the rate
of the accepted pack (129 € HT per hour), the client's administrator accepts, and the
record keeps who and when. The invoice line bills only the time the rule finds billable
after that acceptance, at the quoted rate; without an acceptance, no line.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import LineDraft, issue, local_date
from clausier.billing.models import Invoice, OverageAgreement, OverageScope, Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.core import audit
from clausier.terms.rules import managed_hosting

QUOTING_ROLES = {Role.OWNER.value, Role.ENGINEER.value, Role.ACCOUNTANT.value}


def quote_overage(
    *, now: datetime, actor: Person, subscription: Subscription, scope: str, intervention: str
) -> OverageAgreement:
    """The provider proposes the overage at the accepted pack's hourly rate."""
    if subscription.provider_id not in scoping.staff_provider_ids(actor, QUOTING_ROLES):
        raise NotAllowed(_("Seul le prestataire propose un dépassement."))
    if scope not in OverageScope.values or not intervention.strip():
        raise BillingError(_("Dépassement inconnu."), "invalid_overage")
    pack = pack_of(subscription)
    clause_key = "intervention.covered_duration"
    if scope == OverageScope.EXTRA_EMERGENCY:
        clause_key = "emergency.overage_hourly_rate"
    with transaction.atomic():
        agreement, _created = OverageAgreement.objects.get_or_create(
            subscription=subscription,
            intervention=intervention.strip()[:100],
            scope=scope,
            defaults={
                "provider": subscription.provider,
                "client": subscription.client,
                "hourly_rate": pack.amount("emergency.overage_hourly_rate"),
                "clause": str(pack.clause(clause_key)),
                "quoted_at": now,
                "quoted_by": actor,
            },
        )
        audit.record(
            "overage.quoted",
            agreement,
            actor=actor,
            provider=subscription.provider,
            client=subscription.client,
            details={"scope": scope, "rate": str(agreement.hourly_rate)},
        )
    return agreement


def accept_overage(
    *, now: datetime, actor: Person, agreement: OverageAgreement
) -> OverageAgreement:
    """The client's administrator agrees; only its own client's quotes, only once."""
    if agreement.client_id not in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client accepte un dépassement."))
    with transaction.atomic():
        accepted = OverageAgreement.objects.filter(pk=agreement.pk, accepted_at=None).update(
            accepted_at=now, accepted_by=actor
        )
        if accepted != 1:
            raise BillingError(_("Ce dépassement a déjà été accepté."), "already_accepted")
        audit.record(
            "overage.accepted",
            agreement,
            actor=actor,
            provider=agreement.provider,
            client=agreement.client,
            details={"scope": agreement.scope, "rate": str(agreement.hourly_rate)},
        )
    agreement.refresh_from_db()
    return agreement


def bill_overage(
    *,
    now: datetime,
    subscription: Subscription,
    intervention: str,
    started_at: datetime,
    ended_at: datetime,
    within_quota: bool,
) -> Invoice | None:
    """Invoice the billable time of an ended intervention, once; None when nothing is."""
    pack = pack_of(subscription)
    agreements = {
        a.scope: a
        for a in OverageAgreement.objects.filter(
            subscription=subscription, intervention=intervention, accepted_at__isnull=False
        )
    }
    extra = agreements.get(OverageScope.EXTRA_EMERGENCY)
    quote = agreements.get(OverageScope.BEYOND_COVERED_HOURS)
    billable = managed_hosting.billable_overage(
        started_at,
        ended_at,
        pack,
        within_quota=within_quota,
        agreed_at=extra.accepted_at if extra else None,
        quote_accepted_at=quote.accepted_at if quote else None,
    )
    if billable.billable <= timedelta(0):
        return None
    rates = [a.hourly_rate for a in (extra, quote) if a is not None]
    overage = managed_hosting.emergency_overage(
        billable.billable, pack, min(rates) if rates else None
    )
    minutes = int(overage.billed.total_seconds() // 60)
    line = LineDraft(
        description=_(
            "Intervention %(intervention)s : %(minutes)s minutes à %(rate)s € HT de l'heure"
        )
        % {"intervention": intervention, "minutes": minutes, "rate": overage.hourly_rate},
        unit_price_ht=overage.amount,
        vat_rate=subscription.vat_rate,
        clause=str(billable.clause),
        subscription=subscription,
    )
    return issue(
        now=now,
        provider=subscription.provider,
        client=subscription.client,
        lines=[line],
        idempotency_key=f"overage:{subscription.pk}:{intervention}",
        due_on=local_date(now),
    )

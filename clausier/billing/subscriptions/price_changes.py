"""Price increases (coaching art. 8.1): announced three months before they apply; the
client may terminate in disagreement. Applied by the billing run from their date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Membership, Person, Role
from clausier.billing.errors import BillingError
from clausier.billing.models import PriceChange, Subscription
from clausier.billing.subscriptions.contracts import policy_of
from clausier.core import audit
from clausier.core.formatting import format_date
from clausier.core.money import to_cents
from clausier.notify.services import enqueue


def announce(
    *,
    now: datetime,
    actor: Person,
    subscription: Subscription,
    new_price_ht: Decimal,
    applies_from: date,
) -> PriceChange:
    if subscription.provider_id not in scoping.staff_provider_ids(actor, {Role.OWNER}):
        raise NotAllowed(_("Seul le responsable du prestataire annonce une hausse de prix."))
    rule = policy_of(subscription).price_change_notice(now, applies_from)
    if rule is None:
        # No increase by notice in this contract (managed hosting: SYNTEC, art. 8.2).
        raise BillingError(
            _("Les prix d'infogérance évoluent par l'indice SYNTEC (art. 8.2)."), "syntec_only"
        )
    if new_price_ht <= subscription.price_ht:
        raise BillingError(
            _("Seule une hausse s'annonce ; une baisse s'applique sans préavis."), "not_an_increase"
        )
    if subscription.end_date is not None and applies_from >= subscription.end_date:
        # A terminated contract ends at its old price: the increase would never apply.
        raise BillingError(
            _("Le contrat prend fin le %(end)s, avant la hausse : rien à annoncer (%(clause)s).")
            % {"end": format_date(subscription.end_date, form="numeric"), "clause": rule.clause},
            "ends_before_increase",
        )
    if not rule.notice_respected:
        raise BillingError(
            _(
                "Préavis insuffisant : annonce au plus tard le %(by)s "
                "pour une hausse au %(from)s (%(clause)s)."
            )
            % {
                "by": format_date(rule.announce_by, form="numeric"),
                "from": format_date(applies_from, form="numeric"),
                "clause": rule.clause,
            },
            "notice_too_short",
        )
    with transaction.atomic():
        change = PriceChange.objects.create(
            subscription=subscription,
            new_price_ht=to_cents(new_price_ht),
            announced_at=now,
            applies_from=applies_from,
            clause=str(rule.clause),
            announced_by=actor,
        )
        audit.record(
            "price_change.announced",
            change,
            actor=actor,
            provider=subscription.provider,
            client=subscription.client,
            details={"from": str(subscription.price_ht), "to": str(change.new_price_ht)},
        )
        admins = (
            Membership.objects.filter(client=subscription.client, role=Role.CLIENT_ADMIN)
            .active()
            .select_related("person")
        )
        for membership in admins:
            person = membership.person
            enqueue(
                template="price_increase",
                to_email=person.email,
                language=person.language,
                provider=subscription.provider,
                reply_to=subscription.provider.contact_email,
                now=now,
                idempotency_key=f"price_change:{change.pk}:{person.pk}",
                context={
                    "provider": subscription.provider.legal_name,
                    "label": subscription.label,
                    # Formatted by the template in the recipient's language.
                    "old_price": subscription.price_ht,
                    "new_price": change.new_price_ht,
                    "applies_from": applies_from,
                    "clause": str(rule.clause),
                },
            )
    return change


def apply_due(subscription: Subscription, period_start: date) -> Subscription:
    """Apply announced increases whose date the period to bill has reached."""
    for change in subscription.price_changes.filter(
        applied=False, applies_from__lte=period_start
    ).order_by("applies_from"):
        Subscription.objects.filter(pk=subscription.pk).update(price_ht=change.new_price_ht)
        PriceChange.objects.filter(pk=change.pk).update(applied=True)
        subscription.price_ht = change.new_price_ht
    return subscription
